import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.js';
import type { Role } from '../../platform/auth/permissions.js';
import { scopeOf, type Principal } from '../../platform/auth/principal.js';
import { hashSecret, randomSecret } from '../../platform/auth/tokens.js';
import type { Tx } from '../../platform/db/types.js';
import { withOrg } from '../../platform/db/with-org.js';
import { errors } from '../../platform/errors.js';
import type { RequestMeta } from '../../platform/request-meta.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import * as repo from './repo.js';

// Public part shown in lists: enough to recognise a key, far too little to use it.
const PREFIX_LENGTH = repo.API_KEY_PREFIX.length + 8;

const auditView = (k: repo.ApiKeyRow) => ({ name: k.name, role: k.role, prefix: k.prefix });

/**
 * Returns the stored key and the full secret, which exists only in this response. In the request's
 * tenant transaction (route `txHandler`).
 */
export async function createApiKey(tx: Tx, principal: Principal, input: { name: string; role: Exclude<Role, 'owner'> }, meta: RequestMeta) {
  const key = repo.API_KEY_PREFIX + randomSecret(30);
  const row = await repo.insertApiKey(tx, { id: randomUUID(), name: input.name, role: input.role, prefix: key.slice(0, PREFIX_LENGTH), hash: hashSecret(key), createdBy: principal.userId });
  await recordAudit(tx, actorOf(principal), { action: 'api_key.created', targetType: 'api_key', targetId: row.id, after: auditView(row) }, meta);
  return { row, key };
}

export async function revokeApiKey(deps: Deps, principal: Principal, id: string, meta: RequestMeta): Promise<void> {
  await withOrg(deps.db, scopeOf(principal), async (tx) => {
    const row = await repo.revokeApiKey(tx, id);
    if (!row) throw errors.notFound('api key');
    await recordAudit(tx, actorOf(principal), { action: 'api_key.revoked', targetType: 'api_key', targetId: row.id, before: auditView(row) }, meta);
  });
}
