/**
 * One event at a time per session in this process: a chain of promises per session key. Across
 * processes the optimistic version check on the call row does the same job (a stale writer retries).
 */
const tails = new Map<string, Promise<unknown>>();

export function serialized<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const tail = run.catch(() => undefined);
  tails.set(key, tail);
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key);
  });
  return run;
}
