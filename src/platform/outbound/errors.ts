/**
 * Typed failures of the guarded outbound client. Messages name only the target's origin
 * (`https://host:port`): never the path, query, userinfo or headers, because those often carry
 * tokens and these messages end up in logs, tool results and API responses.
 *
 * @example
 * try { await safeFetch(url) } catch (e) { if (e instanceof OutboundBlockedError) log(e.reason) }
 */
import { AppError } from '../errors.js';

export type OutboundBlockReason =
  | 'invalid_url'
  | 'unsupported_scheme'
  | 'private_address'
  | 'metadata_address'
  | 'too_many_redirects';

export type OutboundFailureCode = 'invalid_request' | 'dns_failed' | 'connect_failed' | 'tls_failed' | 'protocol_error' | 'invalid_json';

/** `https://host:port` of a URL; '(invalid url)' when it cannot be parsed. Never includes credentials. */
export function describeTarget(url: string | URL | undefined): string {
  if (url === undefined) return '(invalid url)';
  try {
    const u = typeof url === 'string' ? new URL(url) : url;
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(invalid url)';
  }
}

export abstract class OutboundError extends Error {
  /** Origin only (scheme, host, port) of the request that failed. */
  readonly target: string;
  abstract readonly kind: 'blocked' | 'timeout' | 'too_large' | 'failed';

  constructor(message: string, target: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.target = target;
  }

  /** For routes that make an outbound call on the user's behalf (test a webhook, ingest a URL). */
  toAppError(): AppError {
    return new AppError('unprocessable', this.message, { details: [{ message: this.message, reason: this.kind }] });
  }
}

const BLOCK_TEXT: Record<OutboundBlockReason, string> = {
  invalid_url: 'the URL is not valid',
  unsupported_scheme: 'only http and https URLs are allowed',
  private_address: 'the host resolves to a private, loopback or reserved network address',
  metadata_address: 'the host is a cloud metadata endpoint',
  too_many_redirects: 'too many redirects',
};

export class OutboundBlockedError extends OutboundError {
  readonly kind = 'blocked' as const;
  readonly reason: OutboundBlockReason;
  /** The refused IP, for operators' logs. Deliberately not in `message` (it reveals internal DNS). */
  readonly address: string | undefined;

  constructor(reason: OutboundBlockReason, target: string, opts: { address?: string; viaRedirect?: boolean } = {}) {
    const via = opts.viaRedirect ? ' (after a redirect)' : '';
    super(`Outbound request to ${target} refused${via}: ${BLOCK_TEXT[reason]}`, target);
    this.name = 'OutboundBlockedError';
    this.reason = reason;
    this.address = opts.address;
  }

  override toAppError(): AppError {
    return new AppError('unprocessable', this.message, { details: [{ message: this.message, reason: this.reason }] });
  }
}

export class OutboundTimeoutError extends OutboundError {
  readonly kind = 'timeout' as const;
  readonly phase: 'connect' | 'total';
  readonly timeoutMs: number;

  constructor(phase: 'connect' | 'total', timeoutMs: number, target: string) {
    const what = phase === 'connect' ? 'connecting' : 'completing the request';
    super(`Outbound request to ${target} timed out ${what} (limit ${timeoutMs} ms)`, target);
    this.name = 'OutboundTimeoutError';
    this.phase = phase;
    this.timeoutMs = timeoutMs;
  }
}

export class OutboundTooLargeError extends OutboundError {
  readonly kind = 'too_large' as const;
  readonly direction: 'request' | 'response';
  readonly limitBytes: number;

  constructor(direction: 'request' | 'response', limitBytes: number, target: string) {
    super(`Outbound ${direction} body for ${target} exceeds the size limit of ${limitBytes} bytes`, target);
    this.name = 'OutboundTooLargeError';
    this.direction = direction;
    this.limitBytes = limitBytes;
  }
}

const FAILURE_TEXT: Record<OutboundFailureCode, string> = {
  invalid_request: 'a request header name or value is invalid',
  dns_failed: 'the host name could not be resolved',
  connect_failed: 'the connection failed',
  tls_failed: 'the TLS handshake or certificate check failed',
  protocol_error: 'the server sent an invalid or incomplete HTTP response',
  invalid_json: 'the response body is not valid JSON',
};

/** Network and protocol failures. `cause` keeps the Node error (its text names IPs, never credentials). */
export class OutboundRequestError extends OutboundError {
  readonly kind = 'failed' as const;
  readonly code: OutboundFailureCode;
  /** The underlying Node error code, e.g. ECONNREFUSED, when there is one. */
  readonly systemCode: string | undefined;

  constructor(code: OutboundFailureCode, target: string, cause?: unknown) {
    const systemCode = (cause as { code?: unknown } | undefined)?.code;
    const sys = typeof systemCode === 'string' ? systemCode : undefined;
    super(`Outbound request to ${target} failed: ${FAILURE_TEXT[code]}${sys ? ` (${sys})` : ''}`, target, cause);
    this.name = 'OutboundRequestError';
    this.code = code;
    this.systemCode = sys;
  }
}
