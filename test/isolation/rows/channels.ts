/**
 * Matrix rows for /channels (API.md "Channels and provider webhooks"). Who may do what comes from API.md
 * "Roles", written out by hand: owners, admins and admin API keys change channels; members and viewers
 * read them; support agents do not see configuration (403). Session URLs are "start sessions": owners,
 * admins, members and admin API keys. Channels here are web channels (no provider call needed).
 */
import { randomUUID } from 'node:crypto';
import { call } from '../../helpers/api.js';
import { otherOrg, rowsFor, type Caller, type MatrixFixtures, type MatrixRow, type Operation, type OrgName, type Resource } from '../matrix.js';

const READERS: readonly Caller[] = ['owner', 'admin', 'member', 'viewer', 'api_key', 'api_key_viewer'];
const WRITERS: readonly Caller[] = ['owner', 'admin', 'api_key'];
const SESSION_RUNNERS: readonly Caller[] = ['owner', 'admin', 'member', 'api_key'];

async function ownerCreate(fx: MatrixFixtures, org: OrgName, url: string, body: unknown): Promise<string> {
  const res = await call(fx.app, { method: 'POST', url, token: fx.orgs[org].tokens.owner, body });
  if (res.statusCode !== 201) throw new Error(`create ${url}: ${res.statusCode} ${res.body}`);
  const id = res.json().id as string;
  fx.ids[org].add(id);
  return id;
}

const webChannel = (fx: MatrixFixtures, org: OrgName) => ({
  name: `widget ${randomUUID().slice(0, 4)}`,
  type: 'web',
  provider: 'web',
  agent_id: fx.seeds[org].agent!,
  allowed_origins: ['https://shop.example'],
});

export const channelResource: Resource = {
  name: 'channel',
  create: (fx, org) => ownerCreate(fx, org, '/channels', webChannel(fx, org)),
  snapshot: async (fx, org, id) => {
    const res = await call(fx.app, { method: 'GET', url: `/channels/${id}`, token: fx.orgs[org].tokens.owner });
    if (res.statusCode === 404) return null;
    if (res.statusCode !== 200) throw new Error(`snapshot channel: ${res.statusCode} ${res.body}`);
    return res.json();
  },
};

/** An agent and a flow per org, and one channel that lists must show. Call after createMatrixFixtures. */
export async function seedChannels(fx: MatrixFixtures): Promise<void> {
  for (const org of ['A', 'B'] as const) {
    fx.seeds[org].agent = await ownerCreate(fx, org, '/agents', { name: 'channel target' });
    fx.seeds[org].flow = await ownerCreate(fx, org, '/flows', {
      name: 'channel flow',
      nodes: [{ id: 'start', type: 'entry', data: {} }, { id: 'bye', type: 'end_call', data: {} }],
      edges: [{ id: 'e1', source: 'start', target: 'bye' }],
    });
    fx.seeds[org].channel = await channelResource.create(fx, org);
  }
}

type Data = { data: Array<{ id: string }> };
const noted = (note: string, rows: MatrixRow[]): MatrixRow[] => rows.map((r) => ({ ...r, note }));
const foreign = (key: 'agent' | 'flow') => (fx: MatrixFixtures, org: OrgName) => fx.seeds[otherOrg(org)][key]!;

export const channelOps = {
  list: { name: 'channels.list', method: 'GET', path: '/channels?limit=200', listIds: (b: Data) => b.data.map((c) => c.id), mustList: (fx, org) => [fx.seeds[org].channel!] },
  create: { name: 'channels.create', method: 'POST', path: '/channels', body: webChannel, registers: (b: { id: string }) => [b.id] },
  get: { name: 'channels.get', method: 'GET', path: '/channels/:id', resource: channelResource },
  update: { name: 'channels.update', method: 'PATCH', path: '/channels/:id', resource: channelResource, body: () => ({ name: 'patched' }) },
  remove: { name: 'channels.delete', method: 'DELETE', path: '/channels/:id', resource: channelResource },
  sessionUrl: { name: 'channels.session_url', method: 'POST', path: '/channels/:id/session-url', resource: channelResource },
} satisfies Record<string, Operation>;

export const channelRows: MatrixRow[] = [
  ...rowsFor(channelOps.list, { allowed: READERS, ok: 200 }),
  ...rowsFor(channelOps.create, { allowed: WRITERS, ok: 201 }),
  ...rowsFor(channelOps.get, { allowed: READERS, ok: 200 }),
  ...rowsFor(channelOps.update, { allowed: WRITERS, ok: 200 }),
  ...rowsFor(channelOps.remove, { allowed: WRITERS, ok: 204 }),
  ...rowsFor(channelOps.sessionUrl, { allowed: SESSION_RUNNERS, ok: 200 }),

  // Referencing the other org's agent or flow: 404 for writers (like a missing id), 403 for the rest.
  ...noted('foreign agent', rowsFor({ ...channelOps.create, body: (fx, org) => ({ ...webChannel(fx, org), agent_id: foreign('agent')(fx, org) }) }, { allowed: WRITERS, ok: 404 })),
  ...noted('foreign flow', rowsFor({ ...channelOps.create, body: (fx, org) => ({ ...webChannel(fx, org), agent_id: null, flow_id: foreign('flow')(fx, org) }) }, { allowed: WRITERS, ok: 404 })),
  ...noted('foreign agent', rowsFor({ ...channelOps.update, body: (fx, org) => ({ agent_id: foreign('agent')(fx, org) }) }, { allowed: WRITERS, ok: 404, targets: ['own'] })),
  ...noted('foreign flow', rowsFor({ ...channelOps.update, body: (fx, org) => ({ flow_id: foreign('flow')(fx, org) }) }, { allowed: WRITERS, ok: 404, targets: ['own'] })),
];
