import { z } from 'zod';
import { route, type RouteDef } from '../../platform/http/route.js';
import { OrganizationOut } from '../auth/schemas.js';
import { getOrg, updateOrg } from './service.js';

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
