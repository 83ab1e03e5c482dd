/**
 * Retrieval quality on the labelled set in test/fixtures/knowledge/qa: recall@5, MRR and document
 * recall@5 for full-text search, and for vector and hybrid search when an embedding provider is
 * configured (CONVERSE_EMBEDDINGS_URL / _MODEL / _API_KEY).
 *
 *   npx tsx bench/knowledge-quality.ts                       # PGlite
 *   BENCH_MODES=pglite,postgres npx tsx bench/knowledge-quality.ts
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withOrg } from '../src/platform/db/with-org.js';
import { processDocument } from '../src/features/knowledge/ingest-job.js';
import * as repo from '../src/features/knowledge/repo.js';
import { createEmbedder, type Embedder } from '../src/features/knowledge/search/embeddings.js';
import { vectorCandidates, chunkDetails } from '../src/features/knowledge/search/repo.js';
import { searchKnowledge } from '../src/features/knowledge/search/search.js';
import { benchDeps, createOrgs, modesFromEnv, newId, openKbDb, type KbMode } from './knowledge-db.js';

const QA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test/fixtures/knowledge/qa');

interface Question { q: string; doc: string; answer: string }
interface Hit { document_id: string; text: string }
type Retriever = (query: string) => Promise<Hit[]>;

export interface QualityRow { mode: KbMode; retriever: string; questions: number; recallAt5: number; mrr: number; docRecallAt5: number; chunks: number }

function score(questions: Question[], docIds: Map<string, string>, results: Hit[][]): Omit<QualityRow, 'mode' | 'retriever' | 'chunks'> {
  let hits = 0, rr = 0, docHits = 0;
  questions.forEach((question, i) => {
    const list = results[i]!;
    const rank = list.findIndex((h) => h.text.includes(question.answer));
    if (rank >= 0 && rank < 5) hits++;
    if (rank >= 0 && rank < 10) rr += 1 / (rank + 1);
    if (list.slice(0, 5).some((h) => h.document_id === docIds.get(question.doc))) docHits++;
  });
  const n = questions.length;
  return { questions: n, recallAt5: hits / n, mrr: rr / n, docRecallAt5: docHits / n };
}

export async function runQuality(mode: KbMode): Promise<QualityRow[]> {
  const kb = await openKbDb(mode);
  try {
    const deps = benchDeps(kb.db);
    const [orgId] = await createOrgs(kb.admin, 1);
    const files = (await readdir(path.join(QA_DIR, 'docs'))).filter((f) => f.endsWith('.md')).sort();
    const docIds = new Map<string, string>();
    for (const file of files) {
      const bytes = await readFile(path.join(QA_DIR, 'docs', file));
      const doc = await withOrg(kb.db, { orgId: orgId! }, async (tx) => {
        const row = await repo.insertDocument(tx, {
          id: newId(), name: file, source: 'upload', sourceUrl: null, filename: file, mimeType: 'text/markdown',
          contentType: 'markdown', sizeBytes: bytes.length, languageHint: 'en', createdBy: null,
        });
        await repo.insertBlob(tx, row.id, bytes);
        return row;
      });
      const outcome = await processDocument(deps, { orgId: orgId!, documentId: doc.id, generation: 1, finalAttempt: true });
      if (outcome.kind !== 'ready') throw new Error(`${file}: ${JSON.stringify(outcome)}`);
      docIds.set(file, doc.id);
    }
    const chunks = await kb.admin.transaction((q) => q<{ n: number }>('select count(*)::int as n from app.knowledge_chunks where org_id = $1', [orgId])).then((r) => r.rows[0]!.n);
    const questions = JSON.parse(await readFile(path.join(QA_DIR, 'questions.json'), 'utf8')) as Question[];

    const retrievers: Array<[string, Retriever]> = [
      ['full-text', async (query) => (await searchKnowledge({ db: kb.db, config: deps.config, embedder: null }, { orgId: orgId!, query, topK: 10 })).results],
    ];
    const embedder: Embedder | null = createEmbedder(deps.config.embeddings);
    if (embedder) {
      retrievers.push(['vector', async (query) => {
        const [v] = await embedder.embed([query]);
        return withOrg(kb.db, { orgId: orgId! }, async (tx) => {
          const ranked = await vectorCandidates(tx, null, { embedding: v!, model: embedder.model, usePgvector: false }, 10);
          const details = new Map((await chunkDetails(tx, ranked.map((c) => c.chunk_id))).map((d) => [d.chunk_id, d]));
          return ranked.map((c) => details.get(c.chunk_id)!);
        });
      }]);
      retrievers.push(['hybrid (RRF)', async (query) => (await searchKnowledge({ db: kb.db, config: deps.config, embedder }, { orgId: orgId!, query, topK: 10 })).results]);
    }
    const rows: QualityRow[] = [];
    for (const [name, retrieve] of retrievers) {
      const results: Hit[][] = [];
      for (const question of questions) results.push(await retrieve(question.q));
      rows.push({ mode, retriever: name, chunks, ...score(questions, docIds, results) });
      if (process.env.BENCH_VERBOSE) {
        questions.forEach((question, i) => {
          const rank = results[i]!.findIndex((h) => h.text.includes(question.answer));
          if (rank !== 0) process.stderr.write(`[${name}] rank ${rank < 0 ? '-' : rank + 1}: ${question.q}\n`);
        });
      }
    }
    return rows;
  } finally {
    await kb.close();
  }
}

async function main(): Promise<void> {
  const rows: QualityRow[] = [];
  for (const mode of modesFromEnv(['pglite'])) rows.push(...(await runQuality(mode)));
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  process.stdout.write('| storage | retriever | questions | chunks | recall@5 | MRR | doc recall@5 |\n|---|---|---|---|---|---|---|\n');
  for (const r of rows) process.stdout.write(`| ${r.mode} | ${r.retriever} | ${r.questions} | ${r.chunks} | ${pct(r.recallAt5)} | ${r.mrr.toFixed(3)} | ${pct(r.docRecallAt5)} |\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
