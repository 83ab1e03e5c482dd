/**
 * Replay protection for inbound provider webhooks.
 *
 * `seen(key, ttlMs)` is an atomic check-and-record: it resolves `true` when the key was already recorded
 * and has not expired (a replay), otherwise records it for `ttlMs` and resolves `false`. It is async so
 * the production implementation can be a table with a unique key (`insert ... on conflict do nothing`).
 *
 * Call it only AFTER the signature has been verified, so unauthenticated traffic cannot fill the store
 * or pre-claim keys. Keys must be scoped per provider and channel (`scopedReplayKey`).
 *
 * @example
 * const guard = createMemoryReplayGuard();
 * if (await guard.seen(scopedReplayKey('plivo', channelId, nonce), REPLAY_POLICY.plivo.ttlMs)) reject();
 */
export interface ReplayGuard {
  seen(key: string, ttlMs: number): Promise<boolean>;
}

export interface MemoryReplayGuardOptions {
  /** Upper bound on remembered keys; past it the oldest are dropped (weakening protection, not memory). */
  maxEntries?: number;
  now?: () => number;
}

/**
 * Single-process, in-memory guard for development, tests and the embedded mode. It forgets on restart and
 * is not shared between instances: production deployments must use the database-backed guard.
 */
export function createMemoryReplayGuard(opts: MemoryReplayGuardOptions = {}): ReplayGuard & { readonly size: number } {
  const maxEntries = opts.maxEntries ?? 100_000;
  const now = opts.now ?? Date.now;
  const expiries = new Map<string, number>();
  let insertsSinceSweep = 0;

  function sweep(t: number): void {
    for (const [k, exp] of expiries) if (exp <= t) expiries.delete(k);
    insertsSinceSweep = 0;
  }

  return {
    get size() {
      return expiries.size;
    },
    async seen(key: string, ttlMs: number): Promise<boolean> {
      if (!key) throw new TypeError('replay key required');
      if (!(ttlMs > 0)) throw new RangeError('ttlMs must be positive');
      const t = now();
      const exp = expiries.get(key);
      if (exp !== undefined && exp > t) return true;
      expiries.delete(key); // re-insert so Map order stays roughly oldest-first
      expiries.set(key, t + ttlMs);
      if (++insertsSinceSweep >= 1000 || expiries.size > maxEntries) sweep(t);
      while (expiries.size > maxEntries) {
        const oldest = expiries.keys().next().value;
        if (oldest === undefined) break;
        expiries.delete(oldest);
      }
      return false;
    },
  };
}
