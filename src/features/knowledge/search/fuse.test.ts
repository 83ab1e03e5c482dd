import { describe, expect, it } from 'vitest';
import { fuseByRank, RRF_K } from './fuse.js';

const c = (id: string) => ({ chunk_id: id, document_id: `doc-${id}`, score: 0 });

describe('fuseByRank (reciprocal rank fusion)', () => {
  it('ranks items found by both retrievers above items found by one', () => {
    const fused = fuseByRank([[c('a'), c('b'), c('c')], [c('c'), c('d')]], 10);
    expect(fused.map((x) => x.chunk_id)).toEqual(['c', 'a', 'b', 'd']); // b and d tie (rank 2 once each): ids break ties
    expect(fused[0]!.score).toBeCloseTo(1 / (RRF_K + 3) + 1 / (RRF_K + 1));
    expect(fused[0]!.document_id).toBe('doc-c');
  });

  it('keeps the order of a single list, truncates to the limit and ignores empty lists', () => {
    expect(fuseByRank([[c('x'), c('y'), c('z')], []], 2).map((x) => x.chunk_id)).toEqual(['x', 'y']);
    expect(fuseByRank([[], []], 5)).toEqual([]);
  });

  it('does not mutate its inputs', () => {
    const list = [c('a')];
    fuseByRank([list, list], 1);
    expect(list[0]!.score).toBe(0);
  });
});
