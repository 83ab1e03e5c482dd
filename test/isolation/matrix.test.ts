import { afterAll, beforeAll, describe } from 'vitest';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { createMatrixFixtures, runMatrix, type MatrixFixtures } from './matrix.js';
import { foundationRows, seedFoundation } from './rows/foundation.js';

/** The foundation's rows (organization, team, API keys, audit); features run theirs from their own *.matrix.test.ts. */
describe(`isolation matrix (${modeName})`, () => {
  let t: TestApp;
  let fx: MatrixFixtures;
  beforeAll(async () => {
    t = await createTestApp();
    fx = await createMatrixFixtures(t.app);
    await seedFoundation(fx);
  });
  afterAll(async () => t?.close());

  runMatrix(foundationRows, () => fx);
});
