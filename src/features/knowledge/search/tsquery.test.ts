import { describe, expect, it } from 'vitest';
import { MAX_PAIR_TERMS, tieredQueries } from './tsquery.js';

describe('tieredQueries', () => {
  it('builds all / pairs / any tiers from plainto_tsquery output', () => {
    expect(tieredQueries([`'refund' & 'card' & 'day'`])).toEqual({
      all: `('refund' & 'card' & 'day')`,
      pairs: `('refund' & 'card') | ('refund' & 'day') | ('card' & 'day')`,
      any: `'refund' | 'card' | 'day'`,
    });
  });

  it('combines configurations, dedupes terms and keeps single-term queries valid', () => {
    expect(tieredQueries([`'refund'`, `'refunds' & 'refunds'`, ''])).toEqual({
      all: `('refund') | ('refunds')`,
      pairs: `'refund' | 'refunds'`,
      any: `'refund' | 'refunds'`,
    });
  });

  it('returns null when no configuration produced a term (stop words only)', () => {
    expect(tieredQueries(['', ''])).toBeNull();
    expect(tieredQueries([])).toBeNull();
  });

  it('keeps escaped quotes inside lexemes and caps the pairs tier', () => {
    const terms = Array.from({ length: 20 }, (_, i) => `'t${i}'`);
    const q = tieredQueries([[`'o''brien'`, ...terms].join(' & ')])!;
    expect(q.any).toContain(`'o''brien'`);
    expect(q.pairs.split(' | ')).toHaveLength((MAX_PAIR_TERMS * (MAX_PAIR_TERMS - 1)) / 2);
  });
});
