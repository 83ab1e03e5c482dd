import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { createMatrixFixtures, rowName, runMatrix, type MatrixFixtures } from './matrix.js';
import { seedVoice, voiceRows } from './rows/voice.js';

/** The isolation matrix for POST /calls (dial now), in its own worker (see matrix.ts). */
describe(`isolation matrix: dialing calls (${modeName})`, () => {
  let t: TestApp;
  let fx: MatrixFixtures;
  beforeAll(async () => {
    t = await createTestApp();
    fx = await createMatrixFixtures(t.app);
    await seedVoice(fx);
  });
  afterAll(async () => t?.close());

  it('has rows for both orgs as caller, with no duplicates', () => {
    const names = voiceRows.map(rowName);
    expect(new Set(names).size).toBe(names.length);
    for (const org of ['A', 'B'] as const) expect(voiceRows.some((r) => r.org === org)).toBe(true);
  });

  runMatrix(voiceRows, () => fx);
});
