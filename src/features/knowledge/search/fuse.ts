import type { Candidate } from './repo.js';

/** The usual RRF constant: damps the head of each list so one retriever cannot dominate. */
export const RRF_K = 60;

/**
 * Reciprocal rank fusion: each list votes 1 / (k + rank) for its items (rank from 1); items are ordered
 * by the sum of their votes. Scores are comparable across queries only loosely (they depend on ranks).
 *
 * @example fuseByRank([fullText, vector], 5)
 */
export function fuseByRank(lists: Candidate[][], limit: number, k = RRF_K): Candidate[] {
  const fused = new Map<string, Candidate>();
  for (const list of lists) {
    list.forEach((c, i) => {
      const vote = 1 / (k + i + 1);
      const seen = fused.get(c.chunk_id);
      if (seen) seen.score += vote;
      else fused.set(c.chunk_id, { chunk_id: c.chunk_id, document_id: c.document_id, score: vote });
    });
  }
  return [...fused.values()].sort((a, b) => b.score - a.score || a.chunk_id.localeCompare(b.chunk_id)).slice(0, limit);
}
