/**
 * Matrix rows for /providers (API.md "AI and speech providers"). Roles as for channels: owners, admins
 * and admin API keys write providers and run their test call (it spends the org's credentials);
 * members and viewers read them; support agents do not see configuration (403). Providers here are
 * openai_compatible accounts on the fake model server (`fx.seeds[org].llm_url`), so the test call's
 * success path is a real request. Agents naming the other org's provider get the same 404 as a missing one.
 */
import { randomUUID } from 'node:crypto';
import { call } from '../../helpers/api.js';
import { otherOrg, rowsFor, type Caller, type MatrixFixtures, type MatrixRow, type Operation, type OrgName, type Resource } from '../matrix.js';
import { agentResource } from './agents-flows.js';

const READERS: readonly Caller[] = ['owner', 'admin', 'member', 'viewer', 'api_key', 'api_key_viewer'];
const WRITERS: readonly Caller[] = ['owner', 'admin', 'api_key'];

const providerBody = (fx: MatrixFixtures, org: OrgName) => ({
  name: `model ${randomUUID().slice(0, 4)}`,
  kind: 'openai_compatible',
  base_url: fx.seeds[org].llm_url!,
  credentials: { api_key: `sk-matrix-${org}-${randomUUID()}` },
  default_model: 'fake-model',
});

export const providerResource: Resource = {
  name: 'provider',
  create: async (fx, org) => {
    const res = await call(fx.app, { method: 'POST', url: '/providers', token: fx.orgs[org].tokens.owner, body: providerBody(fx, org) });
    if (res.statusCode !== 201) throw new Error(`create provider: ${res.statusCode} ${res.body}`);
    fx.ids[org].add(res.json().id);
    return res.json().id as string;
  },
  snapshot: async (fx, org, id) => {
    const res = await call(fx.app, { method: 'GET', url: `/providers/${id}`, token: fx.orgs[org].tokens.owner });
    if (res.statusCode === 404) return null;
    if (res.statusCode !== 200) throw new Error(`snapshot provider: ${res.statusCode} ${res.body}`);
    return res.json();
  },
};

/** One provider per org that lists must show, and the fake server's URL. Call after createMatrixFixtures. */
export async function seedProviders(fx: MatrixFixtures, llmUrl: string): Promise<void> {
  for (const org of ['A', 'B'] as const) {
    fx.seeds[org].llm_url = llmUrl;
    fx.seeds[org].provider = await providerResource.create(fx, org);
  }
}

type Data = { data: Array<{ id: string }> };
const foreignProvider = (fx: MatrixFixtures, org: OrgName) => fx.seeds[otherOrg(org)].provider!;
const noted = (note: string, rows: MatrixRow[]): MatrixRow[] => rows.map((r) => ({ ...r, note }));

export const providerOps = {
  list: { name: 'providers.list', method: 'GET', path: '/providers?limit=200', listIds: (b: Data) => b.data.map((p) => p.id), mustList: (fx, org) => [fx.seeds[org].provider!] },
  create: { name: 'providers.create', method: 'POST', path: '/providers', body: providerBody, registers: (b: { id: string }) => [b.id] },
  get: { name: 'providers.get', method: 'GET', path: '/providers/:id', resource: providerResource },
  update: { name: 'providers.update', method: 'PATCH', path: '/providers/:id', resource: providerResource, body: () => ({ name: 'patched', default_model: 'other' }) },
  remove: { name: 'providers.delete', method: 'DELETE', path: '/providers/:id', resource: providerResource },
  test: { name: 'providers.test', method: 'POST', path: '/providers/:id/test', resource: providerResource },
  agentCreateForeign: {
    name: 'agents.create', label: 'llm_provider_id of other org', method: 'POST', path: '/agents',
    body: (fx, org) => ({ name: 'sneaky', llm_provider_id: foreignProvider(fx, org) }),
  },
  agentCreateForeignSpeech: {
    name: 'agents.create', label: 'tts.provider_id of other org', method: 'POST', path: '/agents',
    body: (fx, org) => ({ name: 'sneaky', tts: { provider_id: foreignProvider(fx, org) } }),
  },
  agentCreateForeignStt: {
    name: 'agents.create', label: 'stt.provider_id of other org', method: 'POST', path: '/agents',
    body: (fx, org) => ({ name: 'sneaky', stt: { provider_id: foreignProvider(fx, org), model: null } }),
  },
  agentUpdateForeignSpeech: {
    name: 'agents.update', label: 'stt and tts provider of other org', method: 'PATCH', path: '/agents/:id', resource: agentResource,
    body: (fx, org) => ({ stt: { provider_id: foreignProvider(fx, org) }, tts: { provider_id: foreignProvider(fx, org) } }),
  },
  agentCreateOwn: {
    name: 'agents.create', label: 'llm_provider_id of own org', method: 'POST', path: '/agents',
    body: (fx, org) => ({ name: 'linked', llm_provider_id: fx.seeds[org].provider! }), registers: (b: { id: string }) => [b.id],
  },
  agentUpdateForeign: {
    name: 'agents.update', label: 'llm_provider_id of other org', method: 'PATCH', path: '/agents/:id', resource: agentResource,
    body: (fx, org) => ({ llm_provider_id: foreignProvider(fx, org) }),
  },
} satisfies Record<string, Operation>;

export const providerRows: MatrixRow[] = [
  ...rowsFor(providerOps.list, { allowed: READERS, ok: 200 }),
  ...rowsFor(providerOps.create, { allowed: WRITERS, ok: 201 }),
  ...rowsFor(providerOps.get, { allowed: READERS, ok: 200 }),
  ...rowsFor(providerOps.update, { allowed: WRITERS, ok: 200 }),
  ...rowsFor(providerOps.remove, { allowed: WRITERS, ok: 204 }),
  ...rowsFor(providerOps.test, { allowed: WRITERS, ok: 200 }),
  ...noted('foreign provider', rowsFor(providerOps.agentCreateForeign, { allowed: WRITERS, ok: 404 })),
  ...noted('foreign provider', rowsFor(providerOps.agentCreateForeignSpeech, { allowed: WRITERS, ok: 404 })),
  ...noted('foreign provider', rowsFor(providerOps.agentCreateForeignStt, { allowed: WRITERS, ok: 404 })),
  ...noted('foreign provider', rowsFor(providerOps.agentUpdateForeignSpeech, { allowed: WRITERS, ok: 404, targets: ['own'] })),
  ...rowsFor(providerOps.agentCreateOwn, { allowed: WRITERS, ok: 201 }),
  ...noted('foreign provider', rowsFor(providerOps.agentUpdateForeign, { allowed: WRITERS, ok: 404, targets: ['own'] })),
];
