import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stronglyConnectedComponents, verticesOnCycles } from './cycles.js';

/** Brute force: v is on a cycle when v can reach itself in one or more steps. */
function reachesItself(adjacency: number[][], v: number): boolean {
  const seen = new Set<number>();
  const stack = [...adjacency[v]!];
  while (stack.length > 0) {
    const w = stack.pop()!;
    if (w === v) return true;
    if (!seen.has(w)) {
      seen.add(w);
      stack.push(...adjacency[w]!);
    }
  }
  return false;
}

const graphs = fc.integer({ min: 1, max: 12 }).chain((n) => fc.array(fc.array(fc.nat(n - 1), { maxLength: 4 }), { minLength: n, maxLength: n }));

describe('cycles', () => {
  it('finds self-loops, cycles, and nothing in a chain', () => {
    expect(verticesOnCycles([[1], [2], []])).toEqual([false, false, false]);
    expect(verticesOnCycles([[0], []])).toEqual([true, false]);
    expect(verticesOnCycles([[1], [2], [1, 3], []])).toEqual([false, true, true, false]);
  });

  it('handles a 10,000-vertex chain without recursion', () => {
    const chain = Array.from({ length: 10_000 }, (_, i) => (i < 9_999 ? [i + 1] : [0]));
    expect(verticesOnCycles(chain).every(Boolean)).toBe(true);
  });

  it('agrees with brute force on random graphs', () => {
    fc.assert(
      fc.property(graphs, (adjacency) => {
        expect(verticesOnCycles(adjacency)).toEqual(adjacency.map((_, v) => reachesItself(adjacency, v)));
      }),
    );
  });

  it('lists components in reverse topological order', () => {
    fc.assert(
      fc.property(graphs, (adjacency) => {
        const components = stronglyConnectedComponents(adjacency);
        const rank = new Map(components.flatMap((c, i) => c.map((v) => [v, i] as const)));
        expect(rank.size).toBe(adjacency.length);
        adjacency.forEach((successors, v) => successors.forEach((w) => expect(rank.get(w)!).toBeLessThanOrEqual(rank.get(v)!)));
      }),
    );
  });
});
