/**
 * What the session runtime (src/pipeline/session/) writes and reads, as public functions of this
 * feature so calls' SQL stays in ./repo.ts. Each runs inside the caller's tenant transaction; the
 * runtime keeps those transactions short (no model, tool or provider call inside).
 */
import type { Tx } from '../../platform/db/types.js';
import { redactJson, redactText } from '../../platform/privacy/redact.js';
import { privacySettings } from '../organizations/public.js';
import * as repo from './repo.js';

export type { SharedCallFields, CallRow, CallStateRow, CallStatus, CallChannel, CallMode, NewCall, MessageRow, CallUpdate, VoiceMarks } from './repo.js';

/** The variables column is what is shown of them: redacted when the org redacts (the state is not). */
export async function createCall(tx: Tx, call: repo.NewCall): Promise<repo.CallStateRow> {
  const { redact_pii } = await privacySettings(tx);
  return repo.insertCall(tx, redact_pii ? { ...call, variables: redactJson(call.variables) as Record<string, unknown> } : call);
}

/** createCall for many calls of one target (one privacy read, one insert). */
export async function createCalls(tx: Tx, shared: repo.SharedCallFields, rows: ReadonlyArray<Pick<repo.NewCall, 'id' | 'to_number' | 'state' | 'variables'>>): Promise<void> {
  const { redact_pii } = await privacySettings(tx);
  await repo.insertCalls(tx, shared, redact_pii ? rows.map((r) => ({ ...r, variables: redactJson(r.variables) as Record<string, unknown> })) : rows);
}

/**
 * The call's state row and the last `historyLimit` transcript entries. `live: true` is the history for
 * the model of a live session: an entry stored redacted comes back with the words really said, from the
 * call's live text (docs/privacy.md), so redaction never changes what the session knows.
 */
export async function readCallForTurn(tx: Tx, id: string, opts: { historyLimit: number; live?: boolean }): Promise<{ call: repo.CallStateRow; history: repo.MessageRow[] } | null> {
  const call = await repo.getCallState(tx, id);
  if (!call) return null;
  const history = opts.historyLimit > 0 ? await repo.listMessages(tx, id, { last: opts.historyLimit }) : [];
  if (!opts.live || history.length === 0) return { call, history };
  const said = new Map((await repo.getLiveText(tx, id)).map((e) => [e.seq, e.text]));
  return { call, history: history.map((m) => (said.has(m.seq) ? { ...m, text: said.get(m.seq)! } : m)) };
}

/**
 * One stored turn of a live session as its transports show it (another process ran it: the session bus
 * and the escalation stream across processes): the call and the entries that turn wrote, with the words
 * really said where they were stored redacted (as readCallForTurn). Null when the call is not this org's.
 */
export async function readTurn(tx: Tx, id: string, turn: number): Promise<{ call: repo.CallRow; messages: repo.MessageRow[] } | null> {
  const call = await repo.getCall(tx, id);
  if (!call) return null;
  const messages = await repo.listTurnMessages(tx, id, turn);
  if (messages.length === 0) return { call, messages };
  const said = new Map((await repo.getLiveText(tx, id)).map((e) => [e.seq, e.text]));
  return { call, messages: messages.map((m) => (said.has(m.seq) ? { ...m, text: said.get(m.seq)! } : m)) };
}

/** Live text kept per session: enough for any history limit the runtime uses for the model. */
export const LIVE_TEXT_ENTRIES = 100;
/** The sender's newest open SMS/WhatsApp thread on the channel (active or escalated), or null. */
export const findOpenThread = (tx: Tx, channelId: string, fromNumber: string): Promise<repo.CallRow | null> => repo.findOpenThread(tx, channelId, fromNumber);

/** An outbound call the provider refused: ended at once with `reason` (e.g. failed). */
export const endUnconnectedCall = (tx: Tx, id: string, reason: string): Promise<repo.CallRow | null> => repo.endUnconnectedCall(tx, id, reason);

export const readCallState = (tx: Tx, id: string): Promise<repo.CallStateRow | null> => repo.getCallState(tx, id);

// Phone calls (src/pipeline/voice/): the provider's call id, barge-in and the marks of spoken turns.
export const findCallByProviderId = (tx: Tx, channelId: string, providerCallId: string): Promise<repo.CallStateRow | null> => repo.findByProviderCallId(tx, channelId, providerCallId);
export const setProviderCallId = (tx: Tx, id: string, providerCallId: string): Promise<boolean> => repo.setProviderCallId(tx, id, providerCallId);
export const setProviderCallIds = (tx: Tx, placed: ReadonlyArray<{ callId: string; providerCallId: string }>): Promise<void> => repo.setProviderCallIds(tx, placed);
export const readProviderCallId = (tx: Tx, id: string): Promise<string | null> => repo.getProviderCallId(tx, id);
export const markAgentLinesInterrupted = (tx: Tx, callId: string, count: number): Promise<void> => repo.markAgentLinesInterrupted(tx, callId, count);
export const setVoiceMarks = (tx: Tx, callId: string, turn: number, marks: repo.VoiceMarks): Promise<void> => repo.setVoiceMarks(tx, callId, turn, marks);

/** The longest transcript entry stored (`call_messages.text`). */
export const MAX_MESSAGE_TEXT = 32000;

/** At most `max` UTF-16 units (so at most `max` characters for PostgreSQL), never half a surrogate pair. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = /[\uD800-\uDBFF]/.test(text[max - 2] ?? '') ? max - 2 : max - 1;
  return `${text.slice(0, cut)}…`;
}

export interface TurnRecord {
  turn: number;
  messages: Array<Omit<repo.MessageRow, 'seq' | 'turn'>>;
  tool_calls: Array<Omit<repo.ToolCallRow, 'seq' | 'turn'>>;
  hits: Array<Omit<repo.HitRow, 'seq' | 'turn'>>;
  latency: Omit<repo.TurnRow, 'turn'> | null;
}

/**
 * Writes one turn: the optimistic state update first (null when another writer advanced the call, and
 * then nothing else is written), then transcript, tool calls, hits and latency.
 *
 * When the org redacts PII (read here, once per turn, so a change applies from the next turn), what is
 * stored as the call's history is redacted: transcript text, tool-call arguments and errors, the
 * variables column, the recorded actions and the outcome. The engine state the session continues from
 * is kept as it is while the session is live (and redacted in the write that ends it), and the words
 * really said go to the call's live text for the model's history (see readCallForTurn).
 */
export async function writeTurn(tx: Tx, callId: string, expectedVersion: number, update: repo.CallUpdate, rec: TurnRecord): Promise<repo.CallRow | null> {
  const { redact_pii: redact } = await privacySettings(tx);
  const ended = update.ended_at !== null;
  const stored = redact ? redactUpdate(update, ended) : update;
  const row = await repo.updateCallState(tx, callId, expectedVersion, stored);
  if (!row) return null;
  const numbered = async <T>(table: 'call_messages' | 'call_tool_calls' | 'call_knowledge_hits', items: T[]) => {
    if (items.length === 0) return [];
    const base = await repo.nextSeq(tx, table, callId);
    return items.map((item, i) => ({ ...item, seq: base + i, turn: rec.turn }));
  };
  // Within the columns' limits (migration 0013): a model's very long reply or a tool's long error is
  // stored shortened, never a failed turn.
  const messages = await numbered('call_messages', rec.messages.map((m) => ({ ...m, text: clip(m.text, MAX_MESSAGE_TEXT) })));
  const toolCalls = rec.tool_calls.map((c) => ({ ...c, name: clip(c.name, 200), error: c.error === null ? null : clip(c.error, 500) }));
  const storedMessages = redact ? messages.map((m) => ({ ...m, text: redactText(m.text) })) : messages;
  await repo.insertMessages(tx, callId, storedMessages);
  await repo.insertToolCalls(tx, callId, await numbered('call_tool_calls', redact ? toolCalls.map(redactToolCall) : toolCalls));
  await repo.insertHits(tx, callId, await numbered('call_knowledge_hits', rec.hits));
  if (rec.latency) await repo.upsertTurn(tx, callId, { ...rec.latency, turn: rec.turn });
  if (ended) await repo.clearLiveText(tx, callId);
  // Only the entries redaction changed: the others are stored as said.
  else if (redact) await repo.appendLiveText(tx, callId, messages.filter((m, i) => storedMessages[i]!.text !== m.text).map((m) => ({ seq: m.seq, text: m.text })), LIVE_TEXT_ENTRIES);
  return row;
}

function redactUpdate(u: repo.CallUpdate, ended: boolean): repo.CallUpdate {
  return {
    ...u,
    // Nothing continues from an ended state, so it no longer needs the caller's words.
    state: ended ? (redactJson(u.state) as Record<string, unknown>) : u.state,
    variables: redactJson(u.variables) as Record<string, unknown>,
    actions: redactJson(u.actions) as unknown[],
    outcome: u.outcome === null ? null : redactText(u.outcome),
  };
}

const redactToolCall = <T extends { arguments: unknown; error: string | null }>(c: T): T => ({ ...c, arguments: redactJson(c.arguments), error: c.error === null ? null : redactText(c.error) });
