import { z } from 'zod';
import { decodeCursor } from '../../platform/http/pagination.js';
import { route, type RouteDef } from '../../platform/http/route.js';
import { IdParams, ListQuery, listOf } from '../../platform/http/schemas.js';
import { assignServerToAgent, listAgentServers, unassignServerFromAgent } from './assignments.js';
import { refreshServer } from './calls.js';
import { AgentServerOut, AssignServerBody, MCP_LIMITS, McpServerBody, McpServerOut, McpServerPatchBody, McpToolOut } from './schemas.js';
import { createServer, deleteServer, getServer, listServers, listServerTools, updateServer } from './service.js';

const tags = ['mcp'];
const bodyLimit = MCP_LIMITS.bodyLimitBytes;
const AgentParams = z.strictObject({ agent_id: z.uuid() });
const AssignParams = z.strictObject({ agent_id: z.uuid(), server_id: z.uuid() });
const AssignmentOut = z.object({ agent_id: z.string(), server_id: z.string(), allowed_tools: z.array(z.string()).nullable(), server: McpServerOut });

export const mcpRoutes: RouteDef[] = [
  route({
    method: 'GET',
    url: '/mcp-servers',
    operation: 'mcp_servers.list',
    permission: 'config:read',
    tags,
    query: ListQuery,
    response: { 200: listOf(McpServerOut) },
    txHandler: ({ tx, query }) => listServers(tx, { cursor: decodeCursor(query.cursor), limit: query.limit }),
  }),
  route({
    method: 'POST',
    url: '/mcp-servers',
    operation: 'mcp_servers.create',
    permission: 'config:write',
    tags,
    body: McpServerBody,
    bodyLimit,
    status: 201,
    response: { 201: McpServerOut },
    handler: ({ deps, principal, body, meta }) => createServer(deps, principal, body, meta),
  }),
  route({
    method: 'GET',
    url: '/mcp-servers/:id',
    operation: 'mcp_servers.get',
    permission: 'config:read',
    tags,
    params: IdParams,
    response: { 200: McpServerOut },
    txHandler: ({ tx, params }) => getServer(tx, params.id),
  }),
  route({
    method: 'PATCH',
    url: '/mcp-servers/:id',
    operation: 'mcp_servers.update',
    summary: 'Change the fields given. Headers given replace the stored set; one given as {"secret": true} keeps its value.',
    permission: 'config:write',
    tags,
    params: IdParams,
    body: McpServerPatchBody,
    bodyLimit,
    response: { 200: McpServerOut },
    handler: ({ deps, principal, params, body, meta }) => updateServer(deps, principal, params.id, body, meta),
  }),
  route({
    method: 'DELETE',
    url: '/mcp-servers/:id',
    operation: 'mcp_servers.delete',
    permission: 'config:write',
    tags,
    params: IdParams,
    status: 204,
    txHandler: ({ tx, principal, params, meta }) => deleteServer(tx, principal, params.id, meta),
  }),
  route({
    method: 'POST',
    url: '/mcp-servers/:id/refresh',
    operation: 'mcp_servers.refresh',
    summary: "Connect to the server, list its tools and store them (replacing the previous list)",
    permission: 'config:write',
    tags,
    params: IdParams,
    response: { 200: listOf(McpToolOut) },
    handler: ({ deps, principal, params, meta }) => refreshServer(deps, principal, params.id, meta),
  }),
  route({
    method: 'GET',
    url: '/mcp-servers/:id/tools',
    operation: 'mcp_servers.tools',
    summary: 'The tools found at the last refresh',
    permission: 'config:read',
    tags,
    params: IdParams,
    response: { 200: listOf(McpToolOut) },
    txHandler: ({ tx, params }) => listServerTools(tx, params.id),
  }),
  route({
    method: 'GET',
    url: '/mcp-servers/agent/:agent_id',
    operation: 'mcp_servers.agent.list',
    permission: 'config:read',
    tags,
    params: AgentParams,
    query: ListQuery,
    response: { 200: listOf(AgentServerOut) },
    txHandler: ({ tx, params, query }) => listAgentServers(tx, params.agent_id, { cursor: decodeCursor(query.cursor), limit: query.limit }),
  }),
  route({
    method: 'POST',
    url: '/mcp-servers/agent/:agent_id/assign/:server_id',
    operation: 'mcp_servers.agent.assign',
    summary: 'Let an agent use a server (optionally only some of its tools). Assigning again replaces the allow-list.',
    permission: 'config:write',
    tags,
    params: AssignParams,
    body: AssignServerBody,
    bodyLimit,
    status: 201,
    response: { 201: AssignmentOut },
    txHandler: ({ tx, principal, params, body, meta }) => assignServerToAgent(tx, principal, params.agent_id, params.server_id, body?.allowed_tools ?? null, meta),
  }),
  route({
    method: 'DELETE',
    url: '/mcp-servers/agent/:agent_id/assign/:server_id',
    operation: 'mcp_servers.agent.unassign',
    permission: 'config:write',
    tags,
    params: AssignParams,
    status: 204,
    txHandler: ({ tx, principal, params, meta }) => unassignServerFromAgent(tx, principal, params.agent_id, params.server_id, meta),
  }),
];
