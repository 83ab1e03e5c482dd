import { isConnectionError } from '../db/errors.js';

/** Resolves after `ms`, or as soon as `signal` aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs `fn`, retrying while the database is unreachable (restart, failover: see isConnectionError), with
 * backoff from 250 ms to 4 s, for at most `maxMs`. Any other error, an abort or the time running out
 * rethrows the last error.
 *
 * @example await persist(() => withOrg(db, scope, (tx) => repo.completeJob(tx, id, worker)), signal)
 */
export async function persist<T>(fn: () => Promise<T>, signal: AbortSignal, maxMs = 120_000): Promise<T> {
  const giveUpAt = Date.now() + maxMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isConnectionError(err) || signal.aborted || Date.now() >= giveUpAt) throw err;
      await delay(Math.min(4_000, 250 * 2 ** attempt), signal);
    }
  }
}
