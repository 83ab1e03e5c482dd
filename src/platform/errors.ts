/**
 * The one error type of the service. Services throw these; the HTTP error handler turns them into the
 * API error shape `{error: {code, message, details?}}`. Anything that is not an AppError becomes a
 * logged 500 with no internal text.
 *
 * @example throw errors.notFound('agent')
 */
export type ErrorCode =
  | 'validation_error'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'request_timeout'
  | 'unsupported_media_type'
  | 'unprocessable'
  | 'rate_limited'
  | 'internal_error'
  | 'service_unavailable';

const STATUS: Record<ErrorCode, number> = {
  validation_error: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  request_timeout: 408,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
};

export interface ErrorDetail {
  path?: string;
  message: string;
  [key: string]: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetail[] | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(code: ErrorCode, message: string, opts: { details?: ErrorDetail[]; headers?: Record<string, string>; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = STATUS[code];
    this.details = opts.details;
    this.headers = opts.headers;
  }

  toBody(): { error: { code: ErrorCode; message: string; details?: ErrorDetail[] } } {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

export const errors = {
  validation: (message: string, details?: ErrorDetail[]) => new AppError('validation_error', message, details ? { details } : {}),
  unauthorized: (message = 'Authentication required') => new AppError('unauthorized', message),
  forbidden: (message = 'Your role does not allow this action') => new AppError('forbidden', message),
  /** The same body for another org's, a deleted and a never-existing resource. */
  notFound: (resource = 'resource') => new AppError('not_found', `${resource} not found`),
  conflict: (message: string) => new AppError('conflict', message),
  payloadTooLarge: (message = 'Payload too large') => new AppError('payload_too_large', message),
  requestTimeout: (message = 'The request body did not arrive in time') => new AppError('request_timeout', message),
  unsupportedMediaType: (message = 'Unsupported media type') => new AppError('unsupported_media_type', message),
  unprocessable: (message: string, details?: ErrorDetail[]) => new AppError('unprocessable', message, details ? { details } : {}),
  rateLimited: (retryAfterSeconds: number) =>
    new AppError('rate_limited', 'Too many requests', { headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) } }),
  internal: (message = 'Internal error') => new AppError('internal_error', message),
  /** The database (or another dependency) is unreachable for now: retry after a short wait. */
  serviceUnavailable: (retryAfterSeconds = 2, cause?: unknown) =>
    new AppError('service_unavailable', 'The service is temporarily unavailable; retry shortly', {
      headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
      ...(cause === undefined ? {} : { cause }),
    }),
};

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
