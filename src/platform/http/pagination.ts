import { errors } from '../errors.js';

/** Keyset cursor over (created_at desc, id desc): stable under inserts, never an offset. */
export interface Cursor {
  t: string;
  id: string;
}

/**
 * SQL selecting a row's cursor timestamp at full (microsecond) precision as `cursor_at`. A JS Date keeps
 * only milliseconds, so a cursor built from `created_at` alone skips the rows that share the boundary
 * row's millisecond but sort after it (rows written in one transaction usually do). List queries select
 * it next to `created_at`; `page()` then uses it.
 *
 * @example `select id, name, created_at, ${cursorAt()} from app.things where ...`
 */
export const cursorAt = (column = 'created_at'): string => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_at`;

export function encodeCursor(row: { created_at: Date | string; id: string; cursor_at?: string }): string {
  const t = row.cursor_at ?? (row.created_at instanceof Date ? row.created_at.toISOString() : row.created_at);
  return Buffer.from(JSON.stringify({ t, id: row.id })).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): Cursor | null {
  if (!cursor) return null;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Cursor;
    if (typeof v.t !== 'string' || Number.isNaN(Date.parse(v.t)) || typeof v.id !== 'string' || !/^[0-9a-f-]{36}$/.test(v.id)) throw new Error();
    return v;
  } catch {
    throw errors.validation('Invalid cursor', [{ path: 'cursor', message: 'not a cursor returned by this API' }]);
  }
}

/** Repos fetch limit+1 rows; this trims and computes next_cursor. */
export function page<T extends { created_at: Date | string; id: string; cursor_at?: string }>(rows: T[], limit: number): { rows: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { rows, nextCursor: null };
  const kept = rows.slice(0, limit);
  return { rows: kept, nextCursor: encodeCursor(kept[kept.length - 1]!) };
}
