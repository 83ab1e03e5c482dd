/**
 * Matrix rows for /tools, /mcp-servers and /webhook-endpoints (API.md "Tools and MCP servers"). Who may
 * do what, from API.md "Roles", by hand: owners, admins and admin API keys create and change them (and
 * run tool tests and MCP refreshes, which use the stored secrets); members, viewers and viewer API keys
 * read them; support agents see no configuration (403).
 *
 * Assignment routes name two ids. Each is tried as the target while the other is the caller's own seed
 * (path getters read the seeds when the row runs), so another org's agent AND another org's tool or
 * server both answer exactly like a missing id. Tool tests and MCP refreshes of the caller's own target
 * really run, against loopback fakes (`env`), so a 200 proves the route works, not just that it routes.
 */
import { randomUUID } from 'node:crypto';
import type { Deps } from '../../../src/deps.js';
import * as webhookRepo from '../../../src/features/webhook-endpoints/repo.js';
import { withOrg } from '../../../src/platform/db/with-org.js';
import { call } from '../../helpers/api.js';
import { rowsFor, type Caller, type MatrixFixtures, type MatrixRow, type Operation, type OrgName, type Resource } from '../matrix.js';

export const READERS: readonly Caller[] = ['owner', 'admin', 'member', 'viewer', 'api_key', 'api_key_viewer'];
export const WRITERS: readonly Caller[] = ['owner', 'admin', 'api_key'];
const ORGS = ['A', 'B'] as const;

/** Set by the test file before rows run: origins of the loopback fakes and the fixtures. */
export const env: { echo: string; mcp: string; fx: MatrixFixtures | undefined; deps: Deps | undefined } = { echo: '', mcp: '', fx: undefined, deps: undefined };
const seed = (org: OrgName, key: string) => env.fx?.seeds[org][key] ?? `{seed ${key}}`;

async function owner(fx: MatrixFixtures, org: OrgName, method: 'GET' | 'POST', url: string, body?: unknown) {
  return call(fx.app, { method, url, token: fx.orgs[org].tokens.owner, ...(body === undefined ? {} : { body }) });
}
async function ownerCreate(fx: MatrixFixtures, org: OrgName, url: string, body: unknown): Promise<string> {
  const res = await owner(fx, org, 'POST', url, body);
  if (res.statusCode !== 201) throw new Error(`create ${url}: ${res.statusCode} ${res.body}`);
  fx.ids[org].add(res.json().id);
  return res.json().id as string;
}
async function ownerAssign(fx: MatrixFixtures, org: OrgName, url: string): Promise<void> {
  const res = await owner(fx, org, 'POST', url);
  if (res.statusCode !== 201) throw new Error(`assign ${url}: ${res.statusCode} ${res.body}`);
}
/** GET as the owner: the body, or null when it is a 404. */
async function ownerGet(fx: MatrixFixtures, org: OrgName, url: string): Promise<unknown> {
  const res = await owner(fx, org, 'GET', url);
  if (res.statusCode === 404) return null;
  if (res.statusCode !== 200) throw new Error(`snapshot ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

export const toolBody = () => ({
  name: `tool_${randomUUID().slice(0, 8)}`,
  config: { method: 'POST', url: `${env.echo}/tool`, headers: { Authorization: { secret: true, value: 'Bearer matrix-secret' } } },
});
export const serverBody = () => ({ name: `mcp ${randomUUID().slice(0, 8)}`, url: `${env.mcp}/mcp`, headers: { Authorization: 'Bearer matrix' } });
export const endpointBody = () => ({ url: `${env.echo}/hook`, events: ['call.ended'] });
const createAgent = (fx: MatrixFixtures, org: OrgName) => ownerCreate(fx, org, '/agents', { name: `matrix agent ${randomUUID().slice(0, 6)}` });

export const toolResource: Resource = { name: 'tool', create: (fx, org) => ownerCreate(fx, org, '/tools', toolBody()), snapshot: (fx, org, id) => ownerGet(fx, org, `/tools/${id}`) };
export const serverResource: Resource = {
  name: 'mcp server',
  create: (fx, org) => ownerCreate(fx, org, '/mcp-servers', serverBody()),
  snapshot: async (fx, org, id) => ({ server: await ownerGet(fx, org, `/mcp-servers/${id}`), tools: await ownerGet(fx, org, `/mcp-servers/${id}/tools`) }),
};
export const endpointResource: Resource = {
  name: 'webhook endpoint',
  create: (fx, org) => ownerCreate(fx, org, '/webhook-endpoints', endpointBody()),
  snapshot: async (fx, org, id) => ({ endpoint: await ownerGet(fx, org, `/webhook-endpoints/${id}`), deliveries: await ownerGet(fx, org, `/webhook-endpoints/${id}/deliveries`) }),
};
/**
 * A finished (succeeded) delivery of the org's seed endpoint. No API creates one directly, so it is
 * written with the feature's own repo, exactly as emitEvent and the delivery job would leave it.
 */
const deliveryResource: Resource = {
  name: 'webhook delivery',
  create: async (fx, org) => {
    const id = randomUUID();
    const eventId = randomUUID();
    const payload = { id: eventId, type: 'call.ended', created_at: new Date().toISOString(), data: { call_id: randomUUID() } };
    await withOrg(env.deps!.db, { orgId: fx.orgs[org].id }, async (tx) => {
      await webhookRepo.insertDelivery(tx, { id, endpointId: fx.seeds[org].endpoint!, eventId, eventType: 'call.ended', payload });
      await webhookRepo.recordAttempt(tx, { deliveryId: id, attempt: 1, status: 'succeeded', responseStatus: 200, durationMs: 5, error: null, nextAttemptAt: null });
    });
    fx.ids[org].add(id);
    return id;
  },
  snapshot: async (fx, org, id) => {
    const list = (await ownerGet(fx, org, `/webhook-endpoints/${fx.seeds[org].endpoint}/deliveries?limit=200`)) as { data: Array<{ id: string }> };
    return list.data.find((d) => d.id === id) ?? null;
  },
};
/** An agent, seen through what it is assigned (tools and MCP servers). */
const agentResource: Resource = {
  name: 'agent',
  create: createAgent,
  snapshot: async (fx, org, id) => ({ tools: await ownerGet(fx, org, `/tools/agent/${id}`), servers: await ownerGet(fx, org, `/mcp-servers/agent/${id}`) }),
};
const assignedToolResource: Resource = {
  name: 'assigned tool',
  create: async (fx, org) => {
    const id = await toolResource.create(fx, org);
    await ownerAssign(fx, org, `/tools/agent/${fx.seeds[org].agent}/assign/${id}`);
    return id;
  },
  snapshot: toolResource.snapshot,
};
const agentWithToolResource: Resource = {
  name: 'agent with the seed tool',
  create: async (fx, org) => {
    const id = await createAgent(fx, org);
    await ownerAssign(fx, org, `/tools/agent/${id}/assign/${fx.seeds[org].tool}`);
    return id;
  },
  snapshot: agentResource.snapshot,
};
const assignedServerResource: Resource = {
  name: 'assigned mcp server',
  create: async (fx, org) => {
    const id = await serverResource.create(fx, org);
    await ownerAssign(fx, org, `/mcp-servers/agent/${fx.seeds[org].agent}/assign/${id}`);
    return id;
  },
  snapshot: serverResource.snapshot,
};
const agentWithServerResource: Resource = {
  name: 'agent with the seed server',
  create: async (fx, org) => {
    const id = await createAgent(fx, org);
    await ownerAssign(fx, org, `/mcp-servers/agent/${id}/assign/${fx.seeds[org].server}`);
    return id;
  },
  snapshot: agentResource.snapshot,
};

/** An agent, a tool, an MCP server and a webhook endpoint per org that lists must show. */
export async function seedToolsMcpWebhooks(fx: MatrixFixtures): Promise<void> {
  for (const org of ORGS) {
    fx.seeds[org].agent = await createAgent(fx, org);
    fx.seeds[org].tool = await toolResource.create(fx, org);
    fx.seeds[org].server = await serverResource.create(fx, org);
    fx.seeds[org].endpoint = await endpointResource.create(fx, org);
    await ownerAssign(fx, org, `/tools/agent/${fx.seeds[org].agent}/assign/${fx.seeds[org].tool}`);
    await ownerAssign(fx, org, `/mcp-servers/agent/${fx.seeds[org].agent}/assign/${fx.seeds[org].server}`);
  }
  env.fx = fx;
}

type Data = { data: Array<{ id: string }> };
const ids = (b: Data) => b.data.map((x) => x.id);
const reg = (b: { id: string }) => [b.id];

const ops = {
  toolsList: { name: 'tools.list', method: 'GET', path: '/tools?limit=200', listIds: ids, mustList: (fx, org) => [fx.seeds[org].tool!] },
  toolsCreate: { name: 'tools.create', method: 'POST', path: '/tools', body: toolBody, registers: reg },
  toolGet: { name: 'tools.get', method: 'GET', path: '/tools/:id', resource: toolResource },
  toolPut: { name: 'tools.replace', method: 'PUT', path: '/tools/:id', resource: toolResource, body: toolBody },
  toolPatch: { name: 'tools.update', method: 'PATCH', path: '/tools/:id', resource: toolResource, body: () => ({ description: 'patched' }) },
  toolDelete: { name: 'tools.delete', method: 'DELETE', path: '/tools/:id', resource: toolResource },
  toolTest: { name: 'tools.test', method: 'POST', path: '/tools/:id/test', resource: toolResource, body: () => ({ arguments: {} }) },
  agentTools: { name: 'tools.agent.list', method: 'GET', path: '/tools/agent/:id', resource: agentWithToolResource, listIds: ids },
  serversList: { name: 'mcp_servers.list', method: 'GET', path: '/mcp-servers?limit=200', listIds: ids, mustList: (fx, org) => [fx.seeds[org].server!] },
  serversCreate: { name: 'mcp_servers.create', method: 'POST', path: '/mcp-servers', body: serverBody, registers: reg },
  serverGet: { name: 'mcp_servers.get', method: 'GET', path: '/mcp-servers/:id', resource: serverResource },
  serverPatch: { name: 'mcp_servers.update', method: 'PATCH', path: '/mcp-servers/:id', resource: serverResource, body: () => ({ name: `renamed ${randomUUID().slice(0, 6)}` }) },
  serverDelete: { name: 'mcp_servers.delete', method: 'DELETE', path: '/mcp-servers/:id', resource: serverResource },
  serverRefresh: { name: 'mcp_servers.refresh', method: 'POST', path: '/mcp-servers/:id/refresh', resource: serverResource },
  serverTools: { name: 'mcp_servers.tools', method: 'GET', path: '/mcp-servers/:id/tools', resource: serverResource },
  agentServers: { name: 'mcp_servers.agent.list', method: 'GET', path: '/mcp-servers/agent/:id', resource: agentWithServerResource, listIds: ids },
  endpointsList: { name: 'webhook_endpoints.list', method: 'GET', path: '/webhook-endpoints?limit=200', listIds: ids, mustList: (fx, org) => [fx.seeds[org].endpoint!] },
  endpointsCreate: { name: 'webhook_endpoints.create', method: 'POST', path: '/webhook-endpoints', body: endpointBody, registers: reg },
  endpointGet: { name: 'webhook_endpoints.get', method: 'GET', path: '/webhook-endpoints/:id', resource: endpointResource },
  endpointPatch: { name: 'webhook_endpoints.update', method: 'PATCH', path: '/webhook-endpoints/:id', resource: endpointResource, body: () => ({ events: ['call.ended', 'call.started'], description: 'patched' }) },
  endpointDelete: { name: 'webhook_endpoints.delete', method: 'DELETE', path: '/webhook-endpoints/:id', resource: endpointResource },
  endpointDeliveries: { name: 'webhook_endpoints.deliveries', method: 'GET', path: '/webhook-endpoints/:id/deliveries', resource: endpointResource },
} satisfies Record<string, Operation>;

/** Assignment operations whose second id is the caller org's own seed: one set per org. */
const perOrg = (org: OrgName) =>
  ({
    assignTool: { name: 'tools.agent.assign', label: 'tool', method: 'POST', get path() { return `/tools/agent/${seed(org, 'agent')}/assign/:id`; }, resource: toolResource },
    assignToAgent: { name: 'tools.agent.assign', label: 'agent', method: 'POST', get path() { return `/tools/agent/:id/assign/${seed(org, 'tool')}`; }, resource: agentResource },
    unassignTool: { name: 'tools.agent.unassign', label: 'tool', method: 'DELETE', get path() { return `/tools/agent/${seed(org, 'agent')}/assign/:id`; }, resource: assignedToolResource },
    unassignFromAgent: { name: 'tools.agent.unassign', label: 'agent', method: 'DELETE', get path() { return `/tools/agent/:id/assign/${seed(org, 'tool')}`; }, resource: agentWithToolResource },
    assignServer: {
      name: 'mcp_servers.agent.assign', label: 'server', method: 'POST', get path() { return `/mcp-servers/agent/${seed(org, 'agent')}/assign/:id`; },
      resource: serverResource, body: () => ({ allowed_tools: ['echo'] }),
    },
    assignServerToAgent: { name: 'mcp_servers.agent.assign', label: 'agent', method: 'POST', get path() { return `/mcp-servers/agent/:id/assign/${seed(org, 'server')}`; }, resource: agentResource },
    unassignServer: { name: 'mcp_servers.agent.unassign', label: 'server', method: 'DELETE', get path() { return `/mcp-servers/agent/${seed(org, 'agent')}/assign/:id`; }, resource: assignedServerResource },
    redeliver: {
      name: 'webhook_endpoints.redeliver', method: 'POST', get path() { return `/webhook-endpoints/${seed(org, 'endpoint')}/deliveries/:id/redeliver`; }, resource: deliveryResource,
    },
    unassignServerFromAgent: { name: 'mcp_servers.agent.unassign', label: 'agent', method: 'DELETE', get path() { return `/mcp-servers/agent/:id/assign/${seed(org, 'server')}`; }, resource: agentWithServerResource },
  }) satisfies Record<string, Operation>;

const perOrgRows = (pick: (o: ReturnType<typeof perOrg>) => Array<[Operation, number]>): MatrixRow[] =>
  ORGS.flatMap((org) => pick(perOrg(org)).flatMap(([op, ok]) => rowsFor(op, { allowed: WRITERS, ok, orgs: [org] })));

export const toolRows: MatrixRow[] = [
  ...rowsFor(ops.toolsList, { allowed: READERS, ok: 200 }),
  ...rowsFor(ops.toolsCreate, { allowed: WRITERS, ok: 201 }),
  ...rowsFor(ops.toolGet, { allowed: READERS, ok: 200 }),
  ...rowsFor(ops.toolPut, { allowed: WRITERS, ok: 200 }),
  ...rowsFor(ops.toolPatch, { allowed: WRITERS, ok: 200 }),
  ...rowsFor(ops.toolDelete, { allowed: WRITERS, ok: 204 }),
  ...rowsFor(ops.toolTest, { allowed: WRITERS, ok: 200 }),
  ...rowsFor(ops.agentTools, { allowed: READERS, ok: 200 }),
  ...perOrgRows((o) => [[o.assignTool, 201], [o.assignToAgent, 201], [o.unassignTool, 204], [o.unassignFromAgent, 204]]),
];

export const mcpWebhookRows: MatrixRow[] = [
  ...rowsFor(ops.serversList, { allowed: READERS, ok: 200 }),
  ...rowsFor(ops.serversCreate, { allowed: WRITERS, ok: 201 }),
  ...rowsFor(ops.serverGet, { allowed: READERS, ok: 200 }),
  ...rowsFor(ops.serverPatch, { allowed: WRITERS, ok: 200 }),
  ...rowsFor(ops.serverDelete, { allowed: WRITERS, ok: 204 }),
  ...rowsFor(ops.serverRefresh, { allowed: WRITERS, ok: 200 }),
  ...rowsFor(ops.serverTools, { allowed: READERS, ok: 200 }),
  ...rowsFor(ops.agentServers, { allowed: READERS, ok: 200 }),
  ...perOrgRows((o) => [[o.assignServer, 201], [o.assignServerToAgent, 201], [o.unassignServer, 204], [o.unassignServerFromAgent, 204]]),
  ...rowsFor(ops.endpointsList, { allowed: READERS, ok: 200 }),
  ...rowsFor(ops.endpointsCreate, { allowed: WRITERS, ok: 201 }),
  ...rowsFor(ops.endpointGet, { allowed: READERS, ok: 200 }),
  ...rowsFor(ops.endpointPatch, { allowed: WRITERS, ok: 200 }),
  ...rowsFor(ops.endpointDelete, { allowed: WRITERS, ok: 204 }),
  ...rowsFor(ops.endpointDeliveries, { allowed: READERS, ok: 200 }),
  ...perOrgRows((o) => [[o.redeliver, 202]]),
];
