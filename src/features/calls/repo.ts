import type { RawQuery } from '../../platform/db/driver.js';
import type { Tx } from '../../platform/db/types.js';
import { cursorAt, type Cursor } from '../../platform/http/pagination.js';

export type CallStatus = 'active' | 'ended' | 'escalated';
export type CallChannel = 'text' | 'web' | 'voice' | 'sms' | 'whatsapp';
export type CallMode = 'live' | 'test';

export interface CallRow {
  id: string;
  agent_id: string | null;
  flow_id: string | null;
  campaign_id: string | null;
  channel: CallChannel;
  channel_id: string | null;
  mode: CallMode;
  status: CallStatus;
  direction: 'inbound' | 'outbound';
  from_number: string | null;
  to_number: string | null;
  variables: Record<string, unknown>;
  actions: unknown[];
  turns: number;
  outcome: string | null;
  ended_reason: string | null;
  started_at: Date;
  ended_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** The row with what the runtime needs to continue the session (never presented as is). */
export interface CallStateRow extends CallRow {
  state: Record<string, unknown>;
  context: Record<string, unknown>;
  version: number;
}

export interface NewCall {
  id: string;
  agent_id: string | null;
  flow_id: string | null;
  channel: CallChannel;
  /** The channel (widget, SMS/WhatsApp number, phone line) the session came through; null for API text sessions. */
  channel_id?: string | null;
  /** The campaign an outbound call belongs to (src/pipeline/campaigns/). */
  campaign_id?: string | null;
  mode: CallMode;
  direction: 'inbound' | 'outbound';
  from_number: string | null;
  to_number: string | null;
  state: Record<string, unknown>;
  context: Record<string, unknown>;
  variables: Record<string, unknown>;
  started_at: Date;
  /** The provider's id of a phone call (Twilio CallSid, Plivo CallUUID, Exotel CallSid), when known. */
  provider_call_id?: string | null;
}

export interface MessageRow { seq: number; role: string; text: string; at: Date; interrupted: boolean; node_id: string | null; agent_id: string | null; turn: number }
export interface ToolCallRow { seq: number; turn: number; kind: string; name: string; tool_id: string | null; arguments: unknown; status: string; latency_ms: number; error: string | null; at: Date }
export interface HitRow { seq: number; turn: number; document_id: string; chunk_id: string; score: number; at: Date }
export interface TurnRow { turn: number; engine_ms: number; db_ms: number; model_ttft_ms: number | null; tool_ms: number; total_ms: number; at: Date }
/** The marks of a spoken turn (migration 0019), in ms; null where the turn had none. */
export interface VoiceMarks { stt_ms: number | null; tts_ms: number | null; first_audio_ms: number | null }

const COLUMNS =
  'id, agent_id, flow_id, campaign_id, channel, channel_id, mode, status, direction, from_number, to_number, variables, actions, turns, outcome, ended_reason, started_at, ended_at, created_at, updated_at';

// Every statement also filters on org_id = $1: RLS is the boundary in PostgreSQL mode, and this filter
// is what holds in embedded mode (ISOLATION.md "Embedded mode").

export async function insertCall(tx: Tx, c: NewCall): Promise<CallStateRow> {
  const r = await tx.query<CallStateRow>(
    `insert into app.calls (org_id, id, agent_id, flow_id, channel, mode, direction, from_number, to_number, state, context, variables, started_at, channel_id, campaign_id, provider_call_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) returning ${COLUMNS}, state, context, version`,
    [
      tx.orgId, c.id, c.agent_id, c.flow_id, c.channel, c.mode, c.direction, c.from_number, c.to_number, JSON.stringify(c.state), JSON.stringify(c.context), JSON.stringify(c.variables), c.started_at,
      c.channel_id ?? null, c.campaign_id ?? null, c.provider_call_id ?? null,
    ],
  );
  return r.rows[0]!;
}

/** What the calls of one batch share (the campaign dialer: one agent or flow, one line, one campaign). */
export type SharedCallFields = Omit<NewCall, 'id' | 'to_number' | 'state' | 'variables' | 'provider_call_id'>;

/** Many calls of one target in one statement; each row brings only what differs between them. */
export async function insertCalls(tx: Tx, shared: SharedCallFields, rows: ReadonlyArray<Pick<NewCall, 'id' | 'to_number' | 'state' | 'variables'>>): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `insert into app.calls (org_id, id, agent_id, flow_id, channel, mode, direction, from_number, to_number, state, context, variables, started_at, channel_id, campaign_id)
     select $1, u.id, $2, $3, $4, $5, $6, $7, u.to_number, u.state, $8, u.variables, $9, $10, $11
       from unnest($12::uuid[], $13::text[], $14::jsonb[], $15::jsonb[]) as u(id, to_number, state, variables)`,
    [
      tx.orgId, shared.agent_id, shared.flow_id, shared.channel, shared.mode, shared.direction, shared.from_number, JSON.stringify(shared.context), shared.started_at,
      shared.channel_id ?? null, shared.campaign_id ?? null,
      rows.map((r) => r.id), rows.map((r) => r.to_number), rows.map((r) => JSON.stringify(r.state)), rows.map((r) => JSON.stringify(r.variables)),
    ],
  );
}

export async function getCall(tx: Tx, id: string): Promise<CallRow | null> {
  const r = await tx.query<CallRow>(`select ${COLUMNS} from app.calls where org_id = $1 and id = $2`, [tx.orgId, id]);
  return r.rows[0] ?? null;
}

/** The phone call a provider callback is about: by the channel and the provider's call id. */
export async function findByProviderCallId(tx: Tx, channelId: string, providerCallId: string): Promise<CallStateRow | null> {
  const r = await tx.query<CallStateRow>(
    `select ${COLUMNS}, state, context, version from app.calls where org_id = $1 and channel_id = $2 and provider_call_id = $3`,
    [tx.orgId, channelId, providerCallId],
  );
  return r.rows[0] ?? null;
}

/**
 * Records the provider's id of a call placed or answered. Plivo answers with a CallUUID other than the
 * request id its API returned, so the id of the answer replaces the one of the placement.
 */
export async function setProviderCallId(tx: Tx, id: string, providerCallId: string): Promise<boolean> {
  const r = await tx.query('update app.calls set provider_call_id = $3, updated_at = now() where org_id = $1 and id = $2 returning id', [tx.orgId, id, providerCallId]);
  return r.rows.length > 0;
}

/** The provider's ids of many calls at once (the campaign dialer records a batch of placed calls). */
export async function setProviderCallIds(tx: Tx, placed: ReadonlyArray<{ callId: string; providerCallId: string }>): Promise<void> {
  if (placed.length === 0) return;
  await tx.query(
    `update app.calls c set provider_call_id = u.provider_call_id, updated_at = now()
       from unnest($2::uuid[], $3::text[]) as u(id, provider_call_id) where c.org_id = $1 and c.id = u.id`,
    [tx.orgId, placed.map((p) => p.callId), placed.map((p) => p.providerCallId)],
  );
}

export async function getProviderCallId(tx: Tx, id: string): Promise<string | null> {
  const r = await tx.query<{ provider_call_id: string | null }>('select provider_call_id from app.calls where org_id = $1 and id = $2', [tx.orgId, id]);
  return r.rows[0]?.provider_call_id ?? null;
}

/** Barge-in: the last `count` agent lines of the call were cut off by the caller. */
export async function markAgentLinesInterrupted(tx: Tx, callId: string, count: number): Promise<void> {
  await tx.query(
    `update app.call_messages set interrupted = true
      where org_id = $1 and call_id = $2 and seq in (
        select seq from app.call_messages where org_id = $1 and call_id = $2 and role = 'agent' order by seq desc limit $3)`,
    [tx.orgId, callId, count],
  );
}

/** The marks of a spoken turn, added once its first audio went out (after the turn's own write). */
export async function setVoiceMarks(tx: Tx, callId: string, turn: number, m: VoiceMarks): Promise<void> {
  await tx.query(
    `update app.call_turns set stt_ms = coalesce($4, stt_ms), tts_ms = coalesce($5, tts_ms), first_audio_ms = coalesce($6, first_audio_ms)
      where org_id = $1 and call_id = $2 and turn = $3`,
    [tx.orgId, callId, turn, m.stt_ms, m.tts_ms, m.first_audio_ms],
  );
}

export async function getCallState(tx: Tx, id: string): Promise<CallStateRow | null> {
  const r = await tx.query<CallStateRow>(`select ${COLUMNS}, state, context, version from app.calls where org_id = $1 and id = $2`, [tx.orgId, id]);
  return r.rows[0] ?? null;
}

export interface CallUpdate {
  state: Record<string, unknown>;
  variables: Record<string, unknown>;
  status: CallStatus;
  turns: number;
  /** Appended to the stored actions. */
  actions: unknown[];
  outcome: string | null;
  ended_reason: string | null;
  ended_at: Date | null;
}

/** The optimistic write: null when the stored version is no longer `expected` (another writer won). */
export async function updateCallState(tx: Tx, id: string, expected: number, u: CallUpdate): Promise<CallRow | null> {
  const r = await tx.query<CallRow>(
    `update app.calls set state = $4, variables = $5, status = $6, turns = $7, actions = actions || $8::jsonb,
            outcome = coalesce($9, outcome), ended_reason = coalesce($10, ended_reason), ended_at = coalesce($11, ended_at),
            version = version + 1, updated_at = now()
      where org_id = $1 and id = $2 and version = $3 returning ${COLUMNS}`,
    [tx.orgId, id, expected, JSON.stringify(u.state), JSON.stringify(u.variables), u.status, u.turns, JSON.stringify(u.actions), u.outcome, u.ended_reason, u.ended_at],
  );
  return r.rows[0] ?? null;
}

/** Ends a call that never connected (the provider refused it): no turn, no transcript. Null when already ended. */
export async function endUnconnectedCall(tx: Tx, id: string, reason: string): Promise<CallRow | null> {
  const r = await tx.query<CallRow>(
    `update app.calls set status = 'ended', ended_reason = $3, ended_at = now(), version = version + 1, updated_at = now()
      where org_id = $1 and id = $2 and status <> 'ended' returning ${COLUMNS}`,
    [tx.orgId, id, reason],
  );
  return r.rows[0] ?? null;
}

/** The sender's newest open thread (active or escalated call) on an SMS/WhatsApp channel. */
export async function findOpenThread(tx: Tx, channelId: string, fromNumber: string): Promise<CallRow | null> {
  const r = await tx.query<CallRow>(
    `select ${COLUMNS} from app.calls
      where org_id = $1 and channel_id = $2 and from_number = $3 and status in ('active', 'escalated')
      order by created_at desc limit 1`,
    [tx.orgId, channelId, fromNumber],
  );
  return r.rows[0] ?? null;
}

export async function nextSeq(tx: Tx, table: 'call_messages' | 'call_tool_calls' | 'call_knowledge_hits', callId: string): Promise<number> {
  const r = await tx.query<{ n: number }>(`select coalesce(max(seq) + 1, 0)::int as n from app.${table} where org_id = $1 and call_id = $2`, [tx.orgId, callId]);
  return r.rows[0]!.n;
}

/** Inserts rows as one statement per table: jsonb_to_recordset keeps it one round trip however many rows. */
export async function insertMessages(tx: Tx, callId: string, rows: MessageRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `insert into app.call_messages (org_id, call_id, seq, role, text, at, interrupted, node_id, agent_id, turn)
     select $1, $2, m.seq, m.role, m.text, m.at, m.interrupted, m.node_id, m.agent_id, m.turn
       from jsonb_to_recordset($3::jsonb) as m(seq int, role text, text text, at timestamptz, interrupted boolean, node_id text, agent_id uuid, turn int)`,
    [tx.orgId, callId, JSON.stringify(rows)],
  );
}

export async function insertToolCalls(tx: Tx, callId: string, rows: ToolCallRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `insert into app.call_tool_calls (org_id, call_id, seq, turn, kind, name, tool_id, arguments, status, latency_ms, error, at)
     select $1, $2, t.seq, t.turn, t.kind, t.name, t.tool_id, coalesce(t.arguments, '{}'::jsonb), t.status, t.latency_ms, t.error, t.at
       from jsonb_to_recordset($3::jsonb) as t(seq int, turn int, kind text, name text, tool_id text, arguments jsonb, status text, latency_ms int, error text, at timestamptz)`,
    [tx.orgId, callId, JSON.stringify(rows)],
  );
}

export async function insertHits(tx: Tx, callId: string, rows: HitRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `insert into app.call_knowledge_hits (org_id, call_id, seq, turn, document_id, chunk_id, score, at)
     select $1, $2, h.seq, h.turn, h.document_id, h.chunk_id, h.score, h.at
       from jsonb_to_recordset($3::jsonb) as h(seq int, turn int, document_id uuid, chunk_id uuid, score double precision, at timestamptz)`,
    [tx.orgId, callId, JSON.stringify(rows)],
  );
}

export async function upsertTurn(tx: Tx, callId: string, t: TurnRow): Promise<void> {
  await tx.query(
    `insert into app.call_turns (org_id, call_id, turn, engine_ms, db_ms, model_ttft_ms, tool_ms, total_ms, at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     on conflict (org_id, call_id, turn) do update set engine_ms = excluded.engine_ms, db_ms = excluded.db_ms,
       model_ttft_ms = excluded.model_ttft_ms, tool_ms = excluded.tool_ms, total_ms = excluded.total_ms, at = excluded.at`,
    [tx.orgId, callId, t.turn, t.engine_ms, t.db_ms, t.model_ttft_ms, t.tool_ms, t.total_ms, t.at],
  );
}

/** The transcript entries one turn wrote, in order (primary key (org_id, call_id, seq): one call's rows). */
export async function listTurnMessages(tx: Tx, callId: string, turn: number): Promise<MessageRow[]> {
  const r = await tx.query<MessageRow>(
    'select seq, role, text, at, interrupted, node_id, agent_id, turn from app.call_messages where org_id = $1 and call_id = $2 and turn = $3 order by seq',
    [tx.orgId, callId, turn],
  );
  return r.rows;
}

export async function listMessages(tx: Tx, callId: string, opts: { last?: number } = {}): Promise<MessageRow[]> {
  if (opts.last !== undefined) {
    const r = await tx.query<MessageRow>(
      `select * from (select seq, role, text, at, interrupted, node_id, agent_id, turn from app.call_messages
         where org_id = $1 and call_id = $2 order by seq desc limit $3) m order by seq`,
      [tx.orgId, callId, opts.last],
    );
    return r.rows;
  }
  const r = await tx.query<MessageRow>(
    'select seq, role, text, at, interrupted, node_id, agent_id, turn from app.call_messages where org_id = $1 and call_id = $2 order by seq',
    [tx.orgId, callId],
  );
  return r.rows;
}

export async function listToolCalls(tx: Tx, callId: string): Promise<ToolCallRow[]> {
  const r = await tx.query<ToolCallRow>(
    'select seq, turn, kind, name, tool_id, arguments, status, latency_ms, error, at from app.call_tool_calls where org_id = $1 and call_id = $2 order by seq',
    [tx.orgId, callId],
  );
  return r.rows;
}

export async function listHits(tx: Tx, callId: string): Promise<HitRow[]> {
  const r = await tx.query<HitRow>('select seq, turn, document_id, chunk_id, score, at from app.call_knowledge_hits where org_id = $1 and call_id = $2 order by seq', [tx.orgId, callId]);
  return r.rows;
}

export async function listTurns(tx: Tx, callId: string): Promise<Array<TurnRow & VoiceMarks>> {
  const r = await tx.query<TurnRow & VoiceMarks>(
    'select turn, engine_ms, db_ms, model_ttft_ms, tool_ms, total_ms, stt_ms, tts_ms, first_audio_ms, at from app.call_turns where org_id = $1 and call_id = $2 order by turn',
    [tx.orgId, callId],
  );
  return r.rows;
}

export interface CallFilters {
  phone?: string | undefined;
  status?: CallStatus | undefined;
  from?: string | undefined;
  to?: string | undefined;
  agent_id?: string | undefined;
  flow_id?: string | undefined;
  campaign_id?: string | undefined;
  channel?: CallChannel | undefined;
  mode?: CallMode | undefined;
}

/** One page (limit + 1 rows, for `page()`), newest first. `from`/`to` bound `started_at`. */
export async function listCalls(tx: Tx, f: CallFilters, opts: { cursor: Cursor | null; limit: number }): Promise<Array<CallRow & { cursor_at: string }>> {
  const r = await tx.query<CallRow & { cursor_at: string }>(
    `select ${COLUMNS}, ${cursorAt()} from app.calls
      where org_id = $1 and ($2::timestamptz is null or (created_at, id) < ($2::timestamptz, $3::uuid))
        and ($5::text is null or from_number = $5 or to_number = $5)
        and ($6::text is null or status = $6)
        and ($7::timestamptz is null or started_at >= $7)
        and ($8::timestamptz is null or started_at < $8)
        and ($9::uuid is null or agent_id = $9)
        and ($10::uuid is null or flow_id = $10)
        and ($11::uuid is null or campaign_id = $11)
        and ($12::text is null or channel = $12)
        and ($13::text is null or mode = $13)
      order by created_at desc, id desc limit $4`,
    [
      tx.orgId, opts.cursor?.t ?? null, opts.cursor?.id ?? null, opts.limit + 1,
      f.phone ?? null, f.status ?? null, f.from ?? null, f.to ?? null, f.agent_id ?? null, f.flow_id ?? null, f.campaign_id ?? null, f.channel ?? null, f.mode ?? null,
    ],
  );
  return r.rows;
}

/** Deletes the call; its transcript, tool calls, hits and latency go with it (ON DELETE CASCADE). */
export async function deleteCall(tx: Tx, id: string): Promise<boolean> {
  const r = await tx.query('delete from app.calls where org_id = $1 and id = $2 returning id', [tx.orgId, id]);
  return r.rows.length > 0;
}

/** Unredacted text of the last transcript entries of a live session of a redacting org (migration 0017). */
export interface LiveText { seq: number; text: string }

/** Appends to the call's live text, keeping the last `keep` entries. */
export async function appendLiveText(tx: Tx, callId: string, entries: LiveText[], keep: number): Promise<void> {
  if (entries.length === 0) return;
  await tx.query(
    `update app.calls c set live_text = (
       select coalesce(jsonb_agg(t.e order by t.n), '[]'::jsonb)
         from jsonb_array_elements(coalesce(c.live_text, '[]'::jsonb) || $3::jsonb) with ordinality as t(e, n)
        where t.n > jsonb_array_length(coalesce(c.live_text, '[]'::jsonb) || $3::jsonb) - $4)
      where c.org_id = $1 and c.id = $2`,
    [tx.orgId, callId, JSON.stringify(entries), keep],
  );
}

export async function clearLiveText(tx: Tx, callId: string): Promise<void> {
  await tx.query('update app.calls set live_text = null where org_id = $1 and id = $2 and live_text is not null', [tx.orgId, callId]);
}

export async function getLiveText(tx: Tx, callId: string): Promise<LiveText[]> {
  const r = await tx.query<{ live_text: LiveText[] | null }>('select live_text from app.calls where org_id = $1 and id = $2', [tx.orgId, callId]);
  return r.rows[0]?.live_text ?? [];
}

/**
 * Retention: deletes up to `limit` of the org's calls with no activity (turn or end) since `cutoff`,
 * oldest first; their transcripts, tool calls, hits, latency and messages go with them (ON DELETE
 * CASCADE). Returns how many went; the caller repeats in fresh transactions until fewer than `limit` do.
 */
export async function deleteCallsIdleSince(tx: Tx, cutoff: Date, limit: number): Promise<number> {
  const r = await tx.query(
    `delete from app.calls where org_id = $1 and id in (
       select id from app.calls where org_id = $1 and updated_at < $2 order by updated_at limit $3)
     returning id`,
    [tx.orgId, cutoff, limit],
  );
  return r.rows.length;
}

/** The named cross-org door (migration 0017): queues the daily privacy job of each org due for it. */
export async function queuePrivacyJobs(query: RawQuery, limit: number): Promise<Array<{ org_id: string; job_id: string }>> {
  const r = await query<{ org_id: string; job_id: string }>('select org_id, job_id from app.queue_privacy_jobs($1)', [limit]);
  return r.rows;
}

/** Clears the live text of sessions idle since `before` (abandoned, never ended). */
export async function clearIdleLiveText(tx: Tx, before: Date): Promise<number> {
  const r = await tx.query('update app.calls set live_text = null where org_id = $1 and live_text is not null and updated_at < $2 returning id', [tx.orgId, before]);
  return r.rows.length;
}
