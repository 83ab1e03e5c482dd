import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { createMatrixFixtures, rowName, runMatrix, type MatrixFixtures, type MatrixRow } from './matrix.js';
import { foundationRows, seedFoundation } from './rows/foundation.js';

/** Every feature's rows. A new feature adds its exported array here (see README.md). */
const ROWS: MatrixRow[] = [...foundationRows];

describe(`isolation matrix (${modeName})`, () => {
  let t: TestApp;
  let fx: MatrixFixtures;
  beforeAll(async () => {
    t = await createTestApp();
    fx = await createMatrixFixtures(t.app);
    await seedFoundation(fx);
  });
  afterAll(async () => t?.close());

  it('has no duplicate rows and covers both orgs as caller and target', () => {
    const names = ROWS.map(rowName);
    expect(new Set(names).size).toBe(names.length);
    expect(ROWS.some((r) => r.org === 'B' && r.target === 'other_org')).toBe(true);
    expect(ROWS.some((r) => r.org === 'A' && r.target === 'other_org')).toBe(true);
  });

  runMatrix(ROWS, () => fx);
});
