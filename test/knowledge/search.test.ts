import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withOrg, withoutOrg } from '../../src/platform/db/with-org.js';
import { AppError } from '../../src/platform/errors.js';
import { processDocument } from '../../src/features/knowledge/ingest-job.js';
import { createEmbedder, EmbeddingError } from '../../src/features/knowledge/search/embeddings.js';
import { KnowledgeScopeError, searchKnowledge } from '../../src/features/knowledge/search/search.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { call, signup } from '../helpers/api.js';
import { expectError } from '../http/support.js';
import { FAKE_DIMS, startFakeEmbeddings, type FakeEmbeddings } from './fake-embeddings.js';
import { createAgent, getDoc, pasteText, search } from './support.js';

interface Org { id: string; token: string }

describe(`knowledge search isolation and retrieval (${modeName})`, () => {
  let t: TestApp;
  let a: Org;
  let b: Org;
  const newOrg = async (app: TestApp, name: string): Promise<Org> => {
    const s = await signup(app.app, name);
    return { id: s.organization.id, token: s.access_token };
  };
  const docIds = (res: { json(): { results: Array<{ document_id: string }> } }) => res.json().results.map((r) => r.document_id);

  beforeAll(async () => {
    t = await createTestApp();
    a = await newOrg(t, 'Search A');
    b = await newOrg(t, 'Search B');
  });
  afterAll(async () => t?.close());

  it("never returns another organization's chunks, even for words both orgs use", async () => {
    const onlyA = await pasteText(t.app, a.token, 'a-quokka.txt', 'Our quokka sanctuary opens at nine on weekdays.');
    const sharedA = await pasteText(t.app, a.token, 'a-shared.txt', 'The lighthouse tour departs from pier four.');
    const sharedB = await pasteText(t.app, b.token, 'b-shared.txt', 'The lighthouse gift shop sells postcards.');
    expect(docIds(await search(t.app, a.token, { query: 'quokka sanctuary' }))).toEqual([onlyA.id]);
    const fromB = await search(t.app, b.token, { query: 'quokka sanctuary' });
    expect(fromB.statusCode).toBe(200);
    expect(fromB.json().results).toEqual([]);
    expect(docIds(await search(t.app, a.token, { query: 'lighthouse' }))).toEqual([sharedA.id]);
    const bLight = await search(t.app, b.token, { query: 'lighthouse', top_k: 50 });
    expect(docIds(bLight)).toEqual([sharedB.id]);
    for (const id of [onlyA.id, sharedA.id]) expect(bLight.body).not.toContain(id);
  });

  it('lets an agent search only the documents assigned to it', async () => {
    const x = await createAgent(t.app, a.token, 'Agent X');
    const y = await createAgent(t.app, a.token, 'Agent Y');
    const idle = await createAgent(t.app, a.token, 'Agent with nothing');
    const marmalade = await pasteText(t.app, a.token, 'x.txt', 'Seville orange marmalade is made every January in the kitchen.');
    const tortellini = await pasteText(t.app, a.token, 'y.txt', 'Tortellini are folded by hand each morning in the kitchen.');
    for (const [agent, doc] of [[x, marmalade.id], [y, tortellini.id]] as const) {
      const res = await call(t.app, { method: 'POST', url: `/knowledge/agent/${agent}/assign/${doc}`, token: a.token });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ agent_id: agent, document_id: doc });
    }
    expect(docIds(await search(t.app, a.token, { query: 'marmalade', agent_id: x }))).toEqual([marmalade.id]);
    expect((await search(t.app, a.token, { query: 'tortellini', agent_id: x })).json().results).toEqual([]);
    expect(docIds(await search(t.app, a.token, { query: 'kitchen', agent_id: x, top_k: 50 }))).toEqual([marmalade.id]);
    expect(docIds(await search(t.app, a.token, { query: 'kitchen', agent_id: y, top_k: 50 }))).toEqual([tortellini.id]);
    expect((await search(t.app, a.token, { query: 'kitchen', agent_id: idle })).json().results).toEqual([]);
    expect(docIds(await search(t.app, a.token, { query: 'kitchen', top_k: 50 })).sort()).toEqual([marmalade.id, tortellini.id].sort());

    const listed = (await call(t.app, { method: 'GET', url: `/knowledge/agent/${x}`, token: a.token })).json().data;
    expect(listed.map((d: { id: string }) => d.id)).toEqual([marmalade.id]);
    expect(listed[0].assigned_at).toEqual(expect.any(String));

    expect((await call(t.app, { method: 'DELETE', url: `/knowledge/agent/${x}/assign/${marmalade.id}`, token: a.token })).statusCode).toBe(204);
    expect((await search(t.app, a.token, { query: 'marmalade', agent_id: x })).json().results).toEqual([]);
    expectError(await call(t.app, { method: 'DELETE', url: `/knowledge/agent/${x}/assign/${marmalade.id}`, token: a.token }), 404);

    // Another org's agent is not an agent here: the search is refused, not answered with an empty list.
    expectError(await search(t.app, b.token, { query: 'tortellini', agent_id: y }), 404);
    expectError(await call(t.app, { method: 'POST', url: `/knowledge/agent/${y}/assign/${marmalade.id}`, token: b.token }), 404);
    const bDoc = await pasteText(t.app, b.token, 'b.txt', 'Org B owns this text about tortellini.');
    expectError(await call(t.app, { method: 'POST', url: `/knowledge/agent/${y}/assign/${bDoc.id}`, token: a.token }), 404);
    const bAgent = await createAgent(t.app, b.token, 'B agent');
    expectError(await call(t.app, { method: 'POST', url: `/knowledge/agent/${bAgent}/assign/${tortellini.id}`, token: b.token }), 404);
    expect(docIds(await search(t.app, a.token, { query: 'tortellini', agent_id: y }))).toEqual([tortellini.id]);
  });

  it('throws for a missing or invalid organization instead of returning nothing', async () => {
    const deps = { db: t.deps.db, config: t.deps.config };
    const bad: unknown[] = [undefined, null, '', 'not-a-uuid', `${a.id}'; --`, 42];
    for (const orgId of bad) {
      await expect(searchKnowledge(deps, { orgId: orgId as string, query: 'lighthouse' })).rejects.toBeInstanceOf(KnowledgeScopeError);
    }
    await expect(searchKnowledge(deps, { orgId: randomUUID(), query: 'lighthouse' })).rejects.toBeInstanceOf(KnowledgeScopeError);
    await expect(searchKnowledge(deps, { orgId: a.id, agentId: 'nope', query: 'lighthouse' })).rejects.toBeInstanceOf(KnowledgeScopeError);
    const bAgent = await createAgent(t.app, b.token, 'B only');
    const foreign = searchKnowledge(deps, { orgId: a.id, agentId: bAgent, query: 'lighthouse' });
    await expect(foreign).rejects.toBeInstanceOf(AppError);
    await expect(foreign).rejects.toMatchObject({ code: 'not_found' });
    const fine = await searchKnowledge(deps, { orgId: a.id, query: 'lighthouse' });
    expect(fine.results.length).toBeGreaterThan(0);
  });

  it('the full-text door stays inside the transaction org (no context → error, another org → error)', async () => {
    const door = 'select chunk_id from app.knowledge_search_chunks($1, null, $2::tsquery, $2::tsquery, $2::tsquery, $2::tsquery, 50, 1000)';
    const own = await withOrg(t.deps.db, { orgId: a.id }, (tx) => tx.query<{ chunk_id: string }>(door, [a.id, `'lighthous'`]));
    expect(own.rows.length).toBeGreaterThan(0);
    await expect(withOrg(t.deps.db, { orgId: a.id }, (tx) => tx.query(door, [b.id, `'lighthous'`]))).rejects.toMatchObject({ sqlstate: '42501' });
    await expect(withoutOrg(t.deps.db, (q) => q(door, [a.id, `'lighthous'`]))).rejects.toMatchObject({ sqlstate: '42501' });
    // B's own search through the door never yields A's chunks.
    const fromB = await withOrg(t.deps.db, { orgId: b.id }, (tx) => tx.query<{ chunk_id: string }>(door, [b.id, `'lighthous'`]));
    expect(fromB.rows.some((r) => own.rows.some((o) => o.chunk_id === r.chunk_id))).toBe(false);
  });

  it('shapes passages for speech in voice mode', async () => {
    const doc = await pasteText(t.app, a.token, 'voice.md',
      '# Parking\n\nVisitors park in **garage B** (see https://example.com/map). Spaces on level 2 are free for two hours; ' +
      'after that the rate is three euros an hour. Long stays need a permit from reception. '.repeat(3));
    const text = (await search(t.app, a.token, { query: 'garage parking permit' })).json().results[0];
    const voice = (await search(t.app, a.token, { query: 'garage parking permit', voice_mode: true })).json().results[0];
    expect(voice.chunk_id).toBe(text.chunk_id);
    expect(voice.document_id).toBe(doc.id);
    expect(voice.text.length).toBeLessThanOrEqual(300);
    expect(voice.text).not.toMatch(/\*\*|https?:|#|example\.com/);
    expect(voice.text).toMatch(/garage B/);
    expect(voice.text).toMatch(/[.!?]$/);
  });

  it('validates query bodies strictly', async () => {
    expectError(await search(t.app, a.token, { query: '' }), 400);
    expectError(await search(t.app, a.token, { query: 'x', top_k: 0 }), 400);
    expectError(await search(t.app, a.token, { query: 'x', top_k: 51 }), 400);
    expectError(await search(t.app, a.token, { query: 'x', agent_id: 'nope' }), 400);
    expectError(await search(t.app, a.token, { query: 'x', extra: true }), 400);
    expectError(await search(t.app, a.token, { query: 'x', org_id: b.id }), 400);
    expect((await search(t.app, a.token, { query: 'the and of' })).json().results).toEqual([]);
  });

  describe('with an embedding provider (local fake /embeddings)', () => {
    let fake: FakeEmbeddings;
    let tv: TestApp;
    const KEY = 'sk-test-canary-4f1c9e';
    beforeAll(async () => {
      fake = await startFakeEmbeddings();
      tv = await createTestApp({ testDb: t.testDb, config: { embeddings: { url: `${fake.origin}/v1`, model: 'fake-trigram', apiKey: KEY } } });
    });
    afterAll(async () => {
      await tv?.close();
      await fake?.close();
    });

    it('embeds chunks at ingestion and fuses vector and full-text results (hybrid), within the org and agent', async () => {
      const va = await newOrg(tv, 'Vector A');
      const vb = await newOrg(tv, 'Vector B');
      const refunds = await pasteText(tv.app, va.token, 'refunds.txt', 'Refunds are paid back to the original card within five working days.');
      const other = await pasteText(tv.app, va.token, 'hours.txt', 'The help desk answers calls from eight until six.');
      await pasteText(tv.app, vb.token, 'b-refunds.txt', 'Refund requests in org B go through the billing portal.');
      expect(fake.state.inputsSeen).toBeGreaterThanOrEqual(3);
      const stored = await t.testDb.admin.transaction((q) => q<{ dims: number }>('select cardinality(embedding) as dims from app.knowledge_chunks where document_id = $1', [refunds.id]));
      expect(stored.rows[0]!.dims).toBe(FAKE_DIMS);

      // "refnds orignal crd" has no exact word in common with any document: only the vector side finds it.
      const typo = (await search(tv.app, va.token, { query: 'refnds orignal crd' })).json();
      expect(typo.mode).toBe('hybrid');
      expect(typo.results[0].document_id).toBe(refunds.id);
      const fromB = (await search(tv.app, vb.token, { query: 'refnds orignal crd', top_k: 50 })).json();
      expect(fromB.results.map((r: { document_id: string }) => r.document_id)).not.toContain(refunds.id);
      expect(JSON.stringify(fromB)).not.toContain(other.id);

      const agent = await createAgent(tv.app, va.token, 'Desk agent');
      await call(tv.app, { method: 'POST', url: `/knowledge/agent/${agent}/assign/${other.id}`, token: va.token });
      const scoped = (await search(tv.app, va.token, { query: 'refnds orignal crd', agent_id: agent, top_k: 50 })).json();
      expect(scoped.results.map((r: { document_id: string }) => r.document_id)).toEqual(scoped.results.map(() => other.id));
    });

    it('falls back to full-text when the provider fails at query time, and never echoes its body', async () => {
      const org = await newOrg(tv, 'Outage');
      const doc = await pasteText(tv.app, org.token, 'kiosk.txt', 'The ticket kiosk accepts coins and contactless cards.');
      fake.state.failWith = 500;
      try {
        const res = await search(tv.app, org.token, { query: 'ticket kiosk' });
        expect(res.statusCode).toBe(200);
        expect(res.json()).toMatchObject({ mode: 'fulltext', results: [{ document_id: doc.id }] });
        expect(res.body).not.toContain(KEY);

        // Ingestion during the outage: retried while attempts remain, then failed with the reason.
        const pending = await pasteText(tv.app, org.token, 'later.txt', 'Lost property is kept for thirty days.');
        expect(pending).toMatchObject({ status: 'queued', error: 'Retrying: The embedding provider answered HTTP 500' });
        const target = { orgId: org.id, documentId: pending.id, generation: 1 };
        expect(await processDocument(tv.deps, { ...target, finalAttempt: false })).toMatchObject({ kind: 'retry' });
        expect(await processDocument(tv.deps, { ...target, finalAttempt: true })).toMatchObject({ kind: 'failed' });
        const failed = await getDoc(tv.app, org.token, pending.id);
        expect(failed).toMatchObject({ status: 'failed', error: 'The embedding provider answered HTTP 500', chunk_count: 0 });
        expect(JSON.stringify(failed)).not.toContain(KEY);
      } finally {
        fake.state.failWith = null;
      }
    });

    it('the embedding client batches, orders by index, normalizes and reports errors without the body', async () => {
      const embedder = createEmbedder({ url: `${fake.origin}/v1/`, model: 'm', apiKey: KEY }, { batchSize: 2 })!;
      const before = fake.state.inputsSeen;
      const texts = ['alpha beta', 'gamma delta', 'alpha beta', 'epsilon'];
      const vectors = await embedder.embed(texts);
      expect(fake.state.inputsSeen - before).toBe(4);
      expect(fake.requests.filter((r) => r.url === '/v1/embeddings').at(-1)!.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(vectors).toHaveLength(4);
      expect(vectors[0]).toEqual(vectors[2]);
      expect(vectors[0]).not.toEqual(vectors[1]);
      for (const v of vectors) expect(Math.abs(Math.hypot(...v) - 1)).toBeLessThan(1e-9);
      expect(createEmbedder(undefined)).toBeNull();
      fake.state.failWith = 401;
      try {
        const err = await embedder.embed(['x']).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(EmbeddingError);
        expect((err as Error).message).toBe('The embedding provider answered HTTP 401');
      } finally {
        fake.state.failWith = null;
      }
      const missing = createEmbedder({ url: `${fake.origin}/nope`, model: 'm', apiKey: undefined })!;
      await expect(missing.embed(['x'])).rejects.toThrow('HTTP 404');
    });
  });
});
