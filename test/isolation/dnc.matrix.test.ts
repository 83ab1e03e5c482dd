import { afterAll, beforeAll, describe } from 'vitest';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { createMatrixFixtures, runMatrix, type MatrixFixtures } from './matrix.js';
import { dncRows, seedDnc } from './rows/dnc.js';

/** The isolation matrix for /dnc, in its own worker (see matrix.ts; coverage.test.ts checks the rows cover every route). */
describe(`isolation matrix: dnc (${modeName})`, () => {
  let t: TestApp;
  let fx: MatrixFixtures;
  beforeAll(async () => {
    t = await createTestApp();
    fx = await createMatrixFixtures(t.app);
    await seedDnc(fx);
  });
  afterAll(async () => t?.close());

  runMatrix(dncRows, () => fx);
});
