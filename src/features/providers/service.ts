import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.js';
import { scopeOf, type Principal } from '../../platform/auth/principal.js';
import { withOrg } from '../../platform/db/with-org.js';
import type { Tx } from '../../platform/db/types.js';
import { errors } from '../../platform/errors.js';
import { page, type Cursor } from '../../platform/http/pagination.js';
import type { RequestMeta } from '../../platform/request-meta.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import { encryptCredentials, hintFor } from './credentials.js';
import { auditView, presentProvider } from './present.js';
import * as repo from './repo.js';
import { checkBaseUrl, checkProviderShape, normalizeBaseUrl } from './rules.js';
import type { CreateProviderBody, ProviderOut, UpdateProviderBody } from './schemas.js';

/*
 * Order of every write: validate → address check of base_url (DNS, no transaction) → encrypt (vault, no
 * transaction) → write + audit (one transaction). Nothing slow or secret runs while a tenant
 * transaction is open.
 */

const notFound = () => errors.notFound('provider');

export async function createProvider(deps: Deps, principal: Principal, body: CreateProviderBody, meta: RequestMeta): Promise<ProviderOut> {
  const base_url = normalizeBaseUrl(body.base_url);
  checkProviderShape({ kind: body.kind, base_url, hasCredentials: body.credentials !== undefined });
  if (base_url) await checkBaseUrl(deps, base_url);
  const id = randomUUID();
  const creds = body.credentials ?? null;
  const credentials = creds ? await encryptCredentials(deps, principal.orgId, id, creds) : {};
  const row = await withOrg(deps.db, scopeOf(principal), async (tx) => {
    const row = await repo.insertProvider(tx, { id, name: body.name, kind: body.kind, base_url, credentials, credentials_hint: hintFor(creds), default_model: body.default_model ?? null });
    await recordAudit(tx, actorOf(principal), { action: 'provider.created', targetType: 'provider', targetId: id, after: auditView(row) }, meta);
    return row;
  });
  return presentProvider(row);
}

/** In the request's tenant transaction (route `txHandler`). */
export async function getProvider(tx: Tx, id: string): Promise<ProviderOut> {
  const row = await repo.getProvider(tx, id);
  if (!row) throw notFound();
  return presentProvider(row);
}

/** In the request's tenant transaction (route `txHandler`). */
export async function listProviders(tx: Tx, opts: { cursor: Cursor | null; limit: number }) {
  const p = page(await repo.listProviders(tx, opts), opts.limit);
  return { data: p.rows.map(presentProvider), next_cursor: p.nextCursor };
}

export async function updateProvider(deps: Deps, principal: Principal, id: string, body: UpdateProviderBody, meta: RequestMeta): Promise<ProviderOut> {
  const current = await withOrg(deps.db, scopeOf(principal), (tx) => repo.getProvider(tx, id));
  if (!current) throw notFound();
  const base_url = body.base_url !== undefined ? normalizeBaseUrl(body.base_url) : current.base_url;
  const hasStored = Object.keys(current.credentials).length > 0;
  // A stored key goes only where it went when it was entered: pointing it elsewhere needs the key again,
  // or an admin who cannot read the key could send it to a server of their own.
  if (base_url !== current.base_url && hasStored && body.credentials === undefined) {
    throw errors.validation('Changing base_url requires the credentials again', [{ path: 'body.credentials', message: 'required when base_url changes' }]);
  }
  const creds = body.credentials === undefined ? undefined : body.credentials;
  checkProviderShape({ kind: current.kind, base_url, hasCredentials: creds === undefined ? hasStored : creds !== null });
  if (base_url && base_url !== current.base_url) await checkBaseUrl(deps, base_url);

  let credentials = current.credentials;
  let credentials_hint = current.credentials_hint;
  if (creds !== undefined) {
    credentials = creds ? await encryptCredentials(deps, principal.orgId, id, creds) : {};
    credentials_hint = hintFor(creds);
  }
  const fields = { name: body.name ?? current.name, base_url, credentials, credentials_hint, default_model: body.default_model !== undefined ? body.default_model : current.default_model };
  const row = await withOrg(deps.db, scopeOf(principal), async (tx) => {
    const row = await repo.updateProvider(tx, id, fields);
    if (!row) throw notFound();
    const after = { ...auditView(row), ...(creds !== undefined ? { auth_replaced: true } : {}) };
    await recordAudit(tx, actorOf(principal), { action: 'provider.updated', targetType: 'provider', targetId: id, before: auditView(current), after }, meta);
    return row;
  });
  return presentProvider(row);
}

/** In the request's tenant transaction (route `txHandler`). 409 while an agent uses the provider. */
export async function deleteProvider(tx: Tx, principal: Principal, id: string, meta: RequestMeta): Promise<void> {
  const row = await repo.deleteProvider(tx, id);
  if (!row) throw notFound();
  await recordAudit(tx, actorOf(principal), { action: 'provider.deleted', targetType: 'provider', targetId: id, before: auditView(row) }, meta);
}
