/**
 * Calls as records: read, list and delete (GET/DELETE /calls). Every session is a call; the session
 * runtime (src/pipeline/) writes them through ./store.ts. All functions run in the caller's tenant
 * transaction (route `txHandler`).
 */
import type { Principal } from '../../platform/auth/principal.js';
import type { Tx } from '../../platform/db/types.js';
import { errors } from '../../platform/errors.js';
import { page, type Cursor } from '../../platform/http/pagination.js';
import type { RequestMeta } from '../../platform/request-meta.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import { listCallMessages } from '../messaging/public.js';
import { recordingSummary } from './recordings/service.js';
import * as repo from './repo.js';
import { presentCall, presentHit, presentMessage, presentToolCall, presentTurn, type CallDetailOut } from './schemas.js';

export const callNotFound = () => errors.notFound('call');

export async function listCalls(tx: Tx, filters: repo.CallFilters, opts: { cursor: Cursor | null; limit: number }) {
  const rows = await repo.listCalls(tx, filters, opts);
  const p = page(rows, opts.limit);
  return { data: p.rows.map(presentCall), next_cursor: p.nextCursor };
}

export async function getCallDetail(tx: Tx, id: string): Promise<CallDetailOut> {
  const row = await repo.getCall(tx, id);
  if (!row) throw callNotFound();
  const [messages, toolCalls, hits, turns] = [await repo.listMessages(tx, id), await repo.listToolCalls(tx, id), await repo.listHits(tx, id), await repo.listTurns(tx, id)];
  return {
    ...presentCall(row),
    variables: row.variables,
    actions: row.actions,
    transcript: messages.map(presentMessage),
    tool_calls: toolCalls.map(presentToolCall),
    knowledge_hits: hits.map(presentHit),
    latency: turns.map(presentTurn),
    messages: await listCallMessages(tx, id),
    recording: await recordingSummary(tx, id),
  };
}

/** Removes the call with its transcript, tool calls, hits, latency and recording (cascade); audited without content or phone numbers. */
export async function deleteCall(tx: Tx, principal: Principal, id: string, meta: RequestMeta): Promise<void> {
  const row = await repo.getCall(tx, id);
  if (!row || !(await repo.deleteCall(tx, id))) throw callNotFound();
  // The caller's and called numbers go with the call: deleting a call is how a person's data is erased.
  const { id: _id, from_number: _from, to_number: _to, ...before } = presentCall(row);
  await recordAudit(tx, actorOf(principal), { action: 'call.deleted', targetType: 'call', targetId: id, before }, meta);
}
