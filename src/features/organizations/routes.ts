import { z } from 'zod';
import { route, type RouteDef } from '../../platform/http/route.js';
import { MeOut, OrganizationOut } from '../auth/schemas.js';
import { getMe, getOrg, updateOrg } from './service.js';

const Settings = z.strictObject({
  redact_pii: z.boolean().optional().describe('Replace phone numbers, emails and card numbers by [PHONE], [EMAIL], [CARD] in what is stored (transcripts, tool calls, variables, event payloads); the live session is unaffected'),
  retention_days: z.int().min(1).max(3650).nullable().optional().describe('Delete calls (with their transcripts and messages) older than this many days, daily; null keeps them'),
});
const UpdateOrganizationBody = z.strictObject({ name: z.string().trim().min(1).max(200).optional(), settings: Settings.optional() });
const OrganizationWithSettingsOut = OrganizationOut.extend({ settings: z.object({ redact_pii: z.boolean(), retention_days: z.int().nullable() }) });

export const organizationRoutes: RouteDef[] = [
  route({
    method: 'GET',
    url: '/organization',
    operation: 'organization.get',
    permission: 'org:read',
    response: { 200: OrganizationWithSettingsOut },
    txHandler: ({ tx }) => getOrg(tx),
  }),
  route({
    method: 'PATCH',
    url: '/organization',
    operation: 'organization.update',
    permission: 'org:write',
    body: UpdateOrganizationBody,
    response: { 200: OrganizationWithSettingsOut },
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
