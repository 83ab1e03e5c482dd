import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { createMatrixFixtures, rowName, runMatrix, type MatrixFixtures } from './matrix.js';
import { recordingRows, seedRecordings } from './rows/recordings.js';

/** The isolation matrix for call recordings, in its own worker (see matrix.ts). */
describe(`isolation matrix: call recordings (${modeName})`, () => {
  let t: TestApp;
  let fx: MatrixFixtures;
  beforeAll(async () => {
    t = await createTestApp();
    fx = await createMatrixFixtures(t.app);
    await seedRecordings(fx, t.deps);
  });
  afterAll(async () => t?.close());

  it('covers both routes, both orgs as caller and target, with no duplicate rows', () => {
    const names = recordingRows.map(rowName);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(recordingRows.map((r) => r.op.name)).size).toBe(2);
    for (const org of ['A', 'B'] as const) expect(recordingRows.some((r) => r.org === org && r.target === 'other_org')).toBe(true);
  });

  runMatrix(recordingRows, () => fx);
});
