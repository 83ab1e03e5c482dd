import { randomUUID } from 'node:crypto';
import type { Config } from '../../config.js';
import type { Deps } from '../../deps.js';
import { scopeOf, type Principal } from '../../platform/auth/principal.js';
import { withOrg } from '../../platform/db/with-org.js';
import type { Tx } from '../../platform/db/types.js';
import { errors } from '../../platform/errors.js';
import { page, type Cursor } from '../../platform/http/pagination.js';
import type { RequestMeta } from '../../platform/request-meta.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import { encryptCredentials, EXOTEL_TOKEN_FIELD, hintFor, newExotelToken, parseCredentials, verifyCredentials, type PlainCredentials } from './credentials.js';
import { auditView, presentChannel } from './present.js';
import * as repo from './repo.js';
import { checkChannelShape, normalizeOrigins, normalizePhone } from './rules.js';
import type { ChannelOut, CreateChannelBody, TelephonyProvider, UpdateChannelBody } from './schemas.js';

/*
 * Order of every write: validate → read-check (own transaction) → provider lookup (network, no
 * transaction) → encrypt (vault, no transaction) → write + audit (one transaction). Nothing slow or
 * secret ever runs while a tenant transaction is open.
 */

async function checkTargets(tx: Tx, t: { agent_id: string | null; flow_id: string | null }): Promise<void> {
  if (t.agent_id && !(await repo.targetExists(tx, 'agent', t.agent_id))) throw errors.notFound('agent');
  if (t.flow_id && !(await repo.targetExists(tx, 'flow', t.flow_id))) throw errors.notFound('flow');
}

export async function createChannel(deps: Deps, principal: Principal, body: CreateChannelBody, meta: RequestMeta): Promise<ChannelOut> {
  const fields = {
    phone_number: normalizePhone(body.phone_number),
    agent_id: body.agent_id ?? null,
    flow_id: body.flow_id ?? null,
    allowed_origins: normalizeOrigins(body.allowed_origins),
    settings: body.settings ?? {},
  };
  checkChannelShape({ type: body.type, provider: body.provider, hasCredentials: body.credentials !== undefined, ...fields });
  const provider = body.provider === 'web' ? null : body.provider;
  const creds: PlainCredentials | null = provider ? parseCredentials(provider, body.credentials) : null;

  await withOrg(deps.db, scopeOf(principal), (tx) => checkTargets(tx, fields));
  if (provider && creds) await verifyCredentials(deps, provider, creds);

  const id = randomUUID();
  let encrypted = creds ? await encryptCredentials(deps, principal.orgId, id, creds) : {};
  let exotelToken: string | undefined;
  if (provider === 'exotel') {
    const t = await newExotelToken(deps, principal.orgId, id);
    exotelToken = t.token;
    encrypted = { ...encrypted, ...t.encrypted };
  }
  const hint = provider && creds ? hintFor(provider, creds) : null;

  const row = await withOrg(deps.db, scopeOf(principal), async (tx) => {
    const row = await repo.insertChannel(tx, { id, name: body.name, type: body.type, provider: body.provider, credentials: encrypted, credentials_hint: hint, ...fields });
    await recordAudit(tx, actorOf(principal), { action: 'channel.created', targetType: 'channel', targetId: id, after: auditView(row) }, meta);
    return row;
  });
  return presentChannel(deps.config, row, exotelToken ? { exotelToken } : {});
}

/** In the request's tenant transaction (route `txHandler`). */
export async function getChannel(tx: Tx, config: Config, id: string): Promise<ChannelOut> {
  const row = await repo.getChannel(tx, id);
  if (!row) throw errors.notFound('channel');
  return presentChannel(config, row);
}

/** In the request's tenant transaction (route `txHandler`). */
export async function listChannels(tx: Tx, config: Config, opts: { cursor: Cursor | null; limit: number }) {
  const rows = await repo.listChannels(tx, opts);
  const p = page(rows, opts.limit);
  return { data: p.rows.map((r) => presentChannel(config, r)), next_cursor: p.nextCursor };
}

export async function updateChannel(deps: Deps, principal: Principal, id: string, body: UpdateChannelBody, meta: RequestMeta): Promise<ChannelOut> {
  const current = await withOrg(deps.db, scopeOf(principal), async (tx) => {
    const row = await repo.getChannel(tx, id);
    if (!row) throw errors.notFound('channel');
    await checkTargets(tx, { agent_id: body.agent_id ?? null, flow_id: body.flow_id ?? null });
    return row;
  });
  // Routing is one target: naming an agent clears the flow and vice versa, unless both are given.
  const agent_id = body.agent_id !== undefined ? body.agent_id : body.flow_id ? null : current.agent_id;
  const flow_id = body.flow_id !== undefined ? body.flow_id : body.agent_id ? null : current.flow_id;
  const fields = {
    name: body.name ?? current.name,
    phone_number: body.phone_number !== undefined ? normalizePhone(body.phone_number) : current.phone_number,
    agent_id,
    flow_id,
    allowed_origins: body.allowed_origins !== undefined ? normalizeOrigins(body.allowed_origins) : current.allowed_origins,
    settings: body.settings ?? current.settings,
  };
  checkChannelShape({ type: current.type, provider: current.provider, hasCredentials: body.credentials !== undefined || current.provider !== 'web', ...fields });

  let credentials = current.credentials;
  let credentials_hint = current.credentials_hint;
  if (body.credentials !== undefined) {
    const provider = current.provider as TelephonyProvider;
    const creds = parseCredentials(provider, body.credentials);
    await verifyCredentials(deps, provider, creds);
    credentials = await encryptCredentials(deps, principal.orgId, id, creds);
    // The Exotel path token is not a user credential: it survives a credentials change.
    const token = current.credentials[EXOTEL_TOKEN_FIELD];
    if (token) credentials[EXOTEL_TOKEN_FIELD] = token;
    credentials_hint = hintFor(provider, creds);
  }

  const row = await withOrg(deps.db, scopeOf(principal), async (tx) => {
    const row = await repo.updateChannel(tx, id, { ...fields, credentials, credentials_hint });
    if (!row) throw errors.notFound('channel');
    const after = { ...auditView(row), ...(body.credentials !== undefined ? { auth_replaced: true } : {}) };
    await recordAudit(tx, actorOf(principal), { action: 'channel.updated', targetType: 'channel', targetId: id, before: auditView(current), after }, meta);
    return row;
  });
  return presentChannel(deps.config, row);
}

/** In the request's tenant transaction (route `txHandler`). */
export async function deleteChannel(tx: Tx, principal: Principal, id: string, meta: RequestMeta): Promise<void> {
  const row = await repo.deleteChannel(tx, id);
  if (!row) throw errors.notFound('channel');
  await recordAudit(tx, actorOf(principal), { action: 'channel.deleted', targetType: 'channel', targetId: id, before: auditView(row) }, meta);
}
