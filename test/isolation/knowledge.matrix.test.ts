/**
 * The isolation matrix for /knowledge (rows in rows/knowledge.ts), in its own worker, plus the multipart
 * upload, which does not fit the JSON runner.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { upload } from '../knowledge/support.js';
import { CALLERS, createMatrixFixtures, otherOrg, runMatrix, tokenFor, type MatrixFixtures } from './matrix.js';
import { knowledgeRows, ORGS, seedKnowledge, SHARED_WORD, WRITERS } from './rows/knowledge.js';

describe(`knowledge isolation matrix (${modeName})`, () => {
  let t: TestApp;
  let fixtures: MatrixFixtures;
  beforeAll(async () => {
    t = await createTestApp({ config: { allowPrivateNetwork: true } });
    fixtures = await createMatrixFixtures(t.app);
    await seedKnowledge(fixtures);
  });
  afterAll(async () => t?.close());

  runMatrix(knowledgeRows, () => fixtures);

  // Multipart uploads do not fit the JSON runner: the same role table, by hand.
  for (const org of ORGS) {
    for (const caller of CALLERS) {
      const allowed = WRITERS.includes(caller);
      it(`${org}:${caller} POST /knowledge/upload → ${allowed ? 202 : 403}`, async () => {
        const res = await upload(fixtures.app, tokenFor(fixtures, org, caller), { bytes: `${SHARED_WORD} uploaded by ${caller}`, filename: 'up.txt', mime: 'text/plain' });
        expect(res.statusCode, res.body).toBe(allowed ? 202 : 403);
        if (allowed) fixtures.ids[org].add(res.json().id);
        for (const foreign of fixtures.ids[otherOrg(org)]) expect(res.body.includes(foreign)).toBe(false);
      });
    }
  }
});
