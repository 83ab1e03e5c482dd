import type { Principal } from '../../platform/auth/principal.js';
import type { Tx } from '../../platform/db/types.js';
import { errors } from '../../platform/errors.js';
import { page, type Cursor } from '../../platform/http/pagination.js';
import type { RequestMeta } from '../../platform/request-meta.js';
import { toIso } from '../../platform/http/schemas.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import { assertAgentInOrg } from '../tools/assignments.js';
import * as repo from './repo.js';
import { presentServer } from './schemas.js';
import { serverNotFound } from './service.js';

/**
 * Assigns (or re-assigns with a new allow-list) a server to an agent. `allowed_tools` null or absent:
 * every tool the server offers; a list: only those names, even if the server later adds more.
 * In the request's tenant transaction (route `txHandler`).
 */
export async function assignServerToAgent(tx: Tx, principal: Principal, agentId: string, serverId: string, allowed: string[] | null, meta: RequestMeta) {
  await assertAgentInOrg(tx, agentId);
  const server = await repo.getServer(tx, serverId);
  if (!server) throw serverNotFound();
  const existing = await repo.getAssignment(tx, agentId, serverId);
  if (existing) await repo.updateAssignment(tx, agentId, serverId, allowed);
  else await repo.insertAssignment(tx, agentId, serverId, allowed);
  const after = { agent_id: agentId, server_id: serverId, allowed_tools: allowed };
  await recordAudit(tx, actorOf(principal), {
    action: existing ? 'mcp_server.assignment_updated' : 'mcp_server.assigned',
    targetType: 'agent',
    targetId: agentId,
    ...(existing ? { before: { agent_id: agentId, server_id: serverId, allowed_tools: existing.allowed_tools } } : {}),
    after,
  }, meta);
  return { ...after, server: presentServer(server) };
}

/** In the request's tenant transaction (route `txHandler`). */
export async function unassignServerFromAgent(tx: Tx, principal: Principal, agentId: string, serverId: string, meta: RequestMeta): Promise<void> {
  await assertAgentInOrg(tx, agentId);
  const existing = await repo.getAssignment(tx, agentId, serverId);
  if (!existing || !(await repo.deleteAssignment(tx, agentId, serverId))) throw errors.notFound('mcp server assignment');
  await recordAudit(tx, actorOf(principal), { action: 'mcp_server.unassigned', targetType: 'agent', targetId: agentId, before: { agent_id: agentId, server_id: serverId, allowed_tools: existing.allowed_tools } }, meta);
}

/** In the request's tenant transaction (route `txHandler`). */
export async function listAgentServers(tx: Tx, agentId: string, opts: { cursor: Cursor | null; limit: number }) {
  await assertAgentInOrg(tx, agentId);
  const rows = await repo.listAgentServers(tx, agentId, opts);
  const p = page(rows, opts.limit);
  return { data: p.rows.map((r) => ({ ...presentServer(r), allowed_tools: r.allowed_tools, assigned_at: toIso(r.assigned_at)! })), next_cursor: p.nextCursor };
}
