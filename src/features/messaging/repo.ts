import type { Tx } from '../../platform/db/types.js';

export type OutboundStatus = 'sending' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'undelivered';

export interface OutboundRow {
  id: string;
  call_id: string | null;
  channel_id: string | null;
  provider: string;
  provider_message_id: string | null;
  to_number: string;
  text: string;
  status: OutboundStatus;
  error: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface InboundRow {
  channel_id: string;
  provider_message_id: string;
  event_id: string;
  call_id: string | null;
  processed_at: Date | null;
}

const OUT = 'id, call_id, channel_id, provider, provider_message_id, to_number, text, status, error, created_at, updated_at';

// Every statement also filters on org_id = $1: RLS is the boundary in PostgreSQL mode, and this filter
// is what holds in embedded mode (ISOLATION.md "Embedded mode").

/** True when this transaction claimed the provider message id; false when it was claimed before (a retry). */
export async function claimInbound(tx: Tx, m: { channelId: string; providerMessageId: string; eventId: string }): Promise<boolean> {
  const r = await tx.query(
    `insert into app.inbound_messages (org_id, channel_id, provider_message_id, event_id) values ($1, $2, $3, $4)
     on conflict (org_id, channel_id, provider_message_id) do nothing returning provider_message_id`,
    [tx.orgId, m.channelId, m.providerMessageId, m.eventId],
  );
  return r.rows.length > 0;
}

export async function getInbound(tx: Tx, channelId: string, providerMessageId: string): Promise<InboundRow | null> {
  const r = await tx.query<InboundRow>(
    'select channel_id, provider_message_id, event_id, call_id, processed_at from app.inbound_messages where org_id = $1 and channel_id = $2 and provider_message_id = $3',
    [tx.orgId, channelId, providerMessageId],
  );
  return r.rows[0] ?? null;
}

export async function markInboundProcessed(tx: Tx, channelId: string, providerMessageId: string, callId: string | null): Promise<void> {
  await tx.query(
    'update app.inbound_messages set processed_at = now(), call_id = $4 where org_id = $1 and channel_id = $2 and provider_message_id = $3',
    [tx.orgId, channelId, providerMessageId, callId],
  );
}

export async function insertOutbound(tx: Tx, m: { id: string; callId: string | null; channelId: string; provider: string; to: string; text: string }): Promise<void> {
  await tx.query(
    `insert into app.outbound_messages (org_id, id, call_id, channel_id, provider, to_number, text, status) values ($1, $2, $3, $4, $5, $6, $7, 'sending')`,
    [tx.orgId, m.id, m.callId, m.channelId, m.provider, m.to, m.text],
  );
}

/** The provider's answer to our send: its message id and first status, or the failure. */
export async function settleOutbound(tx: Tx, id: string, s: { providerMessageId: string | null; status: OutboundStatus; error: string | null }): Promise<void> {
  await tx.query(
    `update app.outbound_messages set provider_message_id = coalesce($3, provider_message_id), status = $4, error = $5, updated_at = now()
      where org_id = $1 and id = $2 and status = 'sending'`,
    [tx.orgId, id, s.providerMessageId, s.status, s.error],
  );
}

/**
 * A delivery receipt: matched by org, channel and provider id only. Receipts arrive out of order, so a
 * status never moves backwards (delivered stays delivered when a late `sent` arrives); failures are final.
 * True when a message was updated.
 */
export async function applyReceipt(tx: Tx, channelId: string, providerMessageId: string, status: OutboundStatus, error: string | null): Promise<boolean> {
  const r = await tx.query(
    `update app.outbound_messages set status = $4, error = coalesce($5, error), updated_at = now()
      where org_id = $1 and channel_id = $2 and provider_message_id = $3
        and status not in ('failed', 'undelivered')
        and (case status when 'sending' then 0 when 'queued' then 1 when 'sent' then 2 when 'delivered' then 3 when 'read' then 4 else 5 end)
          < (case $4::text when 'queued' then 1 when 'sent' then 2 when 'delivered' then 3 when 'read' then 4 else 5 end)
      returning id`,
    [tx.orgId, channelId, providerMessageId, status, error],
  );
  return r.rows.length > 0;
}

export async function listOutboundForCall(tx: Tx, callId: string): Promise<OutboundRow[]> {
  const r = await tx.query<OutboundRow>(`select ${OUT} from app.outbound_messages where org_id = $1 and call_id = $2 order by created_at, id`, [tx.orgId, callId]);
  return r.rows;
}
