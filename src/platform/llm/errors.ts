/**
 * What went wrong in a model call, in words safe to show a tenant and to log. Provider error bodies
 * are never quoted: OpenAI's 401 repeats the key it was sent, and others echo headers or prompts.
 *
 * @example
 * catch (err) { const f = classifyLlmError(err); if (f.transient && attempt === 0) retry(); else fail(f.message) }
 */
import { APICallError, RetryError } from 'ai';
import { OutboundBlockedError, OutboundError, OutboundRequestError, OutboundTimeoutError, OutboundTooLargeError } from '../outbound/index.js';
import { LlmConfigError } from './models.js';

export type LlmFailureCode =
  | 'unauthorized' // 401/403: wrong or revoked key
  | 'rate_limited' // 429
  | 'unavailable' // 5xx
  | 'bad_request' // other 4xx: unknown model, bad parameters
  | 'timeout' // our deadline (the turn's signal) or the outbound client's
  | 'network' // connection refused/reset, DNS, TLS
  | 'blocked' // the address policy refused the base URL
  | 'invalid_response' // not the protocol we expected
  | 'misconfigured' // missing key or base URL
  | 'unknown';

export interface LlmFailure {
  code: LlmFailureCode;
  /** Retry once: 429, 5xx, a dropped connection. Never a timeout (the turn's budget is spent). */
  transient: boolean;
  status?: number;
  /** Safe to return in an API response: names at most the HTTP status and the origin. */
  message: string;
}

function fromStatus(status: number): LlmFailure {
  if (status === 401 || status === 403) return { code: 'unauthorized', transient: false, status, message: `the provider refused the credentials (HTTP ${status})` };
  if (status === 429) return { code: 'rate_limited', transient: true, status, message: 'the provider is rate limiting requests (HTTP 429)' };
  if (status === 408 || status >= 500) return { code: 'unavailable', transient: true, status, message: `the provider is unavailable (HTTP ${status})` };
  return { code: 'bad_request', transient: false, status, message: `the provider rejected the request (HTTP ${status})` };
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError');
}

export function classifyLlmError(err: unknown): LlmFailure {
  if (RetryError.isInstance(err)) return classifyLlmError(err.lastError);
  if (err instanceof LlmConfigError) return { code: 'misconfigured', transient: false, message: err.message };
  if (APICallError.isInstance(err)) {
    if (err.statusCode !== undefined) return fromStatus(err.statusCode);
    const cause = err.cause;
    if (cause instanceof OutboundError || isAbort(cause)) return classifyLlmError(cause);
    return { code: 'network', transient: true, message: 'could not reach the provider' };
  }
  if (err instanceof OutboundBlockedError) return { code: 'blocked', transient: false, message: err.message };
  if (err instanceof OutboundTimeoutError || isAbort(err)) return { code: 'timeout', transient: false, message: 'the provider did not answer in time' };
  if (err instanceof OutboundTooLargeError) return { code: 'invalid_response', transient: false, message: err.message };
  if (err instanceof OutboundRequestError) {
    const transient = err.code === 'connect_failed' || err.code === 'protocol_error' || err.code === 'dns_failed';
    return { code: err.code === 'invalid_json' ? 'invalid_response' : 'network', transient, message: err.message };
  }
  if (err instanceof Error && /JSON|type validation|parse/i.test(err.name)) return { code: 'invalid_response', transient: false, message: 'the provider sent a response in an unexpected format' };
  return { code: 'unknown', transient: false, message: 'the model call failed' };
}

export function isTransientLlmError(err: unknown): boolean {
  return classifyLlmError(err).transient;
}
