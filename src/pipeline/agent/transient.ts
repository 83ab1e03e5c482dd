import { APICallError } from 'ai';

const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'UND_ERR_SOCKET', 'EAI_AGAIN']);

/** Worth one retry: rate limits, server errors, dropped connections. Never an abort (the turn's deadline). */
export function isTransientModelError(err: unknown): boolean {
  if (err instanceof Error && err.name === 'AbortError') return false;
  if (APICallError.isInstance(err)) return err.isRetryable || (err.statusCode !== undefined && (err.statusCode === 429 || err.statusCode >= 500));
  const code = (err as { code?: unknown; cause?: { code?: unknown } } | null)?.code ?? (err as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof code === 'string' && TRANSIENT_CODES.has(code);
}
