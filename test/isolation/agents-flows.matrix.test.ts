import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/api.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { createMatrixFixtures, runMatrix, type MatrixFixtures } from './matrix.js';
import { agentFlowRows, agentResource, seedAgentsFlows } from './rows/agents-flows.js';

/** The isolation matrix for /agents and /flows, in its own worker (see matrix.ts; coverage.test.ts checks the rows cover every route). */
describe(`isolation matrix: agents and flows (${modeName})`, () => {
  let t: TestApp;
  let fx: MatrixFixtures;
  beforeAll(async () => {
    t = await createTestApp();
    fx = await createMatrixFixtures(t.app);
    await seedAgentsFlows(fx);
  });
  afterAll(async () => t?.close());

  runMatrix(agentFlowRows, () => fx);

  it('a refused cross-org flow_id left every agent of the caller on its own flow (or none)', async () => {
    for (const org of ['A', 'B'] as const) {
      const res = await call(t.app, { method: 'GET', url: '/agents?limit=200', token: fx.orgs[org].tokens.owner });
      const flows = res.json().data.map((a: { flow_id: string | null }) => a.flow_id).filter(Boolean);
      expect(flows.length).toBeGreaterThan(0);
      for (const flowId of flows) expect(fx.ids[org].has(flowId)).toBe(true);
    }
    expect(await agentResource.snapshot(fx, 'A', fx.seeds.A.agent!)).not.toBeNull();
  });
});
