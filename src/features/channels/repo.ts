import type { Tx } from '../../platform/db/types.js';
import type { Cursor } from '../../platform/http/pagination.js';
import type { ChannelProvider, ChannelSettings, ChannelType } from './schemas.js';

/** Field name → vault ciphertext. Never plaintext. */
export type EncryptedCredentials = Record<string, string>;

export interface ChannelRow {
  id: string;
  name: string;
  type: ChannelType;
  provider: ChannelProvider;
  credentials: EncryptedCredentials;
  credentials_hint: string | null;
  phone_number: string | null;
  agent_id: string | null;
  flow_id: string | null;
  allowed_origins: string[];
  settings: ChannelSettings;
  created_at: Date;
  updated_at: Date;
}

export interface ChannelFields {
  name: string;
  credentials: EncryptedCredentials;
  credentials_hint: string | null;
  phone_number: string | null;
  agent_id: string | null;
  flow_id: string | null;
  allowed_origins: string[];
  settings: ChannelSettings;
}

const COLUMNS = 'id, name, type, provider, credentials, credentials_hint, phone_number, agent_id, flow_id, allowed_origins, settings, created_at, updated_at';

// Every statement also filters on org_id = $1: RLS is the boundary in PostgreSQL mode, and this filter
// is what holds in embedded mode (ISOLATION.md "Embedded mode").

export async function insertChannel(tx: Tx, c: ChannelFields & { id: string; type: ChannelType; provider: ChannelProvider }): Promise<ChannelRow> {
  const r = await tx.query<ChannelRow>(
    `insert into app.channels (org_id, id, name, type, provider, credentials, credentials_hint, phone_number, agent_id, flow_id, allowed_origins, settings)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::text[], $12) returning ${COLUMNS}`,
    [tx.orgId, c.id, c.name, c.type, c.provider, JSON.stringify(c.credentials), c.credentials_hint, c.phone_number, c.agent_id, c.flow_id, c.allowed_origins, JSON.stringify(c.settings)],
  );
  return r.rows[0]!;
}

export async function getChannel(tx: Tx, id: string): Promise<ChannelRow | null> {
  const r = await tx.query<ChannelRow>(`select ${COLUMNS} from app.channels where org_id = $1 and id = $2`, [tx.orgId, id]);
  return r.rows[0] ?? null;
}

export async function listChannels(tx: Tx, opts: { cursor: Cursor | null; limit: number }): Promise<ChannelRow[]> {
  const r = await tx.query<ChannelRow>(
    `select ${COLUMNS} from app.channels
      where org_id = $1 and ($2::timestamptz is null or (created_at, id) < ($2::timestamptz, $3::uuid))
      order by created_at desc, id desc limit $4`,
    [tx.orgId, opts.cursor?.t ?? null, opts.cursor?.id ?? null, opts.limit + 1],
  );
  return r.rows;
}

/** Writes every mutable field. Null when 0 rows matched (another org's, deleted or never-existing id). */
export async function updateChannel(tx: Tx, id: string, c: ChannelFields): Promise<ChannelRow | null> {
  const r = await tx.query<ChannelRow>(
    `update app.channels set name = $3, credentials = $4, credentials_hint = $5, phone_number = $6, agent_id = $7, flow_id = $8,
            allowed_origins = $9::text[], settings = $10, updated_at = now()
      where org_id = $1 and id = $2 returning ${COLUMNS}`,
    [tx.orgId, id, c.name, JSON.stringify(c.credentials), c.credentials_hint, c.phone_number, c.agent_id, c.flow_id, c.allowed_origins, JSON.stringify(c.settings)],
  );
  return r.rows[0] ?? null;
}

export async function deleteChannel(tx: Tx, id: string): Promise<ChannelRow | null> {
  const r = await tx.query<ChannelRow>(`delete from app.channels where org_id = $1 and id = $2 returning ${COLUMNS}`, [tx.orgId, id]);
  return r.rows[0] ?? null;
}

/** Whether an agent / flow id exists in the caller's org (checked before calling a provider). */
export async function targetExists(tx: Tx, kind: 'agent' | 'flow', id: string): Promise<boolean> {
  const table = kind === 'agent' ? 'app.agents' : 'app.flows';
  const r = await tx.query(`select 1 from ${table} where org_id = $1 and id = $2`, [tx.orgId, id]);
  return r.rows.length > 0;
}

/**
 * Spends a widget session token (migration 0018): true the first time its jti is recorded, false when it
 * was already used. In the transaction that admits the connection; a concurrent duplicate waits on the
 * primary key, then sees the conflict.
 */
export async function spendSessionToken(tx: Tx, channelId: string | null, jti: string, expiresAt: Date): Promise<boolean> {
  const r = await tx.query<{ jti: string }>(
    `insert into app.web_session_token_uses (org_id, jti, channel_id, expires_at) values ($1, $2, $3, $4)
     on conflict (org_id, jti) do nothing returning jti`,
    [tx.orgId, jti, channelId, expiresAt],
  );
  return r.rows.length === 1;
}

/** Drops a bounded batch of the org's expired token uses (opportunistic; keeps the table small). */
export async function sweepSessionTokenUses(tx: Tx, limit = 100): Promise<void> {
  await tx.query(
    `delete from app.web_session_token_uses
      where org_id = $1 and jti in (select jti from app.web_session_token_uses where org_id = $1 and expires_at < now() limit $2)`,
    [tx.orgId, limit],
  );
}
