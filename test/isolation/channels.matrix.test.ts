import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/api.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { createMatrixFixtures, runMatrix, type MatrixFixtures } from './matrix.js';
import { channelResource, channelRows, seedChannels } from './rows/channels.js';

/** The isolation matrix for /channels, in its own worker (see matrix.ts; coverage.test.ts checks the rows cover every route). */
describe(`isolation matrix: channels (${modeName})`, () => {
  let t: TestApp;
  let fx: MatrixFixtures;
  beforeAll(async () => {
    t = await createTestApp();
    fx = await createMatrixFixtures(t.app);
    await seedChannels(fx);
  });
  afterAll(async () => t?.close());

  runMatrix(channelRows, () => fx);

  it('refused cross-org references left every channel of each org routed inside its own org', async () => {
    for (const org of ['A', 'B'] as const) {
      const res = await call(t.app, { method: 'GET', url: '/channels?limit=200', token: fx.orgs[org].tokens.owner });
      const targets = res.json().data.flatMap((c: { agent_id: string | null; flow_id: string | null }) => [c.agent_id, c.flow_id]).filter(Boolean);
      expect(targets.length).toBeGreaterThan(0);
      for (const id of targets) expect(fx.ids[org].has(id)).toBe(true);
    }
    expect(await channelResource.snapshot(fx, 'A', fx.seeds.A.channel!)).not.toBeNull();
  });
});
