/**
 * Matrix rows for /escalations (API.md "Sessions and calls": escalations; "Roles": support_agent and
 * above handle escalations), by hand: owners, admins, support agents and admin API keys; members and
 * viewers (and viewer keys) get 403. Every target is a fresh session of the org handed off by its caller
 * asking for a person (the offline responder), so each row acts on its own waiting escalation.
 *
 * Actions in the session follow the claim rules: a support agent (or a key of that role) must claim
 * first, so an unclaimed escalation answers them 409; owners, admins and admin keys supervise (200).
 *
 * GET /escalations/stream never ends, which the JSON runner cannot wait for: here an allowed caller
 * without `Accept: text/event-stream` gets the 400 that only follows the permission check (denied
 * callers get 403 before it). The streams themselves, for every role and both orgs, are in
 * test/escalations/stream.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { call } from '../../helpers/api.js';
import { rowsFor, type Caller, type MatrixFixtures, type MatrixRow, type Operation, type OrgName, type Resource } from '../matrix.js';

const HANDLERS: readonly Caller[] = ['owner', 'admin', 'support_agent', 'api_key'];

async function ownerPost(fx: MatrixFixtures, org: OrgName, url: string, body: unknown): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await call(fx.app, { method: 'POST', url, token: fx.orgs[org].tokens.owner, body });
  if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** A session of `org`'s handoff agent whose caller asked for a person: its escalation waits in the queue. */
async function waitingEscalation(fx: MatrixFixtures, org: OrgName): Promise<string> {
  const s = await ownerPost(fx, org, '/sessions', { agent_id: fx.seeds[org].handoffAgent });
  fx.ids[org].add(s.id);
  await ownerPost(fx, org, `/sessions/${s.id}/messages`, { text: 'Can I speak to a human, please?' });
  const list = await call(fx.app, { method: 'GET', url: `/escalations?call_id=${s.id}`, token: fx.orgs[org].tokens.owner });
  const id = list.json().data[0]?.id as string | undefined;
  if (!id) throw new Error(`no escalation for session ${s.id}: ${list.body}`);
  fx.ids[org].add(id);
  return id;
}

export const escalationResource: Resource = {
  name: 'escalation',
  create: waitingEscalation,
  snapshot: async (fx, org, id) => {
    const res = await call(fx.app, { method: 'GET', url: `/escalations/${id}`, token: fx.orgs[org].tokens.owner });
    if (res.statusCode === 404) return null;
    if (res.statusCode !== 200) throw new Error(`snapshot escalation: ${res.statusCode} ${res.body}`);
    return res.json();
  },
};

/** A handoff agent and one waiting escalation per org, before the rows run. */
export async function seedEscalations(fx: MatrixFixtures): Promise<void> {
  for (const org of ['A', 'B'] as const) {
    const agent = await ownerPost(fx, org, '/agents', { name: `handoff agent ${randomUUID().slice(0, 4)}`, greeting: 'Hello', tools_builtin: ['human_handoff'] });
    fx.ids[org].add(agent.id);
    fx.seeds[org].handoffAgent = agent.id;
    fx.seeds[org].escalation = await waitingEscalation(fx, org);
  }
}

type Data = { data: Array<{ id: string }> };
const ops = {
  list: { name: 'escalations.list', method: 'GET', path: '/escalations?limit=200', listIds: (b: Data) => b.data.map((e) => e.id), mustList: (fx, org) => [fx.seeds[org].escalation!] },
  listWaiting: { name: 'escalations.list', label: 'waiting', method: 'GET', path: '/escalations?status=waiting&queue=default&limit=200', listIds: (b: Data) => b.data.map((e) => e.id), mustList: (fx, org) => [fx.seeds[org].escalation!] },
  stream: { name: 'escalations.stream', label: 'without Accept: text/event-stream', method: 'GET', path: '/escalations/stream' },
  get: { name: 'escalations.get', method: 'GET', path: '/escalations/:id', resource: escalationResource },
  claim: { name: 'escalations.claim', method: 'POST', path: '/escalations/:id/claim', resource: escalationResource },
  message: { name: 'escalations.message', method: 'POST', path: '/escalations/:id/messages', resource: escalationResource, body: () => ({ text: 'Hello, this is support.' }) },
  release: { name: 'escalations.release', method: 'POST', path: '/escalations/:id/release', resource: escalationResource },
  close: { name: 'escalations.close', method: 'POST', path: '/escalations/:id/close', resource: escalationResource },
} satisfies Record<string, Operation>;

/** Actions in the session: supervisors 200; a support agent who has not claimed 409; the rest 403 (404s for foreign and missing ids first). */
function actionRows(op: Operation): MatrixRow[] {
  return rowsFor(op, { allowed: HANDLERS, ok: 200 }).map((r) => (r.caller === 'support_agent' && r.target === 'own' ? { ...r, expect: 409, note: 'not claimed' } : r));
}

export const escalationRows: MatrixRow[] = [
  ...rowsFor(ops.list, { allowed: HANDLERS, ok: 200 }),
  ...rowsFor(ops.listWaiting, { allowed: HANDLERS, ok: 200 }),
  ...rowsFor(ops.stream, { allowed: HANDLERS, ok: 400 }),
  ...rowsFor(ops.get, { allowed: HANDLERS, ok: 200 }),
  ...rowsFor(ops.claim, { allowed: HANDLERS, ok: 200 }),
  ...actionRows(ops.message),
  ...actionRows(ops.release),
  ...actionRows(ops.close),
];
