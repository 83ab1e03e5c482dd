/**
 * Deadlines and the single retry of a model call (RUNTIME.md: a transient failure is retried once).
 *
 * @example
 * const deadline = turnDeadline(15_000, session.signal);
 * try {
 *   const text = await retryOnce(() => generateText({ model, prompt, maxRetries: 0, abortSignal: deadline.signal }), { signal: deadline.signal });
 * } finally { deadline.dispose(); }
 */
import { isTransientLlmError } from './errors.js';

export interface TurnDeadline {
  /** Aborts when the time is up or the parent aborts (the caller hung up, the session ended). */
  signal: AbortSignal;
  /** True when this deadline fired (as opposed to the parent). */
  timedOut(): boolean;
  /** Clears the timer; call it when the turn is over. */
  dispose(): void;
}

export class TurnTimeoutError extends Error {
  override name = 'TimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`the model did not finish within ${timeoutMs} ms`);
  }
}

export function turnDeadline(timeoutMs: number, parent?: AbortSignal): TurnDeadline {
  const controller = new AbortController();
  let fired = false;
  const timer = setTimeout(() => {
    fired = true;
    controller.abort(new TurnTimeoutError(timeoutMs));
  }, timeoutMs);
  timer.unref?.();
  const onParent = () => controller.abort(parent?.reason);
  if (parent?.aborted) onParent();
  parent?.addEventListener('abort', onParent, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => fired,
    dispose: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParent);
    },
  };
}

/**
 * Runs `fn`, and once more if it failed transiently (429, 5xx, dropped connection) and `signal` has not
 * aborted. Set the SDK's own `maxRetries: 0` so this is the only retry. For streams, call it around the
 * part before the first token only: text already sent to a caller cannot be taken back.
 */
export async function retryOnce<T>(fn: (attempt: number) => Promise<T>, opts: { signal?: AbortSignal; delayMs?: number } = {}): Promise<T> {
  try {
    return await fn(0);
  } catch (err) {
    if (!isTransientLlmError(err) || opts.signal?.aborted) throw err;
    if (opts.delayMs) await new Promise((resolve) => setTimeout(resolve, opts.delayMs));
    return fn(1);
  }
}
