import type { Tx } from '../../platform/db/types.js';
import type { Cursor } from '../../platform/http/pagination.js';

// Every statement also filters on org_id = $1: RLS is the boundary in PostgreSQL mode, and this filter
// is what holds in embedded mode (ISOLATION.md "Embedded mode"). Chunk writes and search live in
// search/repo.ts.

export type DocumentStatus = 'queued' | 'processing' | 'ready' | 'failed';
export type DocumentSource = 'upload' | 'url' | 'text';

export interface DocumentRow {
  id: string;
  name: string;
  source: DocumentSource;
  source_url: string | null;
  filename: string | null;
  mime_type: string | null;
  content_type: string | null;
  size_bytes: number | string;
  language_hint: string | null;
  language: string | null;
  ts_config: string | null;
  status: DocumentStatus;
  progress: number;
  error: string | null;
  title: string | null;
  page_count: number | null;
  truncated: boolean;
  chunk_count: number;
  generation: number;
  embedding_model: string | null;
  created_at: Date;
  updated_at: Date;
  indexed_at: Date | null;
}

export interface ChunkRow {
  id: string;
  document_id: string;
  position: number;
  text: string;
  heading: string | null;
  page: number | null;
  char_start: number | null;
  char_end: number | null;
}

const COLUMNS = `id, name, source, source_url, filename, mime_type, content_type, size_bytes, language_hint, language,
  ts_config, status, progress, error, title, page_count, truncated, chunk_count, generation, embedding_model,
  created_at, updated_at, indexed_at`;

export interface NewDocument {
  id: string;
  name: string;
  source: DocumentSource;
  sourceUrl: string | null;
  filename: string | null;
  mimeType: string | null;
  contentType: string | null;
  sizeBytes: number;
  languageHint: string | null;
  createdBy: string | null;
}

export async function insertDocument(tx: Tx, d: NewDocument): Promise<DocumentRow> {
  const r = await tx.query<DocumentRow>(
    `insert into app.knowledge_documents (org_id, id, name, source, source_url, filename, mime_type, content_type, size_bytes, language_hint, created_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning ${COLUMNS}`,
    [tx.orgId, d.id, d.name, d.source, d.sourceUrl, d.filename, d.mimeType, d.contentType, d.sizeBytes, d.languageHint, d.createdBy],
  );
  return r.rows[0]!;
}

export async function insertBlob(tx: Tx, documentId: string, content: Uint8Array): Promise<void> {
  await tx.query('insert into app.knowledge_blobs (org_id, document_id, content) values ($1, $2, $3)', [tx.orgId, documentId, content]);
}

export async function getBlob(tx: Tx, documentId: string): Promise<Uint8Array | null> {
  const r = await tx.query<{ content: Uint8Array }>('select content from app.knowledge_blobs where org_id = $1 and document_id = $2', [tx.orgId, documentId]);
  return r.rows[0]?.content ?? null;
}

export async function getDocument(tx: Tx, id: string, opts: { lock?: boolean } = {}): Promise<DocumentRow | null> {
  const r = await tx.query<DocumentRow>(
    `select ${COLUMNS} from app.knowledge_documents where org_id = $1 and id = $2${opts.lock ? ' for update' : ''}`,
    [tx.orgId, id],
  );
  return r.rows[0] ?? null;
}

export async function listDocuments(tx: Tx, opts: { cursor: Cursor | null; limit: number; status?: DocumentStatus | undefined }): Promise<DocumentRow[]> {
  const r = await tx.query<DocumentRow>(
    `select ${COLUMNS} from app.knowledge_documents
      where org_id = $1 and ($2::timestamptz is null or (created_at, id) < ($2::timestamptz, $3::uuid))
        and ($5::text is null or status = $5)
      order by created_at desc, id desc limit $4`,
    [tx.orgId, opts.cursor?.t ?? null, opts.cursor?.id ?? null, opts.limit + 1, opts.status ?? null],
  );
  return r.rows;
}

/** Deletes the document; chunks, bytes and assignments go with it (ON DELETE CASCADE). */
export async function deleteDocument(tx: Tx, id: string): Promise<DocumentRow | null> {
  const r = await tx.query<DocumentRow>(`delete from app.knowledge_documents where org_id = $1 and id = $2 returning ${COLUMNS}`, [tx.orgId, id]);
  return r.rows[0] ?? null;
}

/** A new (re)index request: the next generation, queued. Older jobs see a different generation and stop. */
export async function requeueDocument(tx: Tx, id: string): Promise<DocumentRow | null> {
  const r = await tx.query<DocumentRow>(
    `update app.knowledge_documents set status = 'queued', progress = 0, error = null, generation = generation + 1, updated_at = now()
      where org_id = $1 and id = $2 returning ${COLUMNS}`,
    [tx.orgId, id],
  );
  return r.rows[0] ?? null;
}

/** Status/progress of the generation a job works on; false when the document moved on or is gone. */
export async function setProgress(tx: Tx, id: string, generation: number, p: { status: 'queued' | 'processing'; progress: number; error?: string | null }): Promise<boolean> {
  const r = await tx.query(
    `update app.knowledge_documents set status = $4, progress = $5, error = $6, updated_at = now()
      where org_id = $1 and id = $2 and generation = $3 and status in ('queued', 'processing')`,
    [tx.orgId, id, generation, p.status, p.progress, p.error ?? null],
  );
  return r.rowCount > 0;
}

export interface IndexedFacts {
  contentType: string;
  language: string | null;
  tsConfig: string;
  title: string | null;
  pageCount: number | null;
  truncated: boolean;
  chunkCount: number;
  embeddingModel: string | null;
  /** Bytes actually ingested (a fetched URL's size is only known here). */
  sizeBytes: number;
}

export async function markReady(tx: Tx, id: string, f: IndexedFacts): Promise<void> {
  await tx.query(
    `update app.knowledge_documents
        set status = 'ready', progress = 100, error = null, content_type = $3, language = $4, ts_config = $5, title = $6,
            page_count = $7, truncated = $8, chunk_count = $9, embedding_model = $10, size_bytes = $11, indexed_at = now(), updated_at = now()
      where org_id = $1 and id = $2`,
    [tx.orgId, id, f.contentType, f.language, f.tsConfig, f.title, f.pageCount, f.truncated, f.chunkCount, f.embeddingModel, f.sizeBytes],
  );
}

export async function markFailed(tx: Tx, id: string, error: string, contentType: string | null): Promise<void> {
  await tx.query(
    `update app.knowledge_documents
        set status = 'failed', progress = 100, error = $3, content_type = coalesce($4, content_type), chunk_count = 0,
            embedding_model = null, updated_at = now()
      where org_id = $1 and id = $2`,
    [tx.orgId, id, error.slice(0, 1000), contentType],
  );
}

export async function listChunks(tx: Tx, documentId: string, opts: { after: number; limit: number }): Promise<ChunkRow[]> {
  const r = await tx.query<ChunkRow>(
    `select id, document_id, position, text, heading, page, char_start, char_end from app.knowledge_chunks
      where org_id = $1 and document_id = $2 and position > $3 order by position limit $4`,
    [tx.orgId, documentId, opts.after, opts.limit + 1],
  );
  return r.rows;
}

// ---- assignments ----

export interface AssignmentRow {
  agent_id: string;
  document_id: string;
  created_at: Date;
}

/** Inserts the assignment; `created` is false when it already existed (the row is returned either way). */
export async function assign(tx: Tx, agentId: string, documentId: string, createdBy: string | null): Promise<{ row: AssignmentRow; created: boolean }> {
  const ins = await tx.query<AssignmentRow>(
    `insert into app.knowledge_assignments (org_id, agent_id, document_id, created_by) values ($1, $2, $3, $4)
     on conflict (org_id, agent_id, document_id) do nothing returning agent_id, document_id, created_at`,
    [tx.orgId, agentId, documentId, createdBy],
  );
  if (ins.rows[0]) return { row: ins.rows[0], created: true };
  const r = await tx.query<AssignmentRow>(
    'select agent_id, document_id, created_at from app.knowledge_assignments where org_id = $1 and agent_id = $2 and document_id = $3',
    [tx.orgId, agentId, documentId],
  );
  return { row: r.rows[0]!, created: false };
}

export async function unassign(tx: Tx, agentId: string, documentId: string): Promise<boolean> {
  const r = await tx.query('delete from app.knowledge_assignments where org_id = $1 and agent_id = $2 and document_id = $3', [tx.orgId, agentId, documentId]);
  return r.rowCount > 0;
}

/** The documents assigned to an agent, newest assignment first (keyset on the assignment). */
export async function listAssignedDocuments(tx: Tx, agentId: string, opts: { cursor: Cursor | null; limit: number }): Promise<Array<DocumentRow & { assigned_at: Date }>> {
  const cols = COLUMNS.split(',').map((c) => `d.${c.trim()}`).join(', ');
  const r = await tx.query<DocumentRow & { assigned_at: Date }>(
    `select ${cols}, a.created_at as assigned_at
       from app.knowledge_assignments a
       join app.knowledge_documents d on d.org_id = a.org_id and d.id = a.document_id
      where a.org_id = $1 and a.agent_id = $2
        and ($3::timestamptz is null or (a.created_at, a.document_id) < ($3::timestamptz, $4::uuid))
      order by a.created_at desc, a.document_id desc limit $5`,
    [tx.orgId, agentId, opts.cursor?.t ?? null, opts.cursor?.id ?? null, opts.limit + 1],
  );
  return r.rows;
}

/** Ids of the documents an agent may search (the session context loads these once). */
export async function assignedDocumentIds(tx: Tx, agentId: string): Promise<string[]> {
  const r = await tx.query<{ document_id: string }>('select document_id from app.knowledge_assignments where org_id = $1 and agent_id = $2', [tx.orgId, agentId]);
  return r.rows.map((x) => x.document_id);
}
