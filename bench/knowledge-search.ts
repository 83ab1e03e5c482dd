/**
 * Knowledge benchmark: ingestion throughput (pages per second through the real pipeline: extraction in
 * the sandboxed worker, chunking, one-transaction write) and full-text query latency through
 * searchKnowledge (a real withOrg transaction as the app role, org check, query build, ranked search,
 * chunk details) at two shapes:
 *   - many:  KB_ORGS organizations × KB_CHUNKS_PER_ORG chunks (default 1,000 × 1,000 on PostgreSQL);
 *   - big:   one organization with KB_BIG_CHUNKS chunks (default 200,000).
 *
 *   npx tsx bench/knowledge-search.ts                                 # PostgreSQL (converse_bench_kb)
 *   BENCH_MODES=pglite KB_ORGS=100 npx tsx bench/knowledge-search.ts  # PGlite, smaller
 *
 * Env: BENCH_MODES (postgres), KB_ORGS (1000), KB_CHUNKS_PER_ORG (1000), KB_BIG_CHUNKS (200000),
 * KB_QUERIES (400 per shape), KB_PDF_PAGES (30), KB_SKIP (comma list: ingest, many, big).
 */
import os from 'node:os';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { withOrg } from '../src/platform/db/with-org.js';
import { processDocument } from '../src/features/knowledge/ingest-job.js';
import * as repo from '../src/features/knowledge/repo.js';
import { searchKnowledge } from '../src/features/knowledge/search/search.js';
import { benchDeps, createOrgs, modesFromEnv, newId, openKbDb, type KbDb, type KbMode } from './knowledge-db.js';
import { sampleQueries, seedKnowledge } from './knowledge-seed.js';

const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const skip = new Set((process.env.KB_SKIP ?? '').split(',').map((s) => s.trim()));
const log = (msg: string) => process.stderr.write(`[kb-bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
const ms = (x: number) => Math.round(x * 100) / 100;

const LOREM = 'Customers may return unused items within thirty days for a full refund to the original payment method. ' +
  'Shipping is free above fifty euros and express delivery arrives the next working day when ordered before two. ' +
  'Support answers by phone on weekdays and by chat in the evening, and every request receives a ticket number. ';

async function makeBookPdf(pages: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  for (let i = 0; i < pages; i++) {
    const page = doc.addPage([595, 842]);
    page.drawText(`Chapter ${i + 1}`, { x: 60, y: 780, size: 20, font: bold });
    let y = 740;
    const words = LOREM.repeat(3).split(' ');
    let line = '';
    for (const w of words) {
      if ((line + w).length > 85) { page.drawText(line, { x: 60, y, size: 11, font }); y -= 15; line = ''; }
      line += `${w} `;
    }
    page.drawText(line, { x: 60, y, size: 11, font });
  }
  return doc.save();
}

async function benchIngestion(kb: KbDb, orgId: string) {
  const pages = env('KB_PDF_PAGES', 30);
  const pdf = await makeBookPdf(pages);
  const deps = benchDeps(kb.db);
  const runs: number[] = [];
  let chunks = 0;
  for (let i = 0; i < 3; i++) {
    const doc = await withOrg(kb.db, { orgId }, async (tx) => {
      const row = await repo.insertDocument(tx, { id: newId(), name: `book ${i}`, source: 'upload', sourceUrl: null, filename: 'book.pdf', mimeType: 'application/pdf', contentType: 'pdf', sizeBytes: pdf.length, languageHint: 'en', createdBy: null });
      await repo.insertBlob(tx, row.id, pdf);
      return row;
    });
    const started = performance.now();
    const outcome = await processDocument(deps, { orgId, documentId: doc.id, generation: 1, finalAttempt: true });
    runs.push(performance.now() - started);
    if (outcome.kind !== 'ready') throw new Error(`ingestion failed: ${JSON.stringify(outcome)}`);
    chunks = outcome.chunks;
  }
  const median = percentile(runs, 50);
  return { pages, pdfBytes: pdf.length, chunksPerDoc: chunks, medianMs: ms(median), pagesPerSecond: ms((pages * 1000) / median), runsMs: runs.map(ms) };
}

async function benchQueries(kb: KbDb, label: string, orgIds: string[], agents: Map<string, string>, n: number) {
  const queries = await sampleQueries(kb.admin, n + 50);
  const deps = { db: kb.db, config: { embeddings: undefined }, embedder: null };
  const run = async (agentScoped: boolean) => {
    const samples: number[] = [];
    let empty = 0;
    for (let i = 0; i < queries.length; i++) {
      const orgId = orgIds[i % orgIds.length]!;
      const started = performance.now();
      const res = await searchKnowledge(deps, { orgId, agentId: agentScoped ? agents.get(orgId)! : null, query: queries[i]!, topK: 5 });
      const elapsed = performance.now() - started;
      if (i >= 50) samples.push(elapsed); // the first 50 warm caches
      if (i >= 50 && res.results.length === 0) empty++;
    }
    return { label: `${label}${agentScoped ? ' (agent-scoped)' : ''}`, queries: samples.length, p50: ms(percentile(samples, 50)), p95: ms(percentile(samples, 95)), p99: ms(percentile(samples, 99)), emptyShare: ms(empty / samples.length) };
  };
  return [await run(false), await run(true)];
}

async function runMode(mode: KbMode) {
  const result: Record<string, unknown> = { mode, cpus: os.cpus().length, loadAvgAtStart: os.loadavg().map((l) => ms(l)) };
  const kb = await openKbDb(mode);
  try {
    if (!skip.has('ingest')) {
      const [orgId] = await createOrgs(kb.admin, 1);
      result.ingestion = await benchIngestion(kb, orgId!);
      log(`${mode} ingestion: ${JSON.stringify(result.ingestion)}`);
    }
    const queries = env('KB_QUERIES', 400);
    if (!skip.has('many')) {
      const orgCount = env('KB_ORGS', 1000);
      const perOrg = env('KB_CHUNKS_PER_ORG', 1000);
      const orgIds = await createOrgs(kb.admin, orgCount);
      log(`${mode}: seeding ${orgCount} orgs × ${perOrg} chunks`);
      const seed = await seedKnowledge(kb.admin, { orgIds, docsPerOrg: 10, chunksPerDoc: Math.ceil(perOrg / 10), withAgents: true });
      log(`${mode}: seeded ${seed.chunks} chunks in ${seed.seconds}s (index ${seed.indexSeconds}s)`);
      result.many = { orgs: orgCount, chunksPerOrg: perOrg, seed: { chunks: seed.chunks, seconds: seed.seconds, indexSeconds: seed.indexSeconds }, latency: await benchQueries(kb, `${orgCount} orgs × ${perOrg} chunks`, orgIds, seed.agents, queries) };
      log(`${mode} many: ${JSON.stringify(result.many)}`);
    }
    if (!skip.has('big')) {
      const big = env('KB_BIG_CHUNKS', 200_000);
      const [orgId] = await createOrgs(kb.admin, 1);
      log(`${mode}: seeding one org with ${big} chunks`);
      const seed = await seedKnowledge(kb.admin, { orgIds: [orgId!], docsPerOrg: Math.max(1, Math.round(big / 1000)), chunksPerDoc: 1000, withAgents: true });
      log(`${mode}: seeded ${seed.chunks} chunks in ${seed.seconds}s (index ${seed.indexSeconds}s)`);
      result.big = { chunks: seed.chunks, seed: { seconds: seed.seconds, indexSeconds: seed.indexSeconds }, latency: await benchQueries(kb, `1 org × ${seed.chunks} chunks`, [orgId!], seed.agents, queries) };
      log(`${mode} big: ${JSON.stringify(result.big)}`);
    }
    const size = await kb.admin.transaction((q) => q<{ total: number }>(`select count(*)::int as total from app.knowledge_chunks`));
    result.totalChunksInDatabase = size.rows[0]!.total;
  } finally {
    await kb.close();
  }
  return result;
}

async function main(): Promise<void> {
  const results = [];
  for (const mode of modesFromEnv(['postgres'])) results.push(await runMode(mode));
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
