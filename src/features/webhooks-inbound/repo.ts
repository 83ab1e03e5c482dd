import type { RawQuery } from '../../platform/db/driver.js';
import type { Tx } from '../../platform/db/types.js';

/**
 * The named cross-org door for inbound provider webhooks (app.resolve_channel_org): channel id → org
 * ids, at most two. Runs in a `withoutOrg` transaction; everything else is then read under `withOrg`.
 */
export async function resolveChannelOrg(query: RawQuery, channelId: string): Promise<string[]> {
  const r = await query<{ org_id: string }>('select t.org_id from app.resolve_channel_org($1) as t(org_id)', [channelId]);
  return r.rows.map((row) => row.org_id);
}

/**
 * The database-backed replay guard's check-and-record: true when `key` is already recorded and unexpired
 * (a replay). An expired key is taken over. Run it in the transaction that records the event, so the key
 * and the event commit or roll back together; a concurrent duplicate waits on the unique key and then
 * sees the conflict.
 */
export async function claimReplayKey(tx: Tx, channelId: string, key: string, ttlMs: number): Promise<boolean> {
  const r = await tx.query<{ key: string }>(
    `insert into app.webhook_replay_keys (org_id, key, channel_id, expires_at)
     values ($1, $2, $3, now() + make_interval(secs => $4::double precision))
     on conflict (org_id, key) do update set expires_at = excluded.expires_at, channel_id = excluded.channel_id, created_at = now()
       where app.webhook_replay_keys.expires_at <= now()
     returning key`,
    [tx.orgId, key, channelId, ttlMs / 1000],
  );
  return r.rows.length === 0;
}

/** Drops a bounded batch of the org's expired replay keys (opportunistic; keeps the table small). */
export async function sweepReplayKeys(tx: Tx, limit = 100): Promise<void> {
  await tx.query(
    `delete from app.webhook_replay_keys
      where org_id = $1 and key in (select key from app.webhook_replay_keys where org_id = $1 and expires_at < now() limit $2)`,
    [tx.orgId, limit],
  );
}

export interface ChannelEventInput {
  id: string;
  channelId: string;
  provider: string;
  eventType: string;
  externalId: string | null;
  payload: unknown;
}

export async function insertChannelEvent(tx: Tx, e: ChannelEventInput): Promise<void> {
  await tx.query(
    `insert into app.channel_events (org_id, id, channel_id, provider, event_type, external_id, payload)
     values ($1, $2, $3, $4, $5, $6, $7)`,
    [tx.orgId, e.id, e.channelId, e.provider, e.eventType, e.externalId, JSON.stringify(e.payload ?? null)],
  );
}

export interface ChannelEventRow {
  id: string;
  channel_id: string;
  provider: string;
  payload: unknown;
}

export async function getChannelEvent(tx: Tx, id: string): Promise<ChannelEventRow | null> {
  const r = await tx.query<ChannelEventRow>('select id, channel_id, provider, payload from app.channel_events where org_id = $1 and id = $2', [tx.orgId, id]);
  return r.rows[0] ?? null;
}
