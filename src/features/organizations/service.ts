import type { Principal } from '../../platform/auth/principal.js';
import type { Tx } from '../../platform/db/types.js';
import { errors } from '../../platform/errors.js';
import type { RequestMeta } from '../../platform/request-meta.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import { getOrganization, getUser } from '../auth/public.js';
import { presentOrg, presentUser } from '../auth/present.js';
import { renameOrganization } from './repo.js';

/** In the request's tenant transaction (route `txHandler`). */
export async function getMe(tx: Tx, principal: Principal) {
  const org = await getOrganization(tx);
  if (!org) throw errors.notFound('organization');
  const user = principal.userId ? await getUser(tx, principal.userId) : null;
  return {
    user: user ? presentUser(user) : null,
    api_key: principal.apiKeyId ? { id: principal.apiKeyId } : null,
    organization: presentOrg(org),
    role: principal.role,
  };
}

/** In the request's tenant transaction (route `txHandler`). */
export async function getOrg(tx: Tx) {
  const org = await getOrganization(tx);
  if (!org) throw errors.notFound('organization');
  return presentOrg(org);
}

/** In the request's tenant transaction (route `txHandler`). */
export async function updateOrg(tx: Tx, principal: Principal, patch: { name?: string | undefined }, meta: RequestMeta) {
  const before = await getOrganization(tx);
  if (!before) throw errors.notFound('organization');
  const after = patch.name === undefined ? before : await renameOrganization(tx, patch.name);
  await recordAudit(tx, actorOf(principal), { action: 'organization.updated', targetType: 'organization', targetId: tx.orgId, before: { name: before.name }, after: { name: after.name } }, meta);
  return presentOrg(after);
}
