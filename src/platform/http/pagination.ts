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

const CURSOR_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Only what `encodeCursor` produces: a UTC timestamp in the exact form above whose calendar fields
 * survive a round trip (no 30 February, no hour 24), in years 1..9999 (so PostgreSQL and JavaScript
 * agree on it), and a UUID. Anything else is a 400 before any query runs.
 */
function validCursorTime(t: string): boolean {
  const m = CURSOR_TIME.exec(t);
  if (!m) return false;
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (y < 1) return false;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, sec, 0);
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d &&
    date.getUTCHours() === h && date.getUTCMinutes() === mi && date.getUTCSeconds() === sec;
}

export function decodeCursor(cursor: string | undefined): Cursor | null {
  if (!cursor) return null;
  let v: Partial<Cursor> | null = null;
  try {
    if (/^[A-Za-z0-9_-]+$/.test(cursor)) v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<Cursor>;
  } catch {
    v = null;
  }
  if (!v || typeof v !== 'object' || typeof v.t !== 'string' || !validCursorTime(v.t) || typeof v.id !== 'string' || !UUID.test(v.id)) {
    throw errors.validation('Invalid cursor', [{ path: 'query.cursor', message: 'not a cursor returned by this API' }]);
  }
  return { t: v.t, id: v.id };
}

/** Repos fetch limit+1 rows; this trims and computes next_cursor. */
export function page<T extends { created_at: Date | string; id: string; cursor_at?: string }>(rows: T[], limit: number): { rows: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { rows, nextCursor: null };
  const kept = rows.slice(0, limit);
  return { rows: kept, nextCursor: encodeCursor(kept[kept.length - 1]!) };
}
