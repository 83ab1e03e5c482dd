import { publicRoute, type RouteDef } from '../../platform/http/route.js';
import { LoginBody, RefreshBody, SignupBody, TokenPairOut } from './schemas.js';
import * as auth from './service.js';

export const authRoutes: RouteDef[] = [
  publicRoute({
    method: 'POST',
    url: '/auth/signup',
    operation: 'auth.signup',
    permission: 'public',
    rateLimit: 'auth',
    body: SignupBody,
    status: 201,
    response: { 201: TokenPairOut },
    handler: ({ deps, body, meta }) => auth.signup(deps, body, meta),
  }),
  publicRoute({
    method: 'POST',
    url: '/auth/login',
    operation: 'auth.login',
    permission: 'public',
    allowOrgSelector: true,
    rateLimit: 'auth',
    body: LoginBody,
    response: { 200: TokenPairOut },
    handler: ({ deps, body, meta }) => auth.login(deps, body, meta),
  }),
  publicRoute({
    method: 'POST',
    url: '/auth/refresh',
    operation: 'auth.refresh',
    permission: 'public',
    rateLimit: 'auth',
    body: RefreshBody,
    response: { 200: TokenPairOut },
    handler: ({ deps, body, meta }) => auth.refresh(deps, body, meta),
  }),
  publicRoute({
    method: 'POST',
    url: '/auth/logout',
    operation: 'auth.logout',
    permission: 'public',
    rateLimit: 'auth',
    body: RefreshBody,
    status: 204,
    handler: ({ deps, body, meta }) => auth.logout(deps, body, meta),
  }),
];

