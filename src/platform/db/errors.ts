import { AppError, errors } from '../errors.js';

/** Driver errors carry SQLSTATE in `code`. Translated once, here; their text never reaches a response. */
interface PgLikeError {
  code?: string;
  message?: string;
}

export class DbError extends Error {
  readonly sqlstate: string | undefined;
  constructor(message: string, sqlstate: string | undefined, cause: unknown) {
    super(message, { cause });
    this.name = 'DbError';
    this.sqlstate = sqlstate;
  }
}

/** Socket-level failures reaching the database: the server restarted, failed over or is unreachable. */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/**
 * SQLSTATEs that mean "this connection or server is going away / not up yet", not "this statement is
 * wrong": admin_shutdown, crash_shutdown, cannot_connect_now (starting up / shutting down), class 08.
 */
const UNAVAILABLE_SQLSTATE = /^(57P01|57P02|57P03|08[0-9A-Z]{3})$/;
/** node-postgres reports a lost or unobtainable connection with these messages and no code. */
const CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'Cannot use a pool after calling end on the pool',
];

/** True for errors that say the database is unreachable right now (worth a retry later), not that a statement failed. */
export function isConnectionError(err: unknown): boolean {
  if (err instanceof AppError) return err.code === 'service_unavailable';
  const e = err as PgLikeError | null;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && (CONNECTION_CODES.has(e.code) || UNAVAILABLE_SQLSTATE.test(e.code))) return true;
  return typeof e.message === 'string' && CONNECTION_MESSAGES.some((m) => e.message!.startsWith(m));
}

export function translateDbError(err: unknown): unknown {
  if (err instanceof AppError || err instanceof DbError) return err;
  // 503 with Retry-After: the request did not fail because of what it asked; the pool reconnects by itself.
  if (isConnectionError(err)) return errors.serviceUnavailable(2, err);
  const e = err as PgLikeError;
  if (!e || typeof e !== 'object' || typeof e.code !== 'string' || !/^[0-9A-Z]{5}$/.test(e.code)) return err;
  switch (e.code) {
    case '23505':
      return errors.conflict('A resource with these values already exists');
    case '23503':
      // A composite (org_id, id) foreign key failing means the referenced id is not in this org.
      return errors.notFound('referenced resource');
    case '23514':
    case '23502':
    case '22001':
      return errors.validation('The request contains a value the server cannot store');
    case '22P02':
      return errors.notFound();
    default:
      // Last line of defence (inputs are checked at the edge, platform/http/json-limits.ts): any other
      // data exception (class 22: NUL in text 22021/22P05, out-of-range datetime 22008, …) is the
      // caller's value, never a server fault.
      if (e.code.startsWith('22')) return errors.validation('The request contains a value the server cannot store');
      return new DbError(`database error ${e.code}`, e.code, err);
  }
}
