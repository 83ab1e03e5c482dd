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
      },
    },
    destination,
  );
}

/** Keep an error's type, message, code and stack; drop driver fields that can carry SQL or values. */
function safeErr(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const e = err as Error & { code?: unknown; sqlstate?: unknown };
  return { type: e.name, message: e.message, code: e.code ?? e.sqlstate, stack: e.stack };
}

export type { Logger };
