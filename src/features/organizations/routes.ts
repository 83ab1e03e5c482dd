import { z } from 'zod';
import { route, type RouteDef } from '../../platform/http/route.js';
import { MeOut, OrganizationOut } from '../auth/schemas.js';
import { getMe, getOrg, updateOrg } from './service.js';

const UpdateOrganizationBody = z.strictObject({ name: z.string().trim().min(1).max(200).optional() });

export const organizationRoutes: RouteDef[] = [
  route({
    method: 'GET',
    url: '/organization',
    operation: 'organization.get',
    permission: 'org:read',
    response: { 200: OrganizationOut },
    txHandler: ({ tx }) => getOrg(tx),
  }),
  route({
    method: 'PATCH',
    url: '/organization',
    operation: 'organization.update',
    permission: 'org:write',
    body: UpdateOrganizationBody,
    response: { 200: OrganizationOut },
    txHandler: ({ tx, principal, body, meta }) => updateOrg(tx, principal, body, meta),
  }),
];

/** `GET /me`: the caller and their organization; listed right after authRoutes. */
export const meRoutes: RouteDef[] = [
  route({
    method: 'GET',
    url: '/me',
    operation: 'me.get',
    permission: 'org:read',
    response: { 200: MeOut },
    txHandler: ({ tx, principal }) => getMe(tx, principal),
  }),
];
