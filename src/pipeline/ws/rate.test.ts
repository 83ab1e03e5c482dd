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

describe('TokenBucket with a cost per take (audio bytes)', () => {
  it('counts the cost: a frame costing more than what is left is refused, smaller ones still pass', () => {
    const b = new TokenBucket(1000, 60_000, 0); // 1,000 bytes per second
    expect(b.take(0, 640)).toBe(true);
    expect(b.take(0, 640)).toBe(false);
    expect(b.take(0, 360)).toBe(true);
    expect(b.take(500, 640)).toBe(false);
    expect(b.take(640, 640)).toBe(true);
  });
});
