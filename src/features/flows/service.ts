import { randomUUID } from 'node:crypto';
import type { Principal } from '../../platform/auth/principal.js';
import type { Tx } from '../../platform/db/types.js';
import { errors } from '../../platform/errors.js';
import { page, type Cursor } from '../../platform/http/pagination.js';
import type { RequestMeta } from '../../platform/request-meta.js';
import { detachFlowFromAgents, listAgentIds } from '../agents/public.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import { presentFlow, type FlowOut, type FlowPatchWriteBody, type FlowWriteBody } from './api-schemas.js';
import { listToolIds } from '../tools/public.js';
import * as repo from './repo.js';
import { parseFlow } from './validate-flow.js';

const flowNotFound = () => errors.notFound('flow');

/**
 * Validates a whole flow document against the org's tool and agent ids, read in the caller's
 * transaction so the check and the write see the same org state. Every problem is reported, each
 * naming its node or edge id.
 */
async function validateForOrg(tx: Tx, doc: unknown): Promise<repo.FlowFields> {
  const [toolIds, agentIds] = [await listToolIds(tx), await listAgentIds(tx)];
  const parsed = parseFlow(doc, { toolIds, agentIds });
  // Spread: FlowProblem is an interface, ErrorDetail wants an index signature; the shape is the same.
  if (!parsed.ok) throw errors.validation('The flow does not validate', parsed.problems.map((p) => ({ ...p })));
  const { name, nodes, edges, variables } = parsed.flow;
  return { name, nodes, edges, variables: variables ?? [] };
}

/** In the request's tenant transaction (route `txHandler`). */
export async function createFlow(tx: Tx, principal: Principal, body: FlowWriteBody, meta: RequestMeta): Promise<FlowOut> {
  const fields = await validateForOrg(tx, body);
  const out = presentFlow(await repo.insertFlow(tx, randomUUID(), fields));
  await recordAudit(tx, actorOf(principal), { action: 'flow.created', targetType: 'flow', targetId: out.id, after: out }, meta);
  return out;
}

/** In the request's tenant transaction (route `txHandler`). */
export async function getFlow(tx: Tx, id: string): Promise<FlowOut> {
  const row = await repo.getFlow(tx, id);
  if (!row) throw flowNotFound();
  return presentFlow(row);
}

/** In the request's tenant transaction (route `txHandler`). */
export async function listFlows(tx: Tx, opts: { cursor: Cursor | null; limit: number }) {
  const rows = await repo.listFlows(tx, opts);
  const p = page(rows, opts.limit);
  return { data: p.rows.map(presentFlow), next_cursor: p.nextCursor };
}

/**
 * PUT validates the body as the whole new flow; PATCH merges the fields given over the stored flow and
 * validates the result (a rename is revalidated too, so a flow never stores a graph that fails today's
 * rules). The row is locked first, so the merge and the version bump cannot interleave with another write.
 * In the request's tenant transaction (route `txHandler`).
 */
export async function updateFlow(tx: Tx, principal: Principal, id: string, change: { replace: FlowWriteBody } | { patch: FlowPatchWriteBody }, meta: RequestMeta): Promise<FlowOut> {
  const stored = await repo.getFlow(tx, id, { lock: true });
  if (!stored) throw flowNotFound();
  const doc = 'replace' in change ? change.replace : { name: stored.name, nodes: stored.nodes, edges: stored.edges, variables: stored.variables, ...definedOnly(change.patch) };
  const fields = await validateForOrg(tx, doc);
  const updated = await repo.updateFlow(tx, id, fields);
  if (!updated) throw flowNotFound();
  const after = presentFlow(updated);
  await recordAudit(tx, actorOf(principal), { action: 'flow.updated', targetType: 'flow', targetId: id, before: presentFlow(stored), after }, meta);
  return after;
}

/**
 * Deleting a flow that agents use detaches it from them (their `flow_id` becomes null) rather than
 * refusing: an agent without a flow is still a working agent. Each detach is audited on the agent.
 * In the request's tenant transaction (route `txHandler`).
 */
export async function deleteFlow(tx: Tx, principal: Principal, id: string, meta: RequestMeta): Promise<void> {
  if (!(await repo.getFlow(tx, id, { lock: true }))) throw flowNotFound();
  const detached = await detachFlowFromAgents(tx, id);
  const row = await repo.deleteFlow(tx, id);
  if (!row) throw flowNotFound();
  const actor = actorOf(principal);
  await recordAudit(tx, actor, { action: 'flow.deleted', targetType: 'flow', targetId: id, before: { ...presentFlow(row), used_by_agent_ids: detached } }, meta);
  for (const agentId of detached) {
    await recordAudit(tx, actor, { action: 'agent.flow_detached', targetType: 'agent', targetId: agentId, before: { flow_id: id }, after: { flow_id: null } }, meta);
  }
}

/** An explicit `undefined` in a patch must not overwrite a stored value. */
function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}
