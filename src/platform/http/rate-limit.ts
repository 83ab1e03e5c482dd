/**
 * Fixed-window counters in memory, keyed by what the caller says (per org, per IP, per route class).
 * Per instance: behind N instances the effective limit is up to N× (docs/operations.md says so).
 */
export interface RateLimiter {
  /** Returns 0 when allowed, else the seconds until the window resets. */
  hit(key: string, limitPerMinute: number): number;
}

export function createRateLimiter(now: () => number = Date.now): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = now();
  return {
    hit(key, limit) {
      const t = now();
      if (t - lastSweep > 60_000) {
        for (const [k, w] of windows) if (t - w.start >= 60_000) windows.delete(k);
        lastSweep = t;
      }
      let w = windows.get(key);
      if (!w || t - w.start >= 60_000) {
        w = { start: t, count: 0 };
        windows.set(key, w);
      }
      w.count += 1;
      return w.count > limit ? Math.ceil((w.start + 60_000 - t) / 1000) : 0;
    },
  };
}
