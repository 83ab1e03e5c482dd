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

export const readCallState = (tx: Tx, id: string): Promise<repo.CallStateRow | null> => repo.getCallState(tx, id);

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
  await repo.insertMessages(tx, callId, await numbered('call_messages', rec.messages));
  await repo.insertToolCalls(tx, callId, await numbered('call_tool_calls', rec.tool_calls));
  await repo.insertHits(tx, callId, await numbered('call_knowledge_hits', rec.hits));
  if (rec.latency) await repo.upsertTurn(tx, callId, { ...rec.latency, turn: rec.turn });
  return row;
}
