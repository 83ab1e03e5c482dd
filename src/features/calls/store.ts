/**
 * What the session runtime (src/pipeline/session/) writes and reads, as public functions of this
 * feature so calls' SQL stays in ./repo.ts. Each runs inside the caller's tenant transaction; the
 * runtime keeps those transactions short (no model, tool or provider call inside).
 */
import type { Tx } from '../../platform/db/types.js';
import * as repo from './repo.js';

export type { CallRow, CallStateRow, CallStatus, CallChannel, CallMode, NewCall, MessageRow, CallUpdate } from './repo.js';

export const createCall = (tx: Tx, call: repo.NewCall): Promise<repo.CallStateRow> => repo.insertCall(tx, call);

/** The call's state row and the last `historyLimit` transcript entries (for the model's context). */
export async function readCallForTurn(tx: Tx, id: string, opts: { historyLimit: number }): Promise<{ call: repo.CallStateRow; history: repo.MessageRow[] } | null> {
  const call = await repo.getCallState(tx, id);
  if (!call) return null;
  const history = opts.historyLimit > 0 ? await repo.listMessages(tx, id, { last: opts.historyLimit }) : [];
  return { call, history };
}

/** The sender's newest open SMS/WhatsApp thread on the channel (active or escalated), or null. */
export const findOpenThread = (tx: Tx, channelId: string, fromNumber: string): Promise<repo.CallRow | null> => repo.findOpenThread(tx, channelId, fromNumber);

export const readCallState = (tx: Tx, id: string): Promise<repo.CallStateRow | null> => repo.getCallState(tx, id);

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
 */
export async function writeTurn(tx: Tx, callId: string, expectedVersion: number, update: repo.CallUpdate, rec: TurnRecord): Promise<repo.CallRow | null> {
  const row = await repo.updateCallState(tx, callId, expectedVersion, update);
  if (!row) return null;
  const numbered = async <T>(table: 'call_messages' | 'call_tool_calls' | 'call_knowledge_hits', items: T[]) => {
    if (items.length === 0) return [];
    const base = await repo.nextSeq(tx, table, callId);
    return items.map((item, i) => ({ ...item, seq: base + i, turn: rec.turn }));
  };
  // Within the columns' limits (migration 0013): a model's very long reply or a tool's long error is
  // stored shortened, never a failed turn.
  const messages = rec.messages.map((m) => ({ ...m, text: clip(m.text, MAX_MESSAGE_TEXT) }));
  const toolCalls = rec.tool_calls.map((c) => ({ ...c, name: clip(c.name, 200), error: c.error === null ? null : clip(c.error, 500) }));
  await repo.insertMessages(tx, callId, await numbered('call_messages', messages));
  await repo.insertToolCalls(tx, callId, await numbered('call_tool_calls', toolCalls));
  await repo.insertHits(tx, callId, await numbered('call_knowledge_hits', rec.hits));
  if (rec.latency) await repo.upsertTurn(tx, callId, { ...rec.latency, turn: rec.turn });
  return row;
}
