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

export function translateDbError(err: unknown): unknown {
  if (err instanceof AppError || err instanceof DbError) return err;
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
