import { z } from 'zod';
import { decodeCursor } from '../../platform/http/pagination.js';
import { route, type RouteDef } from '../../platform/http/route.js';
import { IdParams, ListQuery, listOf } from '../../platform/http/schemas.js';
import { assignToolToAgent, listAgentTools, testTool, unassignToolFromAgent } from './assignments.js';
import { TOOL_LIMITS, ToolBody, ToolOut, ToolPatchBody, ToolResultOut, ToolTestBody } from './schemas.js';
import { createTool, deleteTool, getTool, listTools, updateTool } from './service.js';

const tags = ['tools'];
const bodyLimit = TOOL_LIMITS.bodyLimitBytes;
const AgentParams = z.strictObject({ agent_id: z.uuid() });
const AssignParams = z.strictObject({ agent_id: z.uuid(), tool_id: z.uuid() });
const AssignmentOut = z.object({ agent_id: z.string(), tool_id: z.string(), tool: ToolOut });

export const toolRoutes: RouteDef[] = [
  route({
    method: 'GET',
    url: '/tools',
    operation: 'tools.list',
    permission: 'config:read',
    tags,
    query: ListQuery,
    response: { 200: listOf(ToolOut) },
    txHandler: ({ tx, query }) => listTools(tx, { cursor: decodeCursor(query.cursor), limit: query.limit }),
  }),
  route({
    method: 'POST',
    url: '/tools',
    operation: 'tools.create',
    permission: 'config:write',
    tags,
    body: ToolBody,
    bodyLimit,
    status: 201,
    response: { 201: ToolOut },
    handler: ({ deps, principal, body, meta }) => createTool(deps, principal, body, meta),
  }),
  route({
    method: 'GET',
    url: '/tools/:id',
    operation: 'tools.get',
    permission: 'config:read',
    tags,
    params: IdParams,
    response: { 200: ToolOut },
    txHandler: ({ tx, params }) => getTool(tx, params.id),
  }),
  route({
    method: 'PUT',
    url: '/tools/:id',
    operation: 'tools.replace',
    summary: 'Replace a tool. A secret header given as {"secret": true} without a value keeps its stored value.',
    permission: 'config:write',
    tags,
    params: IdParams,
    body: ToolBody,
    bodyLimit,
    response: { 200: ToolOut },
    handler: ({ deps, principal, params, body, meta }) => updateTool(deps, principal, params.id, { replace: body }, meta),
  }),
  route({
    method: 'PATCH',
    url: '/tools/:id',
    operation: 'tools.update',
    summary: 'Change the fields given; a given config replaces the stored one as a whole',
    permission: 'config:write',
    tags,
    params: IdParams,
    body: ToolPatchBody,
    bodyLimit,
    response: { 200: ToolOut },
    handler: ({ deps, principal, params, body, meta }) => updateTool(deps, principal, params.id, { patch: body }, meta),
  }),
  route({
    method: 'DELETE',
    url: '/tools/:id',
    operation: 'tools.delete',
    summary: 'Delete a tool (and its agent assignments)',
    permission: 'config:write',
    tags,
    params: IdParams,
    status: 204,
    txHandler: ({ tx, principal, params, meta }) => deleteTool(tx, principal, params.id, meta),
  }),
  route({
    method: 'POST',
    url: '/tools/:id/test',
    operation: 'tools.test',
    summary: 'Run the tool once with sample arguments through the guarded client',
    permission: 'config:write',
    tags,
    params: IdParams,
    body: ToolTestBody,
    bodyLimit,
    response: { 200: ToolResultOut },
    handler: ({ deps, principal, params, body }) => testTool(deps, principal, params.id, body),
  }),
  route({
    method: 'GET',
    url: '/tools/agent/:agent_id',
    operation: 'tools.agent.list',
    summary: 'The tools assigned to an agent',
    permission: 'config:read',
    tags,
    params: AgentParams,
    query: ListQuery,
    response: { 200: listOf(ToolOut) },
    txHandler: ({ tx, params, query }) => listAgentTools(tx, params.agent_id, { cursor: decodeCursor(query.cursor), limit: query.limit }),
  }),
  route({
    method: 'POST',
    url: '/tools/agent/:agent_id/assign/:tool_id',
    operation: 'tools.agent.assign',
    summary: 'Let an agent call a tool. Idempotent: assigning again answers the same 201.',
    permission: 'config:write',
    tags,
    params: AssignParams,
    status: 201,
    response: { 201: AssignmentOut },
    txHandler: async ({ tx, principal, params, meta }) => (await assignToolToAgent(tx, principal, params.agent_id, params.tool_id, meta)).assignment,
  }),
  route({
    method: 'DELETE',
    url: '/tools/agent/:agent_id/assign/:tool_id',
    operation: 'tools.agent.unassign',
    permission: 'config:write',
    tags,
    params: AssignParams,
    status: 204,
    txHandler: ({ tx, principal, params, meta }) => unassignToolFromAgent(tx, principal, params.agent_id, params.tool_id, meta),
  }),
];
