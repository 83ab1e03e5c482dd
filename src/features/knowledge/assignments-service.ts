import type { Principal } from '../../platform/auth/principal.js';
import type { Tx } from '../../platform/db/types.js';
import { errors } from '../../platform/errors.js';
import { page, type Cursor } from '../../platform/http/pagination.js';
import type { RequestMeta } from '../../platform/request-meta.js';
import { toIso } from '../../platform/http/schemas.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import * as repo from './repo.js';
import { presentDocument } from './schemas.js';
import { agentExists } from './search/repo.js';

/**
 * Both ids must be in the caller's org: checked explicitly so another org's agent or document answers
 * exactly like a missing one (404); the composite foreign keys are the backstop.
 */
async function assertBothInOrg(tx: Tx, agentId: string, documentId: string): Promise<void> {
  if (!(await agentExists(tx, agentId))) throw errors.notFound('agent');
  if (!(await repo.getDocument(tx, documentId))) throw errors.notFound('document');
}

const presentAssignment = (a: repo.AssignmentRow) => ({ agent_id: a.agent_id, document_id: a.document_id, created_at: toIso(a.created_at)! });

/** In the request's tenant transaction (route `txHandler`). */
export async function assignDocument(tx: Tx, principal: Principal, agentId: string, documentId: string, meta: RequestMeta) {
  await assertBothInOrg(tx, agentId, documentId);
  const { row, created } = await repo.assign(tx, agentId, documentId, principal.userId);
  const out = presentAssignment(row);
  if (created) await recordAudit(tx, actorOf(principal), { action: 'knowledge.assignment.created', targetType: 'agent', targetId: agentId, after: out }, meta);
  return { created, assignment: out };
}

/** In the request's tenant transaction (route `txHandler`). */
export async function unassignDocument(tx: Tx, principal: Principal, agentId: string, documentId: string, meta: RequestMeta): Promise<void> {
  await assertBothInOrg(tx, agentId, documentId);
  if (!(await repo.unassign(tx, agentId, documentId))) throw errors.notFound('assignment');
  await recordAudit(tx, actorOf(principal), { action: 'knowledge.assignment.deleted', targetType: 'agent', targetId: agentId, before: { agent_id: agentId, document_id: documentId } }, meta);
}

/** In the request's tenant transaction (route `txHandler`). */
export async function listAgentDocuments(tx: Tx, agentId: string, opts: { cursor: Cursor | null; limit: number }) {
  if (!(await agentExists(tx, agentId))) throw errors.notFound('agent');
  const rows = await repo.listAssignedDocuments(tx, agentId, opts);
  // The keyset runs over the assignment (assigned_at, document id), not the document's own created_at.
  const p = page(rows.map((r) => ({ ...r, created_at: r.assigned_at, doc_created_at: r.created_at })), opts.limit);
  return {
    data: p.rows.map((r) => ({ ...presentDocument({ ...r, created_at: r.doc_created_at }), assigned_at: toIso(r.assigned_at)! })),
    next_cursor: p.nextCursor,
  };
}
