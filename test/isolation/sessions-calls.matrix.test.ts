import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { createMatrixFixtures, rowName, runMatrix, type MatrixFixtures } from './matrix.js';
import { seedSessionsCalls, sessionCallRows } from './rows/sessions-calls.js';

/** The isolation matrix for /sessions and /calls, in its own worker (see matrix.ts). */
describe(`isolation matrix: sessions and calls (${modeName})`, () => {
  let t: TestApp;
  let fx: MatrixFixtures;
  beforeAll(async () => {
    t = await createTestApp();
    fx = await createMatrixFixtures(t.app);
    await seedSessionsCalls(fx);
  });
  afterAll(async () => t?.close());

  it('covers all 8 routes, both orgs as caller and target, with no duplicate rows', () => {
    const names = sessionCallRows.map(rowName);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(sessionCallRows.map((r) => r.op.name)).size).toBe(8);
    for (const org of ['A', 'B'] as const) expect(sessionCallRows.some((r) => r.org === org && r.target === 'other_org')).toBe(true);
  });

  runMatrix(sessionCallRows, () => fx);
});
