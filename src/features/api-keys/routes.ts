import { z } from 'zod';
import { API_KEY_ROLES } from '../../platform/auth/permissions.js';
import { decodeCursor, page } from '../../platform/http/pagination.js';
import { route, type RouteDef } from '../../platform/http/route.js';
import { IdParams, ListQuery, listOf, toIso } from '../../platform/http/schemas.js';
import type { ApiKeyRow } from './repo.js';
import { createApiKey, revokeApiKey } from './service.js';
import { listApiKeys } from './repo.js';

const CreateApiKeyBody = z.strictObject({ name: z.string().trim().min(1).max(200), role: z.enum(API_KEY_ROLES).default('admin') });
const ApiKeyOut = z.object({
  id: z.string(),
  name: z.string(),
  role: z.string(),
  prefix: z.string(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
});
const CreatedApiKeyOut = ApiKeyOut.extend({ key: z.string().describe('The full key. Shown once; store it now.') });

const present = (k: ApiKeyRow) => ({
  id: k.id,
  name: k.name,
  role: k.role,
  prefix: k.prefix,
  created_at: toIso(k.created_at)!,
  last_used_at: toIso(k.last_used_at),
});

export const apiKeyRoutes: RouteDef[] = [
  route({
    method: 'POST',
    url: '/api-keys',
    operation: 'api_keys.create',
    permission: 'api_keys:manage',
    body: CreateApiKeyBody,
    status: 201,
    response: { 201: CreatedApiKeyOut },
    txHandler: async ({ tx, principal, body, meta }) => {
      const { row, key } = await createApiKey(tx, principal, body, meta);
      return { ...present(row), key };
    },
  }),
  route({
    method: 'GET',
    url: '/api-keys',
    operation: 'api_keys.list',
    permission: 'api_keys:manage',
    query: ListQuery,
    response: { 200: listOf(ApiKeyOut) },
    txHandler: async ({ tx, query }) => {
      const rows = await listApiKeys(tx, { cursor: decodeCursor(query.cursor), limit: query.limit });
      const p = page(rows, query.limit);
      return { data: p.rows.map(present), next_cursor: p.nextCursor };
    },
  }),
  route({
    method: 'DELETE',
    url: '/api-keys/:id',
    operation: 'api_keys.revoke',
    permission: 'api_keys:manage',
    params: IdParams,
    status: 204,
    // Two-step on purpose: the credential check of a request made with an API key may update that key's
    // row (last_used_at). In one transaction, two keys revoking each other at the same moment would each
    // hold its own row and wait for the other's: a deadlock. Committing the check first rules it out.
    handler: ({ deps, principal, params, meta }) => revokeApiKey(deps, principal, params.id, meta),
  }),
];
