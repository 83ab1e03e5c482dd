import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { withOrg } from '../../platform/db/with-org.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import { API_KEY_ROLES } from '../../platform/auth/permissions.js';
import { scopeOf } from '../../platform/auth/principal.js';
import { hashSecret, randomSecret } from '../../platform/auth/tokens.js';
import { errors } from '../../platform/http/errors.js';
import { decodeCursor, page } from '../../platform/http/pagination.js';
import { route, type RouteDef } from '../../platform/http/route.js';
import { IdParams, ListQuery, listOf, toIso } from '../../platform/http/schemas.js';
import { API_KEY_PREFIX, insertApiKey, listApiKeys, revokeApiKey, type ApiKeyRow } from './repo.js';

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
    handler: async ({ deps, principal, body, meta }) => {
      const key = API_KEY_PREFIX + randomSecret(30);
      const prefix = key.slice(0, API_KEY_PREFIX.length + 8);
      const row = await withOrg(deps.db, scopeOf(principal), async (tx) => {
        const row = await insertApiKey(tx, { id: randomUUID(), name: body.name, role: body.role, prefix, hash: hashSecret(key), createdBy: principal.userId });
        await recordAudit(tx, actorOf(principal), { action: 'api_key.created', targetType: 'api_key', targetId: row.id, after: present(row) }, meta);
        return row;
      });
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
    handler: async ({ deps, principal, query }) => {
      const cursor = decodeCursor(query.cursor);
      const rows = await withOrg(deps.db, scopeOf(principal), (tx) => listApiKeys(tx, { cursor, limit: query.limit }));
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
    handler: async ({ deps, principal, params, meta }) => {
      await withOrg(deps.db, scopeOf(principal), async (tx) => {
        const row = await revokeApiKey(tx, params.id);
        if (!row) throw errors.notFound('api key');
        await recordAudit(tx, actorOf(principal), { action: 'api_key.revoked', targetType: 'api_key', targetId: row.id, before: present(row) }, meta);
      });
    },
  }),
];
