import { errors } from './errors.js';

/** Keyset cursor over (created_at desc, id desc): stable under inserts, never an offset. */
export interface Cursor {
  t: string;
  id: string;
}

export function encodeCursor(row: { created_at: Date | string; id: string }): string {
  const t = row.created_at instanceof Date ? row.created_at.toISOString() : row.created_at;
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
export function page<T extends { created_at: Date | string; id: string }>(rows: T[], limit: number): { rows: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { rows, nextCursor: null };
  const kept = rows.slice(0, limit);
  return { rows: kept, nextCursor: encodeCursor(kept[kept.length - 1]!) };
}
