import { decodeCursor } from '../../platform/http/pagination.js';
import { route, type RouteDef } from '../../platform/http/route.js';
import { IdParams, ListQuery, listOf } from '../../platform/http/schemas.js';
import { AGENT_LIMITS, AgentBody, AgentOut, AgentPatchBody } from './schemas.js';
import { createAgent, deleteAgent, getAgent, listAgents, updateAgent } from './service.js';

const tags = ['agents'];
const bodyLimit = AGENT_LIMITS.bodyLimitBytes;

export const agentRoutes: RouteDef[] = [
  route({
    method: 'GET',
    url: '/agents',
    operation: 'agents.list',
    permission: 'config:read',
    tags,
    query: ListQuery,
    response: { 200: listOf(AgentOut) },
    txHandler: ({ tx, query }) => listAgents(tx, { cursor: decodeCursor(query.cursor), limit: query.limit }),
  }),
  route({
    method: 'POST',
    url: '/agents',
    operation: 'agents.create',
    permission: 'config:write',
    tags,
    body: AgentBody,
    bodyLimit,
    status: 201,
    response: { 201: AgentOut },
    txHandler: ({ tx, principal, body, meta }) => createAgent(tx, principal, body, meta),
  }),
  route({
    method: 'GET',
    url: '/agents/:id',
    operation: 'agents.get',
    permission: 'config:read',
    tags,
    params: IdParams,
    response: { 200: AgentOut },
    txHandler: ({ tx, params }) => getAgent(tx, params.id),
  }),
  route({
    method: 'PUT',
    url: '/agents/:id',
    operation: 'agents.replace',
    summary: 'Replace an agent: fields left out take their defaults',
    permission: 'config:write',
    tags,
    params: IdParams,
    body: AgentBody,
    bodyLimit,
    response: { 200: AgentOut },
    txHandler: ({ tx, principal, params, body, meta }) => updateAgent(tx, principal, params.id, { replace: body }, meta),
  }),
  route({
    method: 'PATCH',
    url: '/agents/:id',
    operation: 'agents.update',
    summary: 'Change only the fields given',
    permission: 'config:write',
    tags,
    params: IdParams,
    body: AgentPatchBody,
    bodyLimit,
    response: { 200: AgentOut },
    txHandler: ({ tx, principal, params, body, meta }) => updateAgent(tx, principal, params.id, { patch: body }, meta),
  }),
  route({
    method: 'DELETE',
    url: '/agents/:id',
    operation: 'agents.delete',
    summary: 'Delete an agent. Flows whose agent nodes name it keep the id; the engine treats it as missing.',
    permission: 'config:write',
    tags,
    params: IdParams,
    status: 204,
    txHandler: ({ tx, principal, params, meta }) => deleteAgent(tx, principal, params.id, meta),
  }),
];
