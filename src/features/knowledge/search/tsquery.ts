/**
 * Builds the tiered full-text queries from `plainto_tsquery` output (one per text search configuration
 * in scope). Questions rarely share every word with their answer, so matching is by tier:
 *   all   — every term of the question (per configuration),
 *   pairs — at least two of its terms,
 *   any   — at least one term (the widest net; in a big organization it can match tens of thousands).
 * The score puts every chunk of a higher tier above every chunk of a lower one (see search/repo.ts), so
 * the search can stop at the first tier that fills the page.
 *
 * @example tieredQueries([`'refund' & 'card'`]) // { all: "('refund' & 'card')", pairs: "('refund' & 'card')", any: "'refund' | 'card'" }
 */
export interface TieredQueries {
  all: string;
  pairs: string;
  any: string;
}

/** Long questions: only the first terms take part in the pairs tier (pairs grow quadratically). */
export const MAX_PAIR_TERMS = 12;

/** Splits `'a' & 'b'` into its lexeme literals. plainto_tsquery output holds only quoted lexemes and `&`. */
function termsOf(plain: string): string[] {
  return [...new Set(plain.split(' & ').map((t) => t.trim()).filter((t) => /^'.*'$/.test(t)))];
}

export function tieredQueries(plainQueries: readonly string[]): TieredQueries | null {
  const all: string[] = [];
  const pairs: string[] = [];
  const any = new Set<string>();
  for (const plain of plainQueries) {
    const terms = termsOf(plain);
    if (terms.length === 0) continue;
    all.push(`(${terms.join(' & ')})`);
    terms.forEach((t) => any.add(t));
    const head = terms.slice(0, MAX_PAIR_TERMS);
    if (head.length === 1) pairs.push(head[0]!);
    for (let i = 0; i < head.length; i++) for (let j = i + 1; j < head.length; j++) pairs.push(`(${head[i]} & ${head[j]})`);
  }
  if (all.length === 0) return null;
  return { all: all.join(' | '), pairs: pairs.join(' | '), any: [...any].join(' | ') };
}
