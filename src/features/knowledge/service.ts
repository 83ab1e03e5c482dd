import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.js';
import { scopeOf, type Principal } from '../../platform/auth/principal.js';
import type { Tx } from '../../platform/db/types.js';
import { withOrg } from '../../platform/db/with-org.js';
import { errors } from '../../platform/errors.js';
import { page, type Cursor } from '../../platform/http/pagination.js';
import type { RequestMeta } from '../../platform/request-meta.js';
import { enqueue } from '../../platform/jobs/index.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import { detectType, UnsupportedTypeError } from './ingest/index.js';
import { ingestDocumentJob, processDocument } from './ingest-job.js';
import * as repo from './repo.js';
import { presentChunk, presentDocument, type DocumentOut, type IngestTextBody, type IngestUrlBody, type UploadFields } from './schemas.js';
import { isOutboundError } from './source.js';

const documentNotFound = () => errors.notFound('document');

/** Pasted text up to this size is indexed during the request (201); larger text goes to the queue (202). */
const INLINE_TEXT_CHARS = 200_000;
/** The safety-net job of an inline ingestion waits this long, so the worker does not race the request. */
const INLINE_JOB_DELAY_SECONDS = 60;

/** Inserts the document (and its bytes), queues ingestion and audits, in one transaction. */
async function createDocument(tx: Tx, principal: Principal, meta: RequestMeta, d: Omit<repo.NewDocument, 'id' | 'createdBy'>, bytes: Uint8Array | null, jobDelaySeconds = 0) {
  const row = await repo.insertDocument(tx, { ...d, id: randomUUID(), createdBy: principal.userId });
  if (bytes) await repo.insertBlob(tx, row.id, bytes);
  await enqueue(tx, ingestDocumentJob, { org_id: tx.orgId, document_id: row.id, generation: row.generation }, { delaySeconds: jobDelaySeconds });
  const out = presentDocument(row);
  await recordAudit(tx, actorOf(principal), { action: 'knowledge.document.created', targetType: 'knowledge_document', targetId: row.id, after: out }, meta);
  return row;
}

export interface UploadInput {
  bytes: Buffer;
  filename: string;
  mimeType: string;
  fields: UploadFields;
}

/** The type is decided now (unsupported → 415 before anything is stored); extraction runs in the job. */
export async function uploadDocument(deps: Deps, principal: Principal, input: UploadInput, meta: RequestMeta): Promise<DocumentOut> {
  if (input.bytes.length === 0) throw errors.validation('The file is empty', [{ path: 'file', message: 'empty' }]);
  let contentType: string;
  try {
    contentType = detectType(input.bytes, input.filename, input.mimeType);
  } catch (err) {
    if (err instanceof UnsupportedTypeError) throw errors.unsupportedMediaType(err.message);
    throw err;
  }
  const name = input.fields.name ?? (input.filename.trim().slice(0, 300) || 'Untitled document');
  const row = await withOrg(deps.db, scopeOf(principal), (tx) =>
    createDocument(tx, principal, meta, {
      name, source: 'upload', sourceUrl: null, filename: input.filename.slice(0, 300) || null, mimeType: input.mimeType.slice(0, 200) || null,
      contentType, sizeBytes: input.bytes.length, languageHint: input.fields.language ?? null,
    }, input.bytes),
  );
  return presentDocument(row);
}

/** The URL is checked now (scheme, DNS, address policy → 422); the job fetches it, re-checking every hop. */
export async function ingestUrl(deps: Deps, principal: Principal, body: IngestUrlBody, meta: RequestMeta): Promise<DocumentOut> {
  try {
    await deps.safeFetch.check(body.url);
  } catch (err) {
    if (isOutboundError(err)) throw err.toAppError();
    throw err;
  }
  const row = await withOrg(deps.db, scopeOf(principal), (tx) =>
    createDocument(tx, principal, meta, {
      name: body.name, source: 'url', sourceUrl: body.url, filename: null, mimeType: null, contentType: null, sizeBytes: 0, languageHint: body.language ?? null,
    }, null),
  );
  return presentDocument(row);
}

/**
 * Small pastes are indexed inside the request and answer 201 (ready, or failed with a reason); large
 * ones answer 202 and the worker indexes them. Either way a queued job backs the document up, so a crash
 * between the two transactions cannot leave it stuck.
 */
export async function ingestText(deps: Deps, principal: Principal, body: IngestTextBody, meta: RequestMeta): Promise<{ status: 201 | 202; document: DocumentOut }> {
  const bytes = Buffer.from(body.content, 'utf8');
  const filename = /\.(md|markdown|txt|csv|html?)$/i.test(body.name) ? body.name : null;
  let contentType: string;
  try {
    contentType = detectType(bytes, filename, 'text/plain');
  } catch (err) {
    if (err instanceof UnsupportedTypeError) throw errors.unsupportedMediaType(err.message);
    throw err;
  }
  const inline = body.content.length <= INLINE_TEXT_CHARS;
  const row = await withOrg(deps.db, scopeOf(principal), (tx) =>
    createDocument(tx, principal, meta, {
      name: body.name, source: 'text', sourceUrl: null, filename, mimeType: 'text/plain', contentType, sizeBytes: bytes.length, languageHint: body.language ?? null,
    }, bytes, inline ? INLINE_JOB_DELAY_SECONDS : 0),
  );
  if (!inline) return { status: 202, document: presentDocument(row) };
  await processDocument(deps, { orgId: principal.orgId, documentId: row.id, generation: row.generation, finalAttempt: false });
  const done = await withOrg(deps.db, scopeOf(principal), (tx) => repo.getDocument(tx, row.id));
  if (!done) throw documentNotFound();
  return { status: 201, document: presentDocument(done) };
}

/** In the request's tenant transaction (route `txHandler`). */
export async function getDocument(tx: Tx, id: string): Promise<DocumentOut> {
  const row = await repo.getDocument(tx, id);
  if (!row) throw documentNotFound();
  return presentDocument(row);
}

/** In the request's tenant transaction (route `txHandler`). */
export async function listDocuments(tx: Tx, opts: { cursor: Cursor | null; limit: number; status?: repo.DocumentStatus | undefined }) {
  const rows = await repo.listDocuments(tx, opts);
  const p = page(rows, opts.limit);
  return { data: p.rows.map(presentDocument), next_cursor: p.nextCursor };
}

/** In the request's tenant transaction (route `txHandler`): chunks, bytes and assignments cascade. */
export async function deleteDocument(tx: Tx, principal: Principal, id: string, meta: RequestMeta): Promise<void> {
  const row = await repo.deleteDocument(tx, id);
  if (!row) throw documentNotFound();
  await recordAudit(tx, actorOf(principal), { action: 'knowledge.document.deleted', targetType: 'knowledge_document', targetId: id, before: presentDocument(row) }, meta);
}

/** Queues a fresh extraction and chunking. Old chunks stay searchable until the new ones replace them. */
export async function reindexDocument(deps: Deps, principal: Principal, id: string, meta: RequestMeta): Promise<DocumentOut> {
  return withOrg(deps.db, scopeOf(principal), async (tx) => {
    const before = await repo.getDocument(tx, id, { lock: true });
    if (!before) throw documentNotFound();
    const row = (await repo.requeueDocument(tx, id))!;
    await enqueue(tx, ingestDocumentJob, { org_id: tx.orgId, document_id: id, generation: row.generation });
    const after = presentDocument(row);
    await recordAudit(tx, actorOf(principal), { action: 'knowledge.document.reindexed', targetType: 'knowledge_document', targetId: id, before: presentDocument(before), after }, meta);
    return after;
  });
}

/** In the request's tenant transaction (route `txHandler`). */
export async function listChunks(tx: Tx, id: string, opts: { after: number; limit: number }) {
  if (!(await repo.getDocument(tx, id))) throw documentNotFound();
  const rows = await repo.listChunks(tx, id, opts);
  const more = rows.length > opts.limit;
  const kept = more ? rows.slice(0, opts.limit) : rows;
  return { data: kept.map(presentChunk), next_cursor: more ? String(kept[kept.length - 1]!.position) : null };
}
