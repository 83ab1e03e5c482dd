import { z } from 'zod';
import { decodeCursor } from '../../platform/http/pagination.js';
import { route, type RouteDef } from '../../platform/http/route.js';
import { ListQuery, listOf } from '../../platform/http/schemas.js';
import { assignDocument, listAgentDocuments, unassignDocument } from './assignments-service.js';
import { AgentParams, AssignmentOut, AssignParams, DocumentOut } from './schemas.js';

const tags = ['knowledge'];

/** Which documents an agent may search. Both ids must belong to the caller's org (else 404). */
export const knowledgeAssignmentRoutes: RouteDef[] = [
  route({
    method: 'POST',
    url: '/knowledge/agent/:agent_id/assign/:doc_id',
    operation: 'knowledge.assign',
    summary: 'Let an agent search a document (idempotent)',
    permission: 'config:write',
    tags,
    params: AssignParams,
    status: 201,
    response: { 201: AssignmentOut },
    // Idempotent: assigning again answers 201 with the existing assignment (and audits nothing new).
    txHandler: async ({ tx, principal, params, meta }) => (await assignDocument(tx, principal, params.agent_id, params.doc_id, meta)).assignment,
  }),
  route({
    method: 'DELETE',
    url: '/knowledge/agent/:agent_id/assign/:doc_id',
    operation: 'knowledge.unassign',
    permission: 'config:write',
    tags,
    params: AssignParams,
    status: 204,
    txHandler: ({ tx, principal, params, meta }) => unassignDocument(tx, principal, params.agent_id, params.doc_id, meta),
  }),
  route({
    method: 'GET',
    url: '/knowledge/agent/:agent_id',
    operation: 'knowledge.agent_documents',
    permission: 'config:read',
    tags,
    params: AgentParams,
    query: ListQuery,
    response: { 200: listOf(DocumentOut.extend({ assigned_at: z.string() })) },
    txHandler: ({ tx, params, query }) => listAgentDocuments(tx, params.agent_id, { cursor: decodeCursor(query.cursor), limit: query.limit }),
  }),
];
