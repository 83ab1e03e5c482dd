import type { Tx } from '../../platform/db/types.js';
import { cursorAt, type Cursor } from '../../platform/http/pagination.js';

export type EscalationStatus = 'waiting' | 'claimed' | 'closed';
export type ClosedReason = 'released' | 'closed' | 'caller_hangup' | 'session_ended';
export type ActorType = 'user' | 'api_key';
export interface ActorRef { type: ActorType; id: string }

export interface EscalationRow {
  id: string;
  call_id: string;
  status: EscalationStatus;
  queue: string;
  reason: string | null;
  claimed_by_type: ActorType | null;
  claimed_by: string | null;
  claimed_at: Date | null;
  closed_reason: ClosedReason | null;
  closed_by_type: ActorType | null;
  closed_by: string | null;
  closed_at: Date | null;
  created_at: Date;
  updated_at: Date;
  // The call it escalates (joined: what a queue shows next to each entry).
  call_channel: string;
  call_channel_id: string | null;
  call_agent_id: string | null;
  call_flow_id: string | null;
  call_from_number: string | null;
  call_status: string;
}

// Every statement also filters on org_id = $1: RLS is the boundary in PostgreSQL mode, and this filter
// is what holds in embedded mode (ISOLATION.md "Embedded mode").
const SELECT = `select e.id, e.call_id, e.status, e.queue, e.reason, e.claimed_by_type, e.claimed_by, e.claimed_at, e.closed_reason,
       e.closed_by_type, e.closed_by, e.closed_at, e.created_at, e.updated_at,
       c.channel as call_channel, c.channel_id as call_channel_id, c.agent_id as call_agent_id, c.flow_id as call_flow_id,
       c.from_number as call_from_number, c.status as call_status
  from app.escalations e join app.calls c on c.org_id = e.org_id and c.id = e.call_id`;

export async function insertEscalation(tx: Tx, e: { id: string; call_id: string; queue: string; reason: string | null }): Promise<boolean> {
  // A call has at most one open escalation (partial unique index): a second handoff adds nothing.
  const r = await tx.query(
    `insert into app.escalations (org_id, id, call_id, queue, reason) values ($1, $2, $3, $4, $5)
     on conflict (org_id, call_id) where status <> 'closed' do nothing returning id`,
    [tx.orgId, e.id, e.call_id, e.queue, e.reason],
  );
  return r.rows.length > 0;
}

export async function getEscalation(tx: Tx, id: string, opts: { lock?: boolean } = {}): Promise<EscalationRow | null> {
  const r = await tx.query<EscalationRow>(`${SELECT} where e.org_id = $1 and e.id = $2${opts.lock ? ' for update of e' : ''}`, [tx.orgId, id]);
  return r.rows[0] ?? null;
}

/** The call's open escalation, locked for the turn that may close it. */
export async function openEscalationOfCall(tx: Tx, callId: string): Promise<EscalationRow | null> {
  const r = await tx.query<EscalationRow>(`${SELECT} where e.org_id = $1 and e.call_id = $2 and e.status <> 'closed' for update of e`, [tx.orgId, callId]);
  return r.rows[0] ?? null;
}

/** Claims a waiting escalation (or confirms the claimer's own claim); false when it is not claimable by `by`. */
export async function claimEscalation(tx: Tx, id: string, by: ActorRef): Promise<boolean> {
  const r = await tx.query(
    `update app.escalations set status = 'claimed', claimed_by_type = $3, claimed_by = $4,
            claimed_at = case when status = 'claimed' then claimed_at else now() end, updated_at = now()
      where org_id = $1 and id = $2 and (status = 'waiting' or (status = 'claimed' and claimed_by_type = $3 and claimed_by = $4)) returning id`,
    [tx.orgId, id, by.type, by.id],
  );
  return r.rows.length > 0;
}

export async function closeEscalation(tx: Tx, id: string, reason: ClosedReason, by: ActorRef | null): Promise<void> {
  await tx.query(
    `update app.escalations set status = 'closed', closed_reason = $3, closed_by_type = $4, closed_by = $5, closed_at = now(), updated_at = now()
      where org_id = $1 and id = $2 and status <> 'closed'`,
    [tx.orgId, id, reason, by?.type ?? null, by?.id ?? null],
  );
}

export interface EscalationFilters {
  status?: EscalationStatus | undefined;
  queue?: string | undefined;
  call_id?: string | undefined;
}

/** One page (limit + 1 rows, for `page()`), newest first. */
export async function listEscalations(tx: Tx, f: EscalationFilters, opts: { cursor: Cursor | null; limit: number }): Promise<Array<EscalationRow & { cursor_at: string }>> {
  const r = await tx.query<EscalationRow & { cursor_at: string }>(
    `${SELECT.replace('e.updated_at,', `e.updated_at, ${cursorAt('e.created_at')},`)}
      where e.org_id = $1 and ($2::timestamptz is null or (e.created_at, e.id) < ($2::timestamptz, $3::uuid))
        and ($5::text is null or e.status = $5)
        and ($6::text is null or e.queue = $6)
        and ($7::uuid is null or e.call_id = $7)
      order by e.created_at desc, e.id desc limit $4`,
    [tx.orgId, opts.cursor?.t ?? null, opts.cursor?.id ?? null, opts.limit + 1, f.status ?? null, f.queue ?? null, f.call_id ?? null],
  );
  return r.rows;
}
