import type { Tx } from '../../platform/db/types.js';
import type { DncSource } from './schemas.js';

export interface DncRow {
  phone: string;
  source: DncSource;
  created_at: Date;
}

// Every statement also filters on org_id = $1: RLS is the boundary in PostgreSQL mode, and this filter
// is what holds in embedded mode (ISOLATION.md "Embedded mode").

/** Adds the number; an existing entry is kept as it is (its source and date). Null when it was already listed. */
export async function insertDnc(tx: Tx, phone: string, source: DncSource): Promise<DncRow | null> {
  const r = await tx.query<DncRow>(
    'insert into app.dnc (org_id, phone, source) values ($1, $2, $3) on conflict (org_id, phone) do nothing returning phone, source, created_at',
    [tx.orgId, phone, source],
  );
  return r.rows[0] ?? null;
}

export async function getDnc(tx: Tx, phone: string): Promise<DncRow | null> {
  const r = await tx.query<DncRow>('select phone, source, created_at from app.dnc where org_id = $1 and phone = $2', [tx.orgId, phone]);
  return r.rows[0] ?? null;
}

/** Deletes the entry, only from the given sources when named. Null when nothing matched. */
export async function deleteDnc(tx: Tx, phone: string, sources?: readonly DncSource[]): Promise<DncRow | null> {
  const r = await tx.query<DncRow>(
    'delete from app.dnc where org_id = $1 and phone = $2 and ($3::text[] is null or source = any($3::text[])) returning phone, source, created_at',
    [tx.orgId, phone, sources ?? null],
  );
  return r.rows[0] ?? null;
}

/** One page (limit + 1 rows) in number order, after `after`; only numbers containing `digits` when given (digits only: no LIKE wildcard can reach the pattern). */
export async function listDnc(tx: Tx, opts: { after: string | null; limit: number; digits: string | null }): Promise<DncRow[]> {
  const r = await tx.query<DncRow>(
    `select phone, source, created_at from app.dnc
      where org_id = $1 and ($2::text is null or phone > $2) and ($4::text is null or phone like '%' || $4 || '%')
      order by phone limit $3`,
    [tx.orgId, opts.after, opts.limit + 1, opts.digits],
  );
  return r.rows;
}

export async function listedAmong(tx: Tx, phones: readonly string[]): Promise<Set<string>> {
  if (phones.length === 0) return new Set();
  const r = await tx.query<{ phone: string }>('select phone from app.dnc where org_id = $1 and phone = any($2::text[])', [tx.orgId, phones]);
  return new Set(r.rows.map((x) => x.phone));
}
