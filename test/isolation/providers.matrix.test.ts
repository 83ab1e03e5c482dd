import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/api.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { startFakeLlm, type FakeLlm } from '../fakes/llm-server/index.js';
import { createMatrixFixtures, rowName, runMatrix, type MatrixFixtures } from './matrix.js';
import { providerRows, seedProviders } from './rows/providers.js';

/** The isolation matrix for /providers and the agent fields that name providers, in its own worker. */
describe(`isolation matrix: providers (${modeName})`, () => {
  let t: TestApp;
  let llm: FakeLlm;
  let fx: MatrixFixtures;
  beforeAll(async () => {
    llm = await startFakeLlm({ zeroLatency: true });
    t = await createTestApp({ config: { allowPrivateNetwork: true } });
    fx = await createMatrixFixtures(t.app);
    await seedProviders(fx, llm.urls.openai);
  });
  afterAll(async () => {
    await t?.close();
    await llm?.close();
  });

  it('covers all 6 /providers routes, both orgs as caller and target, with no duplicate rows', () => {
    const names = providerRows.map(rowName);
    expect(new Set(names).size).toBe(names.length);
    const routes = new Set(providerRows.filter((r) => r.op.path.startsWith('/providers')).map((r) => `${r.op.method} ${r.op.path.replace(/\?.*/, '')}`));
    expect(routes.size).toBe(6);
    for (const org of ['A', 'B'] as const) expect(providerRows.some((r) => r.org === org && r.target === 'other_org')).toBe(true);
  });

  runMatrix(providerRows, () => fx);

  it('the test calls reached the fake only with the caller org\'s own keys', () => {
    const keys = llm.requests.map((r) => r.apiKey ?? '');
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).toMatch(/^sk-matrix-[AB]-/);
  });

  it('every agent of each org names only its own org\'s providers', async () => {
    for (const org of ['A', 'B'] as const) {
      const res = await call(t.app, { method: 'GET', url: '/agents?limit=200', token: fx.orgs[org].tokens.owner });
      const named = res.json().data.flatMap((a: { llm_provider_id: string | null; stt: { provider_id: string | null }; tts: { provider_id: string | null } }) =>
        [a.llm_provider_id, a.stt.provider_id, a.tts.provider_id]).filter(Boolean);
      expect(named.length).toBeGreaterThan(0);
      for (const id of named) expect(fx.ids[org].has(id)).toBe(true);
    }
  });
});
