/**
 * Matrix rows for /agents and /flows (API.md "Agents and flows"). Who may do what comes from API.md
 * "Roles", written out by hand: owners, admins and admin API keys change configuration; members and
 * viewers read it; support agents do not see it at all (403, whatever the target).
 */
import { randomUUID } from 'node:crypto';
import { call } from '../../helpers/api.js';
import { otherOrg, rowsFor, type Caller, type MatrixFixtures, type MatrixRow, type Operation, type OrgName, type Resource } from '../matrix.js';

const READERS: readonly Caller[] = ['owner', 'admin', 'member', 'viewer', 'api_key', 'api_key_viewer'];
const WRITERS: readonly Caller[] = ['owner', 'admin', 'api_key'];

const minimalFlow = (name: string) => ({
  name,
  nodes: [
    { id: 'start', type: 'entry', data: {} },
    { id: 'bye', type: 'end_call', data: {} },
  ],
  edges: [{ id: 'e1', source: 'start', target: 'bye' }],
});

async function ownerCreate(fx: MatrixFixtures, org: OrgName, url: string, body: unknown): Promise<string> {
  const res = await call(fx.app, { method: 'POST', url, token: fx.orgs[org].tokens.owner, body });
  if (res.statusCode !== 201) throw new Error(`create ${url}: ${res.statusCode} ${res.body}`);
  const id = res.json().id as string;
  fx.ids[org].add(id);
  return id;
}

/** The resource as its owner reads it (GET by id), or null once it is gone. */
async function ownerGet(fx: MatrixFixtures, org: OrgName, url: string): Promise<unknown> {
  const res = await call(fx.app, { method: 'GET', url, token: fx.orgs[org].tokens.owner });
  if (res.statusCode === 404) return null;
  if (res.statusCode !== 200) throw new Error(`snapshot ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

export const agentResource: Resource = {
  name: 'agent',
  create: (fx, org) => ownerCreate(fx, org, '/agents', { name: `target ${randomUUID().slice(0, 4)}`, greeting: 'Hello' }),
  snapshot: (fx, org, id) => ownerGet(fx, org, `/agents/${id}`),
};

export const flowResource: Resource = {
  name: 'flow',
  create: (fx, org) => ownerCreate(fx, org, '/flows', minimalFlow(`target ${randomUUID().slice(0, 4)}`)),
  snapshot: (fx, org, id) => ownerGet(fx, org, `/flows/${id}`),
};

type Data = { data: Array<{ id: string }> };
const created = (b: { id: string }) => [b.id];
/** A flow of the other org, seeded before the rows run: what a cross-org `flow_id` names. */
const foreignFlow = (fx: MatrixFixtures, org: OrgName) => fx.seeds[otherOrg(org)].flow!;

export const ops = {
  agentsList: { name: 'agents.list', method: 'GET', path: '/agents?limit=200', listIds: (b: Data) => b.data.map((a) => a.id), mustList: (fx, org) => [fx.seeds[org].agent!] },
  agentsCreate: { name: 'agents.create', method: 'POST', path: '/agents', body: () => ({ name: 'matrix agent' }), registers: created },
  agentsGet: { name: 'agents.get', method: 'GET', path: '/agents/:id', resource: agentResource },
  agentsReplace: { name: 'agents.replace', method: 'PUT', path: '/agents/:id', resource: agentResource, body: () => ({ name: 'replaced' }) },
  agentsUpdate: { name: 'agents.update', method: 'PATCH', path: '/agents/:id', resource: agentResource, body: () => ({ name: 'patched' }) },
  agentsDelete: { name: 'agents.delete', method: 'DELETE', path: '/agents/:id', resource: agentResource },
  flowsList: { name: 'flows.list', method: 'GET', path: '/flows?limit=200', listIds: (b: Data) => b.data.map((f) => f.id), mustList: (fx, org) => [fx.seeds[org].flow!] },
  flowsCreate: { name: 'flows.create', method: 'POST', path: '/flows', body: () => minimalFlow('matrix flow'), registers: created },
  flowsGet: { name: 'flows.get', method: 'GET', path: '/flows/:id', resource: flowResource },
  flowsReplace: { name: 'flows.replace', method: 'PUT', path: '/flows/:id', resource: flowResource, body: () => minimalFlow('replaced') },
  flowsUpdate: { name: 'flows.update', method: 'PATCH', path: '/flows/:id', resource: flowResource, body: () => ({ name: 'patched' }) },
  flowsDelete: { name: 'flows.delete', method: 'DELETE', path: '/flows/:id', resource: flowResource },

  // Referencing: an agent may only name a flow of its own org. Another org's flow is a 404 (the
  // body names an id the caller does not own, so the response never echoes it).
  agentsCreateForeignFlow: { name: 'agents.create', label: 'flow_id of other org', method: 'POST', path: '/agents', body: (fx, org) => ({ name: 'sneaky', flow_id: foreignFlow(fx, org) }) },
  agentsCreateOwnFlow: { name: 'agents.create', label: 'flow_id of own org', method: 'POST', path: '/agents', body: (fx, org) => ({ name: 'linked', flow_id: fx.seeds[org].flow! }), registers: created },
  agentsUpdateForeignFlow: { name: 'agents.update', label: 'flow_id of other org', method: 'PATCH', path: '/agents/:id', resource: agentResource, body: (fx, org) => ({ flow_id: foreignFlow(fx, org) }) },
  agentsReplaceForeignFlow: { name: 'agents.replace', label: 'flow_id of other org', method: 'PUT', path: '/agents/:id', resource: agentResource, body: (fx, org) => ({ name: 'sneaky', flow_id: foreignFlow(fx, org) }) },
} satisfies Record<string, Operation>;

/** Seeds one agent and one flow per org (lists must show them; cross-org references name them). */
export async function seedAgentsFlows(fx: MatrixFixtures): Promise<void> {
  for (const org of ['A', 'B'] as const) {
    fx.seeds[org].agent = await agentResource.create(fx, org);
    fx.seeds[org].flow = await flowResource.create(fx, org);
  }
}

export const agentFlowRows: MatrixRow[] = [
  ...rowsFor(ops.agentsList, { allowed: READERS, ok: 200 }),
  ...rowsFor(ops.agentsCreate, { allowed: WRITERS, ok: 201 }),
  ...rowsFor(ops.agentsGet, { allowed: READERS, ok: 200 }),
  ...rowsFor(ops.agentsReplace, { allowed: WRITERS, ok: 200 }),
  ...rowsFor(ops.agentsUpdate, { allowed: WRITERS, ok: 200 }),
  ...rowsFor(ops.agentsDelete, { allowed: WRITERS, ok: 204 }),
  ...rowsFor(ops.flowsList, { allowed: READERS, ok: 200 }),
  ...rowsFor(ops.flowsCreate, { allowed: WRITERS, ok: 201 }),
  ...rowsFor(ops.flowsGet, { allowed: READERS, ok: 200 }),
  ...rowsFor(ops.flowsReplace, { allowed: WRITERS, ok: 200 }),
  ...rowsFor(ops.flowsUpdate, { allowed: WRITERS, ok: 200 }),
  ...rowsFor(ops.flowsDelete, { allowed: WRITERS, ok: 204 }),
  ...rowsFor(ops.agentsCreateForeignFlow, { allowed: WRITERS, ok: 404 }),
  ...rowsFor(ops.agentsCreateOwnFlow, { allowed: WRITERS, ok: 201 }),
  // Own agent, other org's flow: 404 and the agent keeps its flow. Other-org agent: 404 either way.
  ...rowsFor(ops.agentsUpdateForeignFlow, { allowed: WRITERS, ok: 404 }),
  ...rowsFor(ops.agentsReplaceForeignFlow, { allowed: WRITERS, ok: 404 }),
];
