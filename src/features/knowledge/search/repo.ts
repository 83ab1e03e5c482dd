import { randomUUID } from 'node:crypto';
import type { Tx } from '../../../platform/db/types.js';
import type { Chunk } from '../ingest/index.js';
import type { TieredQueries } from './tsquery.js';

// Chunk storage and retrieval SQL. Every statement filters on org_id = $1 (RLS is the boundary in
// PostgreSQL mode; this filter is what holds in embedded mode) and, for agent searches, on the agent's
// assignments inside the same statement, so a search can never see more than its scope.

export interface Candidate {
  chunk_id: string;
  document_id: string;
  score: number;
}

export interface ChunkDetail {
  chunk_id: string;
  document_id: string;
  document_name: string;
  text: string;
  heading: string | null;
  page: number | null;
}

const INSERT_BATCH = 500;

/** Replaces a document's chunks (delete + bulk insert). Callers run it in the transaction that flips status. */
export async function replaceChunks(tx: Tx, documentId: string, chunks: Chunk[], tsConfig: string, embeddings: number[][] | null): Promise<void> {
  await deleteChunks(tx, documentId);
  for (let i = 0; i < chunks.length; i += INSERT_BATCH) {
    const batch = chunks.slice(i, i + INSERT_BATCH);
    const vectors = embeddings?.slice(i, i + INSERT_BATCH);
    await tx.query(
      `insert into app.knowledge_chunks (org_id, id, document_id, position, text, heading, page, char_start, char_end, ts_config, embedding)
       select $1, u.id, $2, u.position, u.text, u.heading, u.page, u.char_start, u.char_end, $3::regconfig, u.embedding::real[]
         from unnest($4::uuid[], $5::int[], $6::text[], $7::text[], $8::int[], $9::int[], $10::int[], $11::text[])
              as u(id, position, text, heading, page, char_start, char_end, embedding)`,
      [
        tx.orgId,
        documentId,
        tsConfig,
        batch.map(() => randomUUID()),
        batch.map((c) => c.position),
        batch.map((c) => c.text),
        batch.map((c) => c.heading ?? null),
        batch.map((c) => c.page ?? null),
        batch.map((c) => c.char_start ?? null),
        batch.map((c) => c.char_end ?? null),
        batch.map((_, j) => (vectors?.[j] ? `{${vectors[j]!.join(',')}}` : null)),
      ],
    );
  }
}

export async function deleteChunks(tx: Tx, documentId: string): Promise<void> {
  await tx.query('delete from app.knowledge_chunks where org_id = $1 and document_id = $2', [tx.orgId, documentId]);
}

/** Text search configurations this server has (some languages only exist in newer PostgreSQL). */
export async function textSearchConfigs(tx: Tx): Promise<Set<string>> {
  const r = await tx.query<{ name: string }>('select cfgname::text as name from pg_catalog.pg_ts_config');
  return new Set(r.rows.map((x) => x.name));
}

export async function hasPgvector(tx: Tx): Promise<boolean> {
  const r = await tx.query<{ has: boolean }>(`select exists (select 1 from pg_catalog.pg_extension where extname = 'vector') as has`);
  return r.rows[0]?.has === true;
}

export async function organizationExists(tx: Tx): Promise<boolean> {
  const r = await tx.query('select 1 from app.organizations where org_id = $1', [tx.orgId]);
  return r.rowCount > 0;
}

export async function agentExists(tx: Tx, agentId: string): Promise<boolean> {
  const r = await tx.query('select 1 from app.agents where org_id = $1 and id = $2', [tx.orgId, agentId]);
  return r.rowCount > 0;
}

// The scope of a search: the whole org, or only the documents assigned to one agent ($2 null = org).
const IN_SCOPE = `($2::uuid is null or c.document_id in
  (select a.document_id from app.knowledge_assignments a where a.org_id = $1 and a.agent_id = $2::uuid))`;

/**
 * `plainto_tsquery` of the query under every text search configuration used by the documents in scope
 * (documents in different languages are stemmed differently). Empty strings for stop-word-only queries.
 */
export async function plainQueries(tx: Tx, agentId: string | null, query: string): Promise<string[]> {
  const r = await tx.query<{ plain: string }>(
    `select plainto_tsquery(cfg, $3)::text as plain from (
       select distinct d.ts_config::regconfig as cfg from app.knowledge_documents d
        where d.org_id = $1 and d.ts_config is not null and d.chunk_count > 0
          and ($2::uuid is null or d.id in (select a.document_id from app.knowledge_assignments a where a.org_id = $1 and a.agent_id = $2::uuid))
     ) s`,
    [tx.orgId, agentId, query],
  );
  return r.rows.map((x) => x.plain);
}

/**
 * The most chunks one pass ranks. Only a query whose widest tier matches more chunks than this in one
 * organization (a single very common word in a huge knowledge base) ranks an arbitrary subset of them;
 * it bounds that query's cost instead of letting it scan the organization.
 */
export const MAX_RANKED = 10_000;

/**
 * Full-text candidates ranked by tier (every term 2, two terms 1, one term 0) plus ts_rank of the
 * any-term query (length-normalized; at most 1 for an OR query), so a chunk of a higher tier always
 * ranks above every chunk of a lower one. That makes stopping at the first tier that fills the page
 * exact: most questions never need the any-term pass, which in a big organization can match tens of
 * thousands of chunks.
 *
 * Runs through app.knowledge_search_chunks (migrations/0004_knowledge.sql): under RLS, `tsv @@ q` cannot
 * be an index condition (the operator is not LEAKPROOF), so the search goes through a reviewed door that
 * takes the org from the transaction's context, cross-checks it against tx.orgId, and returns ids only.
 */
export async function fullTextCandidates(tx: Tx, agentId: string | null, q: TieredQueries, limit: number): Promise<Candidate[]> {
  const pass = async (match: string) =>
    (await tx.query<Candidate>(
      `select chunk_id, document_id, score from app.knowledge_search_chunks($1, $2, $3::tsquery, $4::tsquery, $5::tsquery, $6::tsquery, $7, $8)`,
      [tx.orgId, agentId, match, q.any, q.all, q.pairs, limit, MAX_RANKED],
    )).rows;
  let found: Candidate[] = [];
  // A single-term query has three identical tiers: run it once.
  for (const tier of new Set([q.all, q.pairs, q.any])) {
    found = await pass(tier);
    if (found.length >= limit) break;
  }
  return found;
}

/**
 * Vector candidates by cosine similarity (embeddings are stored unit-length, so the dot product is the
 * cosine). With pgvector the distance operator does the work; without it a portable SQL dot product
 * scans the org's embedded chunks (exact, fine for thousands of chunks per org, slow for millions).
 */
export async function vectorCandidates(
  tx: Tx,
  agentId: string | null,
  v: { embedding: number[]; model: string; usePgvector: boolean },
  limit: number,
): Promise<Candidate[]> {
  const similarity = v.usePgvector
    ? `(1 - (c.embedding::vector <=> $3::real[]::vector))::float8`
    : `(select sum(x * y) from unnest(c.embedding, $3::real[]) as t(x, y))::float8`;
  const r = await tx.query<Candidate>(
    `select c.id as chunk_id, c.document_id, ${similarity} as score
       from app.knowledge_chunks c
      where c.org_id = $1 and c.embedding is not null and cardinality(c.embedding) = $4 and ${IN_SCOPE}
        and c.document_id in (select d.id from app.knowledge_documents d where d.org_id = $1 and d.embedding_model = $5)
      order by score desc, c.id
      limit $6`,
    [tx.orgId, agentId, `{${v.embedding.join(',')}}`, v.embedding.length, v.model, limit],
  );
  return r.rows;
}

export async function chunkDetails(tx: Tx, chunkIds: string[]): Promise<ChunkDetail[]> {
  if (chunkIds.length === 0) return [];
  const r = await tx.query<ChunkDetail>(
    `select c.id as chunk_id, c.document_id, d.name as document_name, c.text, c.heading, c.page
       from app.knowledge_chunks c join app.knowledge_documents d on d.org_id = c.org_id and d.id = c.document_id
      where c.org_id = $1 and c.id = any($2::uuid[])`,
    [tx.orgId, chunkIds],
  );
  return r.rows;
}
