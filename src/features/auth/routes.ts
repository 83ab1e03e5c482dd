import { publicRoute, route, type RouteDef } from '../../platform/http/route.js';
import { AcceptInviteBody, LoginBody, MeOut, RefreshBody, SignupBody, TokenPairOut } from './schemas.js';
import * as auth from './service.js';
import { acceptInvite } from '../team/invites-service.js';
import { getMe } from '../organizations/service.js';

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
  publicRoute({
    method: 'POST',
    url: '/auth/accept-invite',
    operation: 'auth.accept_invite',
    permission: 'public',
    rateLimit: 'auth',
    body: AcceptInviteBody,
    response: { 200: TokenPairOut },
    handler: ({ deps, body, meta }) => acceptInvite(deps, body, meta),
  }),
  route({
    method: 'GET',
    url: '/me',
    operation: 'me.get',
    permission: 'org:read',
    response: { 200: MeOut },
    txHandler: ({ tx, principal }) => getMe(tx, principal),
  }),
];

