import { describe, expect, it } from 'vitest';
import { TokenBucket } from './rate.js';

describe('TokenBucket', () => {
  it('allows the burst at once, then refills at the rate, never above capacity', () => {
    const b = new TokenBucket(3, 60, 0); // one frame per second
    expect([b.take(0), b.take(0), b.take(0), b.take(0)]).toEqual([true, true, true, false]);
    expect(b.take(500)).toBe(false);
    expect(b.take(1000)).toBe(true);
    expect(b.take(1000)).toBe(false);
    // A long quiet spell refills to the capacity, not beyond.
    expect([b.take(60_000), b.take(60_000), b.take(60_000), b.take(60_000)]).toEqual([true, true, true, false]);
  });
});
