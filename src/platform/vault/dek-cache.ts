/**
 * In-memory cache of unwrapped data keys: small LRU with a TTL, keyed by (org id, data key id).
 * Each entry also records its org and key id, which are compared on every read (defence in depth
 * against a key-composition bug). Share one cache between the short-lived vaults built per transaction.
 */
export interface DekCacheOptions {
  /** Most entries kept (default 256). */
  maxEntries?: number;
  /** How long an unwrapped key may be reused without re-reading the store (default 60 s; 0 disables). */
  ttlMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

interface Entry {
  orgId: string;
  dekId: string;
  key: Buffer;
  expiresAt: number;
}

export class DekCache {
  readonly #entries = new Map<string, Entry>();
  readonly #max: number;
  readonly #ttl: number;
  readonly #now: () => number;

  constructor(opts: DekCacheOptions = {}) {
    this.#max = Math.max(0, opts.maxEntries ?? 256);
    this.#ttl = Math.max(0, opts.ttlMs ?? 60_000);
    this.#now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(orgId: string, dekId: string): Buffer | undefined {
    const k = cacheKey(orgId, dekId);
    const e = this.#entries.get(k);
    if (!e) return undefined;
    if (e.orgId !== orgId || e.dekId !== dekId || e.expiresAt <= this.#now()) {
      this.#entries.delete(k);
      return undefined;
    }
    this.#entries.delete(k); // move to the most-recently-used end
    this.#entries.set(k, e);
    return e.key;
  }

  set(orgId: string, dekId: string, key: Buffer): void {
    if (this.#max === 0 || this.#ttl === 0) return;
    const k = cacheKey(orgId, dekId);
    this.#entries.delete(k); // re-insert at the most-recently-used end
    this.#entries.set(k, { orgId, dekId, key, expiresAt: this.#now() + this.#ttl });
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  /** Evicts every key of one org (call after shredding it, or on org deletion). */
  forgetOrg(orgId: string): void {
    for (const [k, e] of this.#entries) if (e.orgId === orgId) this.#entries.delete(k);
  }

  clear(): void {
    this.#entries.clear();
  }
}

function cacheKey(orgId: string, dekId: string): string {
  return `${orgId}\u0000${dekId}`;
}

export function createDekCache(opts?: DekCacheOptions): DekCache {
  return new DekCache(opts);
}
