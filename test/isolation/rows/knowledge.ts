/**
 * Isolation matrix rows for the knowledge routes (documents, chunks, query, agent assignments), run by
 * knowledge.matrix.test.ts with the shared runner (test/isolation/matrix.ts). Who may do what, from API.md "Roles" and docs/knowledge.md:
 * reads and queries need config:read (owner, admin, member, viewer, API keys of either role); writes
 * need config:write (owner, admin, admin-role API key). Assignment routes name two ids: each is tried
 * as the target while the other is the caller's own, so another org's agent AND another org's document
 * both answer exactly like a missing id.
 */
import { randomUUID } from 'node:crypto';
import { call } from '../../helpers/api.js';
import {
  otherOrg, rowsFor,
  type Caller, type MatrixFixtures, type MatrixRow, type Operation, type OrgName, type Resource,
} from '../matrix.js';

export const READERS: readonly Caller[] = ['owner', 'admin', 'member', 'viewer', 'api_key', 'api_key_viewer'];
export const WRITERS: readonly Caller[] = ['owner', 'admin', 'api_key'];
export const SHARED_WORD = 'matrixshared';
/** Every matrix document has SHARED_WORD; only the seeds also say "seed", so they rank first however many rows ran. */
const SEED_QUERY = `${SHARED_WORD} seed`;
export const ORGS = ['A', 'B'] as const;

/** Read by path getters when rows run; row names (built at load time) show a placeholder instead. */
export let fixtures: MatrixFixtures | undefined;
const seed = (org: OrgName, key: 'agent' | 'doc') => fixtures?.seeds[org][key] ?? `{seed ${key}}`;

async function ownerCall(fx: MatrixFixtures, org: OrgName, method: 'GET' | 'POST', url: string, body?: unknown) {
  return call(fx.app, { method, url, token: fx.orgs[org].tokens.owner, ...(body === undefined ? {} : { body }) });
}

export async function createDoc(fx: MatrixFixtures, org: OrgName, words = 'target document'): Promise<string> {
  const res = await ownerCall(fx, org, 'POST', '/knowledge/ingest-text', { name: `matrix ${randomUUID().slice(0, 6)}.txt`, content: `${SHARED_WORD} ${words} for org ${org}.` });
  if (res.statusCode !== 201) throw new Error(`ingest-text: ${res.statusCode} ${res.body}`);
  fx.ids[org].add(res.json().id);
  return res.json().id as string;
}

export async function createAgent(fx: MatrixFixtures, org: OrgName): Promise<string> {
  const res = await ownerCall(fx, org, 'POST', '/agents', { name: `matrix agent ${randomUUID().slice(0, 6)}` });
  if (res.statusCode !== 201) throw new Error(`create agent: ${res.statusCode} ${res.body}`);
  fx.ids[org].add(res.json().id);
  return res.json().id as string;
}

export async function assign(fx: MatrixFixtures, org: OrgName, agentId: string, docId: string): Promise<void> {
  const res = await ownerCall(fx, org, 'POST', `/knowledge/agent/${agentId}/assign/${docId}`);
  if (res.statusCode !== 201) throw new Error(`assign: ${res.statusCode} ${res.body}`);
}

/** The ids of documents an agent may search, as its org sees them; null when the agent is gone. */
async function assignedTo(fx: MatrixFixtures, org: OrgName, agentId: string): Promise<string[] | null> {
  const res = await ownerCall(fx, org, 'GET', `/knowledge/agent/${agentId}?limit=200`);
  return res.statusCode === 200 ? (res.json().data as Array<{ id: string }>).map((d) => d.id).sort() : null;
}

const documentResource: Resource = {
  name: 'document',
  create: (fx, org) => createDoc(fx, org),
  snapshot: async (fx, org, id) => {
    const res = await ownerCall(fx, org, 'GET', `/knowledge/${id}`);
    if (res.statusCode !== 200) return null;
    const chunks = await ownerCall(fx, org, 'GET', `/knowledge/${id}/chunks`);
    return { doc: res.json(), chunks: chunks.json() };
  },
};

const agentResource: Resource = {
  name: 'agent',
  create: (fx, org) => createAgent(fx, org),
  snapshot: (fx, org, id) => assignedTo(fx, org, id),
};

/** A fresh document already assigned to the org's seed agent (for unassign rows). */
const assignedDocResource: Resource = {
  name: 'assigned document',
  create: async (fx, org) => {
    const id = await createDoc(fx, org);
    await assign(fx, org, fx.seeds[org].agent!, id);
    return id;
  },
  snapshot: async (fx, org, id) => ((await assignedTo(fx, org, fx.seeds[org].agent!)) ?? []).includes(id) ? id : null,
};

/** A fresh agent that may already search the org's seed document (for unassign rows). */
const assignedAgentResource: Resource = {
  name: 'assigned agent',
  create: async (fx, org) => {
    const id = await createAgent(fx, org);
    await assign(fx, org, id, fx.seeds[org].doc!);
    return id;
  },
  snapshot: (fx, org, id) => assignedTo(fx, org, id),
};

type Results = { results: Array<{ document_id: string }> };
type Data = { data: Array<{ id: string }> };

const ops = {
  list: { name: 'knowledge.list', method: 'GET', path: '/knowledge?limit=200', listIds: (b: Data) => b.data.map((d) => d.id), mustList: (fx, org) => [fx.seeds[org].doc!] },
  get: { name: 'knowledge.get', method: 'GET', path: '/knowledge/:id', resource: documentResource },
  chunks: { name: 'knowledge.chunks', method: 'GET', path: '/knowledge/:id/chunks', resource: documentResource },
  remove: { name: 'knowledge.delete', method: 'DELETE', path: '/knowledge/:id', resource: documentResource },
  reindex: { name: 'knowledge.reindex', method: 'POST', path: '/knowledge/:id/reindex', resource: documentResource },
  ingestText: {
    name: 'knowledge.ingest_text', method: 'POST', path: '/knowledge/ingest-text',
    body: () => ({ name: 'pasted.txt', content: 'Pasted through the matrix.' }), registers: (b: { id: string }) => [b.id],
  },
  ingestUrl: {
    name: 'knowledge.ingest_url', method: 'POST', path: '/knowledge/ingest-url',
    // An IP literal: checked without DNS; no worker runs in this file, so nothing is ever fetched.
    body: () => ({ url: 'http://127.0.0.1:9/matrix.html', name: 'matrix page' }), registers: (b: { id: string }) => [b.id],
  },
  query: {
    name: 'knowledge.query', method: 'POST', path: '/knowledge/query', body: () => ({ query: SEED_QUERY, top_k: 50 }),
    listIds: (b: Results) => b.results.map((r) => r.document_id), mustList: (fx, org) => [fx.seeds[org].doc!],
  },
  queryAsOwnAgent: {
    name: 'knowledge.query', method: 'POST', path: '/knowledge/query',
    body: (fx, org) => ({ query: SEED_QUERY, top_k: 50, agent_id: fx.seeds[org].agent }),
    listIds: (b: Results) => b.results.map((r) => r.document_id), mustList: (fx, org) => [fx.seeds[org].doc!],
  },
  agentDocs: { name: 'knowledge.agent_documents', method: 'GET', path: '/knowledge/agent/:id', resource: assignedAgentResource, listIds: (b: Data) => b.data.map((d) => d.id) },
} satisfies Record<string, Operation>;

/** Operations whose second id is the caller org's own seed: one operation per org. */
const perOrg = (org: OrgName) => ({
  assignDoc: { name: 'knowledge.assign', method: 'POST', get path() { return `/knowledge/agent/${seed(org, 'agent')}/assign/:id`; }, resource: documentResource },
  unassignDoc: { name: 'knowledge.unassign', method: 'DELETE', get path() { return `/knowledge/agent/${seed(org, 'agent')}/assign/:id`; }, resource: assignedDocResource },
  assignAgent: { name: 'knowledge.assign', method: 'POST', get path() { return `/knowledge/agent/:id/assign/${seed(org, 'doc')}`; }, resource: agentResource },
  unassignAgent: { name: 'knowledge.unassign', method: 'DELETE', get path() { return `/knowledge/agent/:id/assign/${seed(org, 'doc')}`; }, resource: assignedAgentResource },
  queryForeignAgent: {
    name: 'knowledge.query', method: 'POST', path: '/knowledge/query',
    body: (fx: MatrixFixtures) => ({ query: SHARED_WORD, agent_id: fx.seeds[otherOrg(org)].agent }),
  },
}) satisfies Record<string, Operation>;

export const knowledgeRows: MatrixRow[] = [
  ...rowsFor(ops.list, { allowed: READERS, ok: 200 }),
  ...rowsFor(ops.get, { allowed: READERS, ok: 200 }),
  ...rowsFor(ops.chunks, { allowed: READERS, ok: 200 }),
  ...rowsFor(ops.remove, { allowed: WRITERS, ok: 204 }),
  ...rowsFor(ops.reindex, { allowed: WRITERS, ok: 202 }),
  ...rowsFor(ops.ingestText, { allowed: WRITERS, ok: 201 }),
  ...rowsFor(ops.ingestUrl, { allowed: WRITERS, ok: 202 }),
  ...rowsFor(ops.query, { allowed: READERS, ok: 200 }),
  ...rowsFor(ops.queryAsOwnAgent, { allowed: READERS, ok: 200 }).map((r) => ({ ...r, note: 'as own agent' })),
  ...rowsFor(ops.agentDocs, { allowed: READERS, ok: 200 }),
  ...ORGS.flatMap((org) => {
    const o = perOrg(org);
    return [
      ...rowsFor(o.assignDoc, { allowed: WRITERS, ok: 201, orgs: [org] }),
      ...rowsFor(o.unassignDoc, { allowed: WRITERS, ok: 204, orgs: [org] }),
      ...rowsFor(o.assignAgent, { allowed: WRITERS, ok: 201, orgs: [org] }),
      ...rowsFor(o.unassignAgent, { allowed: WRITERS, ok: 204, orgs: [org] }),
      // Searching as another org's agent is a 404 (the agent is not in this org), never an empty answer.
      ...rowsFor(o.queryForeignAgent, { allowed: READERS, ok: 404, orgs: [org] }).map((r) => ({ ...r, note: "other org's agent" })),
    ];
  }),
];

/** Seeds each org's document and agent (the seed document is assigned to the seed agent) and arms the rows. */
export async function seedKnowledge(fx: MatrixFixtures): Promise<void> {
  for (const org of ORGS) {
    // The seed repeats the shared word so it outranks the many per-row documents (which mention it once)
    // and stays inside top_k however many rows ran before the query rows.
    fx.seeds[org].doc = await createDoc(fx, org, `${SHARED_WORD} ${SHARED_WORD} ${SHARED_WORD} seed document`);
    fx.seeds[org].agent = await createAgent(fx, org);
    await assign(fx, org, fx.seeds[org].agent, fx.seeds[org].doc);
  }
  fixtures = fx;
}
