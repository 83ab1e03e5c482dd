/**
 * Which agent may call which tool, and the two entry points that run a tool: the admin's test call and
 * the session pipeline's `invokeHttpTool`. Both read under withOrg, leave the transaction, then make
 * the request (no network call or vault use inside a transaction).
 */
import type { Deps } from '../../deps.js';
import { scopeOf, type Principal } from '../../platform/auth/principal.js';
import type { Tx } from '../../platform/db/types.js';
import { withOrg } from '../../platform/db/with-org.js';
import { errors } from '../../platform/errors.js';
import { page, type Cursor } from '../../platform/http/pagination.js';
import type { RequestMeta } from '../../platform/request-meta.js';
import { OutboundError } from '../../platform/outbound/index.js';
import { agentExists } from '../agents/public.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import { executeTool, type ToolCallInput, type ToolCallResult } from './execute.js';
import * as repo from './repo.js';
import type { ToolWithSecrets } from './repo.js';
import { presentTool } from './schemas.js';
import type { Args } from './templates.js';

/** Another org's agent, a deleted one and a never-existing one are the same 404. */
export async function assertAgentInOrg(tx: Tx, agentId: string): Promise<void> {
  if (!(await agentExists(tx, agentId))) throw errors.notFound('agent');
}

/** In the request's tenant transaction (route `txHandler`). */
export async function assignToolToAgent(tx: Tx, principal: Principal, agentId: string, toolId: string, meta: RequestMeta) {
  await assertAgentInOrg(tx, agentId);
  const tool = await repo.getTool(tx, toolId);
  if (!tool) throw errors.notFound('tool');
  const created = await repo.assignTool(tx, agentId, toolId);
  if (created) await recordAudit(tx, actorOf(principal), { action: 'tool.assigned', targetType: 'agent', targetId: agentId, after: { agent_id: agentId, tool_id: toolId } }, meta);
  return { created, assignment: { agent_id: agentId, tool_id: toolId, tool: presentTool(tool) } };
}

/** In the request's tenant transaction (route `txHandler`). */
export async function unassignToolFromAgent(tx: Tx, principal: Principal, agentId: string, toolId: string, meta: RequestMeta): Promise<void> {
  await assertAgentInOrg(tx, agentId);
  if (!(await repo.unassignTool(tx, agentId, toolId))) throw errors.notFound('tool assignment');
  await recordAudit(tx, actorOf(principal), { action: 'tool.unassigned', targetType: 'agent', targetId: agentId, before: { agent_id: agentId, tool_id: toolId } }, meta);
}

/** In the request's tenant transaction (route `txHandler`). */
export async function listAgentTools(tx: Tx, agentId: string, opts: { cursor: Cursor | null; limit: number }) {
  await assertAgentInOrg(tx, agentId);
  const rows = await repo.listAgentTools(tx, agentId, opts);
  const p = page(rows, opts.limit);
  return { data: p.rows.map(presentTool), next_cursor: p.nextCursor };
}

/** POST /tools/{id}/test: an admin runs the tool with sample arguments. Outbound refusals are a 422. */
export async function testTool(deps: Deps, principal: Principal, toolId: string, input: { arguments: Args; session?: Record<string, unknown> | undefined }): Promise<ToolCallResult> {
  const tool = await withOrg(deps.db, scopeOf(principal), (tx) => repo.getToolWithSecrets(tx, toolId));
  if (!tool) throw errors.notFound('tool');
  try {
    return await executeTool(deps, tool, { orgId: principal.orgId, agentId: null, args: input.arguments, session: input.session });
  } catch (err) {
    if (err instanceof OutboundError) throw err.toAppError();
    throw err;
  }
}

export interface InvokeHttpToolInput {
  orgId: string;
  agentId: string;
  toolId: string;
  args: Args;
  session?: Record<string, unknown>;
}

/**
 * For the session pipeline. The org and agent come from the session (never from model output); the
 * tool must be assigned to that agent in that org, or it is the same 404 as a tool that does not exist.
 * A request that cannot be made (refused address, timeout, too large) is a failed result the model can
 * be told about, not an exception; arguments that do not match the schema are a validation AppError.
 */
export async function invokeHttpTool(deps: Deps, input: InvokeHttpToolInput): Promise<ToolCallResult> {
  const tool = await withOrg(deps.db, { orgId: input.orgId }, (tx) => repo.getAssignedTool(tx, input.agentId, input.toolId));
  if (!tool) throw errors.notFound('tool');
  return runForSession(deps, tool, { orgId: input.orgId, agentId: input.agentId, args: input.args, session: input.session });
}

/** A request that cannot be made is a failed result (the caller can tell the model or take an error edge). */
async function runForSession(deps: Deps, tool: ToolWithSecrets, input: ToolCallInput): Promise<ToolCallResult> {
  const started = performance.now();
  try {
    return await executeTool(deps, tool, input);
  } catch (err) {
    if (!(err instanceof OutboundError)) throw err;
    deps.log.info({ tool_id: tool.id, org: input.orgId, reason: err.kind }, 'tool call failed');
    return { ok: false, status: null, duration_ms: Math.round(performance.now() - started), variables: {}, content_type: null, body: '', body_truncated: false, error: err.message };
  }
}

/**
 * For a flow's `api_call` node: the flow names an org tool directly (flows validate the id against the
 * org's tools on write; the session re-checked it at start). The org comes from the session; the same
 * failure rules as invokeHttpTool.
 */
export async function invokeOrgTool(deps: Deps, input: { orgId: string; toolId: string; args: Args; session?: Record<string, unknown> }): Promise<ToolCallResult> {
  const tool = await withOrg(deps.db, { orgId: input.orgId }, (tx) => repo.getToolWithSecrets(tx, input.toolId));
  if (!tool) throw errors.notFound('tool');
  return runForSession(deps, tool, { orgId: input.orgId, agentId: null, args: input.args, session: input.session });
}
