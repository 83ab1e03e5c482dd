/**
 * Matrix rows for /sessions and /calls (API.md "Sessions and calls"). Who may do what, from API.md
 * "Roles", by hand: owners, admins, members and admin API keys start and continue sessions (playground);
 * every role reads calls (support agents and viewers included); owners, admins and admin API keys
 * delete calls. Starting a session, or asking for a console voice URL, that names the other org's agent or
 * flow is a 404 like a missing one (test/isolation/widget-socket.test.ts: such a token opens nothing elsewhere).
 * Sessions run on the offline responder (no model configured), so every 200 is a real turn.
 */
import { randomUUID } from 'node:crypto';
import { call } from '../../helpers/api.js';
import { CALLERS, otherOrg, rowsFor, type Caller, type MatrixFixtures, type MatrixRow, type Operation, type OrgName, type Resource } from '../matrix.js';

const RUNNERS: readonly Caller[] = ['owner', 'admin', 'member', 'api_key'];
const READERS: readonly Caller[] = CALLERS;
const DELETERS: readonly Caller[] = ['owner', 'admin', 'api_key'];

async function ownerPost(fx: MatrixFixtures, org: OrgName, url: string, body: unknown): Promise<string> {
  const res = await call(fx.app, { method: 'POST', url, token: fx.orgs[org].tokens.owner, body });
  if (res.statusCode !== 201) throw new Error(`create ${url}: ${res.statusCode} ${res.body}`);
  const id = res.json().id as string;
  fx.ids[org].add(id);
  return id;
}

export const sessionResource: Resource = {
  name: 'session',
  create: (fx, org) => ownerPost(fx, org, '/sessions', { agent_id: fx.seeds[org].sessionAgent }),
  snapshot: async (fx, org, id) => {
    const res = await call(fx.app, { method: 'GET', url: `/calls/${id}`, token: fx.orgs[org].tokens.owner });
    if (res.statusCode === 404) return null;
    if (res.statusCode !== 200) throw new Error(`snapshot call: ${res.statusCode} ${res.body}`);
    return res.json();
  },
};

/** An agent, a flow and one session per org, created before the rows run. */
export async function seedSessionsCalls(fx: MatrixFixtures): Promise<void> {
  for (const org of ['A', 'B'] as const) {
    fx.seeds[org].sessionAgent = await ownerPost(fx, org, '/agents', { name: `session agent ${randomUUID().slice(0, 4)}`, greeting: 'Hello' });
    fx.seeds[org].sessionFlow = await ownerPost(fx, org, '/flows', {
      name: `session flow ${randomUUID().slice(0, 4)}`,
      nodes: [{ id: 'start', type: 'entry', data: {} }, { id: 'hi', type: 'speak', data: { text: 'Hi' } }, { id: 'bye', type: 'end_call', data: {} }],
      edges: [{ id: 'e1', source: 'start', target: 'hi' }, { id: 'e2', source: 'hi', target: 'bye' }],
    });
    fx.seeds[org].session = await sessionResource.create(fx, org);
  }
}

type Data = { data: Array<{ id: string }> };
const mine = (key: string) => (fx: MatrixFixtures, org: OrgName) => fx.seeds[org][key];
const theirs = (key: string) => (fx: MatrixFixtures, org: OrgName) => fx.seeds[otherOrg(org)][key];

const ops = {
  startAgent: { name: 'sessions.start', label: 'own agent', method: 'POST', path: '/sessions', body: (fx, org) => ({ agent_id: mine('sessionAgent')(fx, org) }), registers: (b: { id: string }) => [b.id] },
  startFlow: { name: 'sessions.start', label: 'own flow, test mode', method: 'POST', path: '/sessions', body: (fx, org) => ({ flow_id: mine('sessionFlow')(fx, org), mode: 'test' }), registers: (b: { id: string }) => [b.id] },
  startForeignAgent: { name: 'sessions.start', label: "other org's agent", method: 'POST', path: '/sessions', body: (fx, org) => ({ agent_id: theirs('sessionAgent')(fx, org) }) },
  startForeignFlow: { name: 'sessions.start', label: "other org's flow", method: 'POST', path: '/sessions', body: (fx, org) => ({ flow_id: theirs('sessionFlow')(fx, org) }) },
  voiceUrlAgent: { name: 'sessions.voice_url', label: 'own agent', method: 'POST', path: '/sessions/voice-url', body: (fx, org) => ({ agent_id: mine('sessionAgent')(fx, org) }) },
  voiceUrlFlow: { name: 'sessions.voice_url', label: 'own flow', method: 'POST', path: '/sessions/voice-url', body: (fx, org) => ({ flow_id: mine('sessionFlow')(fx, org) }) },
  voiceUrlForeignAgent: { name: 'sessions.voice_url', label: "other org's agent", method: 'POST', path: '/sessions/voice-url', body: (fx, org) => ({ agent_id: theirs('sessionAgent')(fx, org) }) },
  voiceUrlForeignFlow: { name: 'sessions.voice_url', label: "other org's flow", method: 'POST', path: '/sessions/voice-url', body: (fx, org) => ({ flow_id: theirs('sessionFlow')(fx, org) }) },
  message: { name: 'sessions.message', method: 'POST', path: '/sessions/:id/messages', resource: sessionResource, body: () => ({ text: 'hello' }) },
  end: { name: 'sessions.end', method: 'POST', path: '/sessions/:id/end', resource: sessionResource },
  get: { name: 'sessions.get', method: 'GET', path: '/sessions/:id', resource: sessionResource },
  callsList: { name: 'calls.list', method: 'GET', path: '/calls?limit=200', listIds: (b: Data) => b.data.map((c) => c.id), mustList: (fx, org) => [fx.seeds[org].session!] },
  callsGet: { name: 'calls.get', method: 'GET', path: '/calls/:id', resource: sessionResource },
  callsDelete: { name: 'calls.delete', method: 'DELETE', path: '/calls/:id', resource: sessionResource },
} satisfies Record<string, Operation>;

export const sessionCallRows: MatrixRow[] = [
  ...rowsFor(ops.startAgent, { allowed: RUNNERS, ok: 201 }),
  ...rowsFor(ops.startFlow, { allowed: RUNNERS, ok: 201 }),
  ...rowsFor(ops.startForeignAgent, { allowed: RUNNERS, ok: 404 }),
  ...rowsFor(ops.startForeignFlow, { allowed: RUNNERS, ok: 404 }),
  ...rowsFor(ops.voiceUrlAgent, { allowed: RUNNERS, ok: 201 }),
  ...rowsFor(ops.voiceUrlFlow, { allowed: RUNNERS, ok: 201 }),
  ...rowsFor(ops.voiceUrlForeignAgent, { allowed: RUNNERS, ok: 404 }),
  ...rowsFor(ops.voiceUrlForeignFlow, { allowed: RUNNERS, ok: 404 }),
  ...rowsFor(ops.message, { allowed: RUNNERS, ok: 200 }),
  ...rowsFor(ops.end, { allowed: RUNNERS, ok: 200 }),
  ...rowsFor(ops.get, { allowed: READERS, ok: 200 }),
  ...rowsFor(ops.callsList, { allowed: READERS, ok: 200 }),
  ...rowsFor(ops.callsGet, { allowed: READERS, ok: 200 }),
  ...rowsFor(ops.callsDelete, { allowed: DELETERS, ok: 204 }),
];
