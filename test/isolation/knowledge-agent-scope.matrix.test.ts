import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { call } from '../helpers/api.js';
import { startFakeEmbeddings, type FakeEmbeddings } from '../knowledge/fake-embeddings.js';
import { createMatrixFixtures, runMatrix, type MatrixFixtures } from './matrix.js';
import { agentScopeFullTextRows, agentScopeVectorRows, SCOPE_TYPO, seedAgentScope } from './rows/knowledge-agent-scope.js';

/** Agent-scoped retrieval on both search paths (rows/knowledge-agent-scope.ts), each with its own app and orgs. */
describe(`isolation matrix: agent-scoped retrieval, full-text path (${modeName})`, () => {
  let t: TestApp;
  let fx: MatrixFixtures;
  beforeAll(async () => {
    t = await createTestApp();
    fx = await createMatrixFixtures(t.app);
    await seedAgentScope(fx);
  });
  afterAll(async () => t?.close());

  runMatrix(agentScopeFullTextRows, () => fx);
});

describe(`isolation matrix: agent-scoped retrieval, vector path (${modeName})`, () => {
  let t: TestApp;
  let fx: MatrixFixtures;
  let fake: FakeEmbeddings;
  beforeAll(async () => {
    fake = await startFakeEmbeddings();
    t = await createTestApp({ config: { embeddings: { url: `${fake.origin}/v1`, model: 'fake-trigram', apiKey: undefined } } });
    fx = await createMatrixFixtures(t.app);
    await seedAgentScope(fx);
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('the vector rows depend on the vector path: full-text alone finds nothing for their query', async () => {
    const fulltextOnly = await createTestApp({ testDb: t.testDb, keyring: t.keyring });
    try {
      const res = await call(fulltextOnly.app, { method: 'POST', url: '/knowledge/query', token: fx.orgs.A.tokens.owner, body: { query: SCOPE_TYPO, top_k: 50, agent_id: fx.seeds.A.scopeAgentX } });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ mode: 'fulltext', results: [] });
    } finally {
      await fulltextOnly.close();
    }
    expect(fake.state.inputsSeen).toBeGreaterThanOrEqual(4); // the four seed documents were embedded
  });

  runMatrix(agentScopeVectorRows, () => fx);
});
