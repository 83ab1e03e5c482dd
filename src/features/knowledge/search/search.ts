import type { Config } from '../../../config.js';
import type { Database } from '../../../platform/db/database.js';
import { withOrg } from '../../../platform/db/with-org.js';
import { errors } from '../../../platform/errors.js';
import type { Logger } from '../../../platform/log/logger.js';
import { toSpeakable } from '../ingest/index.js';
import { createEmbedder, type Embedder } from './embeddings.js';
import { fuseByRank } from './fuse.js';
import * as repo from './repo.js';
import { tieredQueries } from './tsquery.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Candidates per retriever before fusion: enough depth for RRF to matter, small enough to stay fast. */
const CANDIDATES = 40;
/** Longest speakable passage in voice mode (about 20 seconds of speech). */
const VOICE_MAX_CHARS = 300;

/**
 * A search without a valid scope. ISOLATION.md Layer 3: knowledge search with no valid org throws — it
 * never returns an empty list that a caller could mistake for "nothing relevant".
 */
export class KnowledgeScopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KnowledgeScopeError';
  }
}

export interface SearchDeps {
  db: Database;
  config: Pick<Config, 'embeddings'>;
  log?: Pick<Logger, 'warn'>;
  /** Overrides the embedder built from config (tests, benchmarks). `null` forces full-text only. */
  embedder?: Embedder | null;
}

export interface SearchRequest {
  /** Required. The organization whose documents are searched. */
  orgId: string;
  /** When given, only documents assigned to this agent are searched; the agent must be in the org. */
  agentId?: string | null | undefined;
  query: string;
  topK?: number;
  /** Shape passages for text-to-speech (short, plain sentences). */
  voiceMode?: boolean;
}

export interface SearchHit {
  document_id: string;
  chunk_id: string;
  text: string;
  score: number;
  document_name: string;
  heading: string | null;
  page: number | null;
}

export interface SearchResult {
  results: SearchHit[];
  mode: 'fulltext' | 'hybrid';
}

const pgvectorByDb = new WeakMap<Database, boolean>();

/**
 * Searches one organization's knowledge (or one agent's assigned documents): full-text always, plus
 * vector similarity fused by reciprocal rank when an embedding provider is configured. The query is
 * embedded BEFORE the tenant transaction opens (no network call inside withOrg).
 *
 * @throws KnowledgeScopeError when `orgId` is missing, malformed or not an organization;
 *         AppError not_found('agent') when `agentId` is not an agent of that organization.
 * @example await searchKnowledge(deps, { orgId, agentId, query: 'refund window', topK: 5 })
 */
export async function searchKnowledge(deps: SearchDeps, req: SearchRequest): Promise<SearchResult> {
  if (typeof req.orgId !== 'string' || !UUID_RE.test(req.orgId)) throw new KnowledgeScopeError('knowledge search requires a valid organization id');
  const agentId = req.agentId ?? null;
  if (agentId !== null && (typeof agentId !== 'string' || !UUID_RE.test(agentId))) throw new KnowledgeScopeError('knowledge search was given an invalid agent id');
  const topK = Math.max(1, Math.min(50, Math.floor(req.topK ?? 5)));
  const query = req.query.trim();

  const embedder = deps.embedder === undefined ? createEmbedder(deps.config.embeddings) : deps.embedder;
  let queryVector: number[] | null = null;
  if (embedder && query) {
    try {
      queryVector = (await embedder.embed([query]))[0] ?? null;
    } catch (err) {
      // Full-text still answers; a provider outage must not take knowledge search down with it.
      deps.log?.warn({ err }, 'query embedding failed; full-text search only');
    }
  }

  const found = await withOrg(deps.db, { orgId: req.orgId }, async (tx) => {
    if (!(await repo.organizationExists(tx))) throw new KnowledgeScopeError('knowledge search: no such organization');
    if (agentId !== null && !(await repo.agentExists(tx, agentId))) throw errors.notFound('agent');
    if (!query) return { hits: [], hybrid: false };
    const tsq = tieredQueries(await repo.plainQueries(tx, agentId, query));
    const fullText = tsq ? await repo.fullTextCandidates(tx, agentId, tsq, queryVector ? CANDIDATES : topK) : [];
    let ranked = fullText.slice(0, topK);
    let hybrid = false;
    if (queryVector && embedder) {
      let usePgvector = pgvectorByDb.get(deps.db);
      if (usePgvector === undefined) pgvectorByDb.set(deps.db, (usePgvector = await repo.hasPgvector(tx)));
      const vector = await repo.vectorCandidates(tx, agentId, { embedding: queryVector, model: embedder.model, usePgvector }, CANDIDATES);
      if (vector.length > 0) {
        ranked = fuseByRank([fullText, vector], topK);
        hybrid = true;
      }
    }
    const details = new Map((await repo.chunkDetails(tx, ranked.map((c) => c.chunk_id))).map((d) => [d.chunk_id, d]));
    const hits = ranked.flatMap((c) => {
      const d = details.get(c.chunk_id);
      return d ? [{ ...d, score: c.score }] : [];
    });
    return { hits, hybrid };
  });

  const results = found.hits.map((h) => ({ ...h, text: req.voiceMode ? toSpeakable(h.text, VOICE_MAX_CHARS) : h.text }));
  return { results, mode: found.hybrid ? 'hybrid' : 'fulltext' };
}
