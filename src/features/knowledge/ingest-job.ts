import { z } from 'zod';
import type { Deps } from '../../deps.js';
import type { Database } from '../../platform/db/database.js';
import { withOrg } from '../../platform/db/with-org.js';
import { defineJob, JobPayloadBase, PermanentJobError } from '../../platform/jobs/index.js';
import { emitEvent } from '../webhook-endpoints/events.js';
import { isExtractionError, UnsupportedTypeError } from './ingest/index.js';
import { buildIndex, embeddingInput, type SourceBytes } from './pipeline.js';
import * as repo from './repo.js';
import { createEmbedder, EmbeddingError } from './search/embeddings.js';
import * as searchRepo from './search/repo.js';
import { fetchUrlSource, SourceError } from './source.js';

export const INGEST_MAX_ATTEMPTS = 3;

export type IngestOutcome =
  | { kind: 'ready'; chunks: number }
  | { kind: 'failed'; message: string }
  | { kind: 'retry'; message: string }
  | { kind: 'skipped' };

export interface IngestTarget {
  orgId: string;
  documentId: string;
  generation: number;
  /** On the last attempt a transient failure is final too: the document becomes `failed`. */
  finalAttempt: boolean;
  signal?: AbortSignal;
}

const configsByDb = new WeakMap<Database, Set<string>>();
const ACTIVE: ReadonlySet<string> = new Set(['queued', 'processing']);

/**
 * Ingests one generation of one document. Three kinds of step, never mixed: short tenant transactions
 * (read, progress, final write), and between them work with no transaction open (fetching the URL,
 * extraction in a sandboxed child process, embedding calls). The final write replaces the chunks and flips the
 * status to ready in ONE transaction, so a half-indexed document is never searchable; it re-checks the
 * generation under a row lock, so a reindex or delete that happened meanwhile wins.
 */
export async function processDocument(deps: Deps, t: IngestTarget): Promise<IngestOutcome> {
  const scope = { orgId: t.orgId };
  const start = await withOrg(deps.db, scope, async (tx) => {
    const doc = await repo.getDocument(tx, t.documentId);
    if (!doc || doc.generation !== t.generation || !ACTIVE.has(doc.status)) return null;
    await repo.setProgress(tx, doc.id, t.generation, { status: 'processing', progress: 10 });
    const blob = doc.source === 'url' ? null : await repo.getBlob(tx, doc.id);
    let configs = configsByDb.get(deps.db);
    if (!configs) configsByDb.set(deps.db, (configs = await searchRepo.textSearchConfigs(tx)));
    return { doc, blob, configs };
  });
  if (!start) return { kind: 'skipped' };
  const { doc, blob, configs } = start;
  const progress = (p: number) => withOrg(deps.db, scope, (tx) => repo.setProgress(tx, doc.id, t.generation, { status: 'processing', progress: p }));
  let contentType: string | null = doc.content_type;

  try {
    let src: SourceBytes;
    if (doc.source === 'url') {
      const fetched = await fetchUrlSource(deps.safeFetch, doc.source_url!, { maxBytes: deps.config.uploadLimitBytes, ...(t.signal ? { signal: t.signal } : {}) });
      src = { bytes: fetched.bytes, filename: fetched.filename, mimeType: fetched.mimeType, languageHint: doc.language_hint };
      await progress(30);
    } else {
      if (!blob) throw new SourceError('The uploaded content is missing; upload the document again', false);
      src = { bytes: blob, filename: doc.filename, mimeType: doc.mime_type, languageHint: doc.language_hint };
    }
    const built = await buildIndex(src, configs, deps.config.documentLimits);
    contentType = built.contentType;
    await progress(60);
    const embedder = createEmbedder(deps.config.embeddings);
    const embeddings = embedder ? await embedder.embed(built.chunks.map(embeddingInput), t.signal ? { signal: t.signal } : {}) : null;

    const written = await withOrg(deps.db, scope, async (tx) => {
      const current = await repo.getDocument(tx, doc.id, { lock: true });
      if (!current || current.generation !== t.generation || !ACTIVE.has(current.status)) return false;
      await searchRepo.replaceChunks(tx, doc.id, built.chunks, built.tsConfig, embeddings);
      await repo.markReady(tx, doc.id, {
        contentType: built.contentType,
        language: built.language,
        tsConfig: built.tsConfig,
        title: built.doc.title ?? null,
        pageCount: built.doc.pageCount ?? null,
        truncated: built.doc.truncated ?? false,
        chunkCount: built.chunks.length,
        embeddingModel: embedder && embeddings ? embedder.model : null,
        sizeBytes: src.bytes.length,
      });
      await emitEvent(tx, { type: 'document.ready', data: documentEventData(current, { status: 'ready', chunk_count: built.chunks.length }) });
      return true;
    });
    return written ? { kind: 'ready', chunks: built.chunks.length } : { kind: 'skipped' };
  } catch (err) {
    const { message, transient } = classify(err);
    if (!transient) deps.log.info({ document_id: doc.id, reason: message }, 'document could not be ingested');
    else deps.log.warn({ err, document_id: doc.id }, 'document ingestion failed; will retry');
    if (transient && !t.finalAttempt) {
      await withOrg(deps.db, scope, (tx) => repo.setProgress(tx, doc.id, t.generation, { status: 'queued', progress: 0, error: `Retrying: ${message}` }));
      return { kind: 'retry', message };
    }
    await withOrg(deps.db, scope, async (tx) => {
      const current = await repo.getDocument(tx, doc.id, { lock: true });
      if (!current || current.generation !== t.generation || !ACTIVE.has(current.status)) return;
      // A failed document has no chunks: a failed reindex must not leave the old text searchable.
      await searchRepo.deleteChunks(tx, doc.id);
      await repo.markFailed(tx, doc.id, message, contentType);
      await emitEvent(tx, { type: 'document.failed', data: documentEventData(current, { status: 'failed', error: message }) });
    });
    return { kind: 'failed', message };
  }
}

/**
 * The `document.ready` / `document.failed` webhook data, written in the transaction that sets the
 * status (so the event goes out if and only if that commits): ids and facts, never the content.
 */
function documentEventData(doc: repo.DocumentRow, facts: { status: 'ready'; chunk_count: number } | { status: 'failed'; error: string }) {
  return { document_id: doc.id, name: doc.name, source: doc.source, generation: doc.generation, ...facts };
}

/** User-facing reason and whether retrying could help. Unknown errors never expose their text. */
function classify(err: unknown): { message: string; transient: boolean } {
  if (err instanceof UnsupportedTypeError || isExtractionError(err)) return { message: err.message, transient: false };
  if (err instanceof SourceError) return { message: err.message, transient: err.transient };
  if (err instanceof EmbeddingError) return { message: err.message, transient: true };
  return { message: 'Ingestion failed because of an internal error', transient: true };
}

export const IngestPayload = JobPayloadBase.extend({ document_id: z.uuid(), generation: z.number().int().min(1) });

/** Jobs carry the org and ids only; the handler re-reads the document under withOrg. */
export const ingestDocumentJob = defineJob({
  name: 'knowledge.ingest',
  payload: IngestPayload,
  maxAttempts: INGEST_MAX_ATTEMPTS,
  // Extraction may take 60 s, a URL 20 s, embeddings a while: a generous lease before another worker retries.
  timeoutSeconds: 600,
  handler: async ({ deps, orgId, payload, attempt, signal }) => {
    const outcome = await processDocument(deps, {
      orgId,
      documentId: payload.document_id,
      generation: payload.generation,
      finalAttempt: attempt >= INGEST_MAX_ATTEMPTS,
      signal,
    });
    if (outcome.kind === 'retry') throw new Error(outcome.message);
    if (outcome.kind === 'failed') throw new PermanentJobError(outcome.message);
  },
});
