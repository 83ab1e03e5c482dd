import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { createMatrixFixtures, rowName, runMatrix, type MatrixFixtures } from './matrix.js';
import { escalationRows, seedEscalations } from './rows/escalations.js';

/** The isolation matrix for /escalations, in its own worker (see matrix.ts). */
describe(`isolation matrix: escalations (${modeName})`, () => {
  let t: TestApp;
  let fx: MatrixFixtures;
  beforeAll(async () => {
    t = await createTestApp();
    fx = await createMatrixFixtures(t.app);
    await seedEscalations(fx);
  });
  afterAll(async () => t?.close());

  it('covers all 7 routes, both orgs as caller and target, with no duplicate rows', () => {
    const names = escalationRows.map(rowName);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(escalationRows.map((r) => r.op.name)).size).toBe(7);
    for (const org of ['A', 'B'] as const) expect(escalationRows.some((r) => r.org === org && r.target === 'other_org')).toBe(true);
  });

  runMatrix(escalationRows, () => fx);
});
