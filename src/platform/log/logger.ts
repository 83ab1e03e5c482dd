import pino, { type Logger } from 'pino';
import type { LogLevelName } from '../../config.js';

/**
 * Paths the logger must never print. Secrets also stay out of log *messages* by construction: services
 * log ids, never credentials, and driver errors are logged by SQLSTATE without their parameters.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-twilio-signature"]',
  'req.headers["x-plivo-signature-v3"]',
  'req.headers["x-hub-signature-256"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.password_hash',
  '*.token',
  '*.access_token',
  '*.refresh_token',
  '*.api_key',
  '*.key',
  '*.secret',
  '*.credentials',
  '*.auth_token',
  '*.headers.authorization',
  '*.params',
  '*.parameters',
  'err.params',
  'err.query',
  'err.detail',
  'err.where',
];

export function createLogger(level: LogLevelName, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'converse' },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: {
        err: (err: unknown) => safeErr(err),
        req: (req: LoggedRequest) => safeReq(req),
      },
    },
    destination,
  );
}

const QUERY_KEY = /^[A-Za-z0-9_.[\]-]{1,64}$/;

/**
 * A URL fit for a log line: the path as requested, each query value replaced (`?access_token=[redacted]`).
 * Keys stay (they say what was sent) unless they do not look like a parameter name; a part without
 * `=` is redacted whole (a bare `?eyJhbGci…` is a value).
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const pairs = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair === '' ? '' : '[redacted]';
      const key = pair.slice(0, eq);
      return `${QUERY_KEY.test(key) ? key : '[redacted]'}=[redacted]`;
    });
  return `${url.slice(0, q)}?${pairs.join('&')}`;
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** Fastify's request serializer, with the query values redacted. */
function safeReq(req: LoggedRequest): Record<string, unknown> {
  return { method: req.method, url: typeof req.url === 'string' ? redactUrl(req.url) : req.url, host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort };
}

/** Keep an error's type, message, code and stack; drop driver fields that can carry SQL or values. */
function safeErr(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const e = err as Error & { code?: unknown; sqlstate?: unknown };
  return { type: e.name, message: e.message, code: e.code ?? e.sqlstate, stack: e.stack };
}

export type { Logger };
