/**
 * Matrix rows for /campaigns and their contacts (API.md "Campaigns"). Campaigns are configuration:
 * every role but support agents reads them (config:read); owners, admins and admin API keys create,
 * change, start, pause, resume, cancel and delete them and their contacts (config:write).
 *
 * Contact routes name two ids: the contact is the target while the campaign in the path is the caller's
 * own seed (path getters read the seeds when the row runs), so another org's contact answers exactly like
 * a missing one; another org's campaign is the target of every campaign-level route (contacts list and
 * add included). The multipart import is run by hand in campaigns.matrix.test.ts.
 */
import { call } from '../../helpers/api.js';
import { rowsFor, type Caller, type MatrixFixtures, type MatrixRow, type Operation, type OrgName, type Resource } from '../matrix.js';

export const READERS: readonly Caller[] = ['owner', 'admin', 'member', 'viewer', 'api_key', 'api_key_viewer'];
export const WRITERS: readonly Caller[] = ['owner', 'admin', 'api_key'];
const ORGS = ['A', 'B'] as const;

/** Set by the test file before rows run. */
export const campaignEnv: { fx: MatrixFixtures | undefined } = { fx: undefined };
const seed = (org: OrgName, key: string) => campaignEnv.fx?.seeds[org][key] ?? `{seed ${key}}`;

let next = 0;
/** A fresh valid number per contact (Indian mobile range), never the same in both orgs. */
const freshPhone = () => `+9199${String(10_000_000 + next++).padStart(8, '0')}`;

async function owner(fx: MatrixFixtures, org: OrgName, method: 'GET' | 'POST', url: string, body?: unknown) {
  const res = await call(fx.app, { method, url, token: fx.orgs[org].tokens.owner, ...(body === undefined ? {} : { body }) });
  if (method === 'GET') return res.statusCode === 404 ? null : res.json();
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

const campaignBody = (org: OrgName) => ({
  name: `Matrix ${org}`, agent_id: seed(org, 'agent'), channel_id: seed(org, 'channel'), timezone: 'UTC',
  calling_window: { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' },
});

/** A campaign in `org`, moved through `steps` (with a contact first when it must start). */
const campaignIn = (name: string, steps: readonly string[], withContact = steps.length > 0): Resource => ({
  name,
  create: async (fx, org) => {
    const c = await owner(fx, org, 'POST', '/campaigns', campaignBody(org));
    fx.ids[org].add(c.id);
    if (withContact) {
      const r = await owner(fx, org, 'POST', `/campaigns/${c.id}/contacts`, [{ phone: freshPhone() }]);
      if (r.imported !== 1) throw new Error('seed contact not imported');
    }
    for (const s of steps) await owner(fx, org, 'POST', `/campaigns/${c.id}/${s}`);
    return c.id as string;
  },
  snapshot: (fx, org, id) => owner(fx, org, 'GET', `/campaigns/${id}`),
});

const draft = campaignIn('campaign', []);
const withContact = campaignIn('campaign with a contact', [], true);
const running = campaignIn('running campaign', ['start']);
const paused = campaignIn('paused campaign', ['start', 'pause']);

/** A contact of the org's seed campaign. */
const contactResource: Resource = {
  name: 'contact',
  create: async (fx, org) => {
    const phone = freshPhone();
    await owner(fx, org, 'POST', `/campaigns/${seed(org, 'campaign')}/contacts`, [{ phone }]);
    const list = await owner(fx, org, 'GET', `/campaigns/${seed(org, 'campaign')}/contacts?limit=200`);
    const id = (list.data as Array<{ id: string; phone: string }>).find((c) => c.phone === phone)!.id;
    fx.ids[org].add(id);
    return id;
  },
  snapshot: (fx, org, id) => owner(fx, org, 'GET', `/campaigns/${seed(org, 'campaign')}/contacts/${id}`),
};

/** One agent, one voice channel (at the provider simulator) and one campaign per org. */
export async function seedCampaigns(fx: MatrixFixtures, channelBody: Record<string, unknown>): Promise<void> {
  campaignEnv.fx = fx;
  for (const org of ORGS) {
    const agent = await owner(fx, org, 'POST', '/agents', { name: 'Matrix caller' });
    const channel = await owner(fx, org, 'POST', '/channels', { ...channelBody, agent_id: agent.id });
    fx.seeds[org].agent = agent.id;
    fx.seeds[org].channel = channel.id;
    for (const id of [agent.id, channel.id]) fx.ids[org].add(id);
    fx.seeds[org].campaign = await draft.create(fx, org);
  }
}

const ids = (b: { data: Array<{ id: string }> }) => b.data.map((x) => x.id);

const ops = {
  list: { name: 'campaigns.list', method: 'GET', path: '/campaigns?limit=200', listIds: ids, mustList: (fx, org) => [fx.seeds[org].campaign!] },
  create: { name: 'campaigns.create', method: 'POST', path: '/campaigns', body: (_fx, org) => campaignBody(org), registers: (b: { id: string }) => [b.id] },
  get: { name: 'campaigns.get', method: 'GET', path: '/campaigns/:id', resource: draft },
  update: { name: 'campaigns.update', method: 'PATCH', path: '/campaigns/:id', resource: draft, body: () => ({ name: 'Renamed', max_concurrency: 2 }) },
  remove: { name: 'campaigns.delete', method: 'DELETE', path: '/campaigns/:id', resource: draft },
  start: { name: 'campaigns.start', method: 'POST', path: '/campaigns/:id/start', resource: withContact },
  pause: { name: 'campaigns.pause', method: 'POST', path: '/campaigns/:id/pause', resource: running },
  resume: { name: 'campaigns.resume', method: 'POST', path: '/campaigns/:id/resume', resource: paused },
  cancel: { name: 'campaigns.cancel', method: 'POST', path: '/campaigns/:id/cancel', resource: running },
  stats: { name: 'campaigns.stats', method: 'GET', path: '/campaigns/:id/stats', resource: withContact },
  export: { name: 'campaigns.export', method: 'GET', path: '/campaigns/:id/export', resource: withContact },
  addContacts: { name: 'campaigns.contacts.add', method: 'POST', path: '/campaigns/:id/contacts', resource: draft, body: () => [{ phone: freshPhone() }] },
  listContacts: { name: 'campaigns.contacts.list', method: 'GET', path: '/campaigns/:id/contacts', resource: draft, listIds: ids },
} satisfies Record<string, Operation>;

const perOrg = (org: OrgName) =>
  ({
    getContact: { name: 'campaigns.contacts.get', method: 'GET', get path() { return `/campaigns/${seed(org, 'campaign')}/contacts/:id`; }, resource: contactResource },
    patchContact: { name: 'campaigns.contacts.update', method: 'PATCH', get path() { return `/campaigns/${seed(org, 'campaign')}/contacts/:id`; }, resource: contactResource, body: () => ({ name: 'Changed' }) },
    deleteContact: { name: 'campaigns.contacts.delete', method: 'DELETE', get path() { return `/campaigns/${seed(org, 'campaign')}/contacts/:id`; }, resource: contactResource },
  }) satisfies Record<string, Operation>;

export const campaignRows: MatrixRow[] = [
  ...rowsFor(ops.list, { allowed: READERS, ok: 200 }),
  ...rowsFor(ops.create, { allowed: WRITERS, ok: 201 }),
  ...rowsFor(ops.get, { allowed: READERS, ok: 200 }),
  ...rowsFor(ops.update, { allowed: WRITERS, ok: 200 }),
  ...rowsFor(ops.remove, { allowed: WRITERS, ok: 204 }),
  ...rowsFor(ops.start, { allowed: WRITERS, ok: 200 }),
  ...rowsFor(ops.pause, { allowed: WRITERS, ok: 200 }),
  ...rowsFor(ops.resume, { allowed: WRITERS, ok: 200 }),
  ...rowsFor(ops.cancel, { allowed: WRITERS, ok: 200 }),
  ...rowsFor(ops.stats, { allowed: READERS, ok: 200 }),
  ...rowsFor(ops.export, { allowed: READERS, ok: 200 }),
  ...rowsFor(ops.addContacts, { allowed: WRITERS, ok: 201 }),
  ...rowsFor(ops.listContacts, { allowed: READERS, ok: 200 }),
  ...ORGS.flatMap((org) => {
    const o = perOrg(org);
    return [
      ...rowsFor(o.getContact, { allowed: READERS, ok: 200, orgs: [org] }),
      ...rowsFor(o.patchContact, { allowed: WRITERS, ok: 200, orgs: [org] }),
      ...rowsFor(o.deleteContact, { allowed: WRITERS, ok: 204, orgs: [org] }),
    ];
  }),
];
