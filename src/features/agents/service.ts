import { randomUUID } from 'node:crypto';
import type { Principal } from '../../platform/auth/principal.js';
import type { Tx } from '../../platform/db/types.js';
import { errors } from '../../platform/errors.js';
import { page, type Cursor } from '../../platform/http/pagination.js';
import type { RequestMeta } from '../../platform/request-meta.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import * as repo from './repo.js';
import { assertProvidersInOrg } from './provider-refs.js';
import { presentRuntimeFields, storeRuntimeFields } from './runtime-fields.js';
import { presentAgent, type AgentBody, type AgentOut, type AgentPatchBody } from './schemas.js';

const agentNotFound = () => errors.notFound('agent');

/**
 * `flow_id` must name a flow of this org. Checked explicitly for a clear 404; the composite foreign key
 * (org_id, flow_id) is the backstop (a concurrent delete surfaces as 23503, translated to 404).
 */
async function assertFlowInOrg(tx: Tx, flowId: string | null): Promise<void> {
  if (flowId !== null && !(await repo.flowExists(tx, flowId))) throw errors.notFound('flow');
}

/** In the request's tenant transaction (route `txHandler`). */
export async function createAgent(tx: Tx, principal: Principal, body: AgentBody, meta: RequestMeta): Promise<AgentOut> {
  const fields = toFields(body);
  await assertFlowInOrg(tx, fields.flow_id);
  await assertProvidersInOrg(tx, fields);
  const out = presentAgent(await repo.insertAgent(tx, randomUUID(), fields));
  await recordAudit(tx, actorOf(principal), { action: 'agent.created', targetType: 'agent', targetId: out.id, after: out }, meta);
  return out;
}

/** In the request's tenant transaction (route `txHandler`). */
export async function getAgent(tx: Tx, id: string): Promise<AgentOut> {
  const row = await repo.getAgent(tx, id);
  if (!row) throw agentNotFound();
  return presentAgent(row);
}

/** In the request's tenant transaction (route `txHandler`). */
export async function listAgents(tx: Tx, opts: { cursor: Cursor | null; limit: number }) {
  const rows = await repo.listAgents(tx, opts);
  const p = page(rows, opts.limit);
  return { data: p.rows.map(presentAgent), next_cursor: p.nextCursor };
}

/**
 * PUT replaces every field (omitted ones take their defaults); PATCH changes only the fields given.
 * Both lock the row, write all fields, and audit before/after in the same transaction: the request's
 * tenant transaction (route `txHandler`).
 */
export async function updateAgent(tx: Tx, principal: Principal, id: string, change: { replace: AgentBody } | { patch: AgentPatchBody }, meta: RequestMeta): Promise<AgentOut> {
  const stored = await repo.getAgent(tx, id, { lock: true });
  if (!stored) throw agentNotFound();
  const fields = 'replace' in change ? toFields(change.replace) : mergePatch(stored, change.patch);
  if (fields.flow_id !== stored.flow_id) await assertFlowInOrg(tx, fields.flow_id);
  await assertProvidersInOrg(tx, fields, stored);
  const updated = await repo.updateAgent(tx, id, fields);
  if (!updated) throw agentNotFound();
  const before = presentAgent(stored);
  const after = presentAgent(updated);
  await recordAudit(tx, actorOf(principal), { action: 'agent.updated', targetType: 'agent', targetId: id, before, after }, meta);
  return after;
}

/** In the request's tenant transaction (route `txHandler`). */
export async function deleteAgent(tx: Tx, principal: Principal, id: string, meta: RequestMeta): Promise<void> {
  const row = await repo.deleteAgent(tx, id);
  if (!row) throw agentNotFound();
  await recordAudit(tx, actorOf(principal), { action: 'agent.deleted', targetType: 'agent', targetId: id, before: presentAgent(row) }, meta);
}

/** The API's `stt` / `tts` objects become the stored flat columns. */
function toFields(body: AgentBody): repo.AgentFields {
  const { llm_provider_id, stt, tts, tools_builtin, max_turns, max_duration_seconds, ...plain } = body;
  return { ...plain, ...storeRuntimeFields({ llm_provider_id, stt, tts, tools_builtin, max_turns, max_duration_seconds }) };
}

/** PATCH over the stored row: absent fields keep their value; `stt` and `tts` merge key by key. */
function mergePatch(stored: repo.AgentRow, patch: AgentPatchBody): repo.AgentFields {
  const { llm_provider_id, stt, tts, tools_builtin, max_turns, max_duration_seconds, ...plain } = definedOnly(patch);
  const current = presentRuntimeFields(stored);
  const runtime = {
    ...current,
    ...definedOnly({ llm_provider_id, tools_builtin, max_turns, max_duration_seconds }),
    stt: { ...current.stt, ...definedOnly(stt ?? {}) },
    tts: { ...current.tts, ...definedOnly(tts ?? {}) },
  };
  return { ...stored, ...plain, ...storeRuntimeFields(runtime) };
}

/** Zod leaves absent optional keys out, but an explicit `undefined` must not overwrite a stored value. */
function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}
