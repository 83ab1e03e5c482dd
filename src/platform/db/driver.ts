import { createHash } from 'node:crypto';
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import type { QueryResult } from './types.js';

export type RawQuery = <R = Record<string, unknown>>(sql: string, params?: readonly unknown[]) => Promise<QueryResult<R>>;
/** Multi-statement SQL without parameters: migrations only. */
export type RawExec = (sql: string) => Promise<void>;

/**
 * The two storage modes behind one tiny interface. Only `withOrg`, the named cross-org doors and the
 * migrator open transactions; nothing else sees a driver.
 */
export interface Driver {
  readonly mode: 'embedded' | 'postgres';
  transaction<T>(fn: (query: RawQuery, exec: RawExec) => Promise<T>): Promise<T>;
  /** Outside any transaction: migrations and boot checks only. */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

// int8 → number (counts); timestamps stay Date. Both drivers must hand repos the same JS types.
pg.types.setTypeParser(20, (v: string) => Number(v));

/**
 * Statement names for the extended protocol: the same SQL text always gets the same name, so each pooled
 * connection parses and plans a statement once and then only binds values. Most tenant queries are
 * tiny, so parse/plan (including the RLS rewrite) is most of their server CPU. The set of SQL texts is
 * fixed by the code (values are always parameters), so the cache per connection stays bounded.
 */
const statementNames = new Map<string, string>();
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (!name) {
    name = `cv_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
    if (statementNames.size < 10_000) statementNames.set(sql, name);
  }
  return name;
}

export function createPostgresDriver(url: string, opts: { max?: number; applicationName?: string; preparedStatements?: boolean } = {}): Driver & { pool: pg.Pool } {
  const prepare = opts.preparedStatements ?? false;
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 20, application_name: opts.applicationName ?? 'converse' });
  // An idle client erroring (server restart) must not crash the process; the pool drops it.
  pool.on('error', () => {});
  return {
    mode: 'postgres',
    pool,
    async transaction(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('begin');
        const query: RawQuery = async (sql, params) => {
          const r = prepare
            ? await client.query({ name: statementName(sql), text: sql, values: (params ?? []) as unknown[] })
            : await client.query(sql, params as unknown[] | undefined);
          return { rows: r.rows, rowCount: r.rowCount ?? 0 };
        };
        const exec: RawExec = async (sql) => {
          await client.query(sql);
        };
        const result = await fn(query, exec);
        await client.query('commit');
        return result;
      } catch (err) {
        try {
          await client.query('rollback');
        } catch (rollbackErr) {
          broken = rollbackErr as Error;
        }
        throw err;
      } finally {
        // A connection whose rollback failed is in an unknown state: destroy it rather than reuse it.
        client.release(broken);
      }
    },
    async exec(sql) {
      await pool.query(sql);
    },
    async close() {
      await pool.end();
    },
  };
}

export function createPgliteDriver(db: PGlite): Driver & { pglite: PGlite } {
  return {
    mode: 'embedded',
    pglite: db,
    // PGlite has one session; its transaction() serializes callers, which is what makes per-transaction
    // `SET LOCAL ROLE` safe here.
    async transaction(fn) {
      return db.transaction(async (tx) => {
        const query: RawQuery = async (sql, params) => {
          const r = await tx.query(sql, params as unknown[] | undefined);
          return { rows: r.rows as never[], rowCount: r.rows.length > 0 ? r.rows.length : (r.affectedRows ?? 0) };
        };
        const exec: RawExec = async (sql) => {
          await tx.exec(sql);
        };
        return fn(query, exec);
      });
    },
    async exec(sql) {
      await db.exec(sql);
    },
    async close() {
      await db.close();
    },
  };
}

/** Opens PGlite on a folder, or in memory (optionally from a data-folder snapshot, used by tests). */
export async function openPglite(dataDir: string | undefined, opts: { loadDataDir?: Blob } = {}): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  // btree_gin: the knowledge search index leads with org_id (migrations/0004_knowledge.sql).
  const { btree_gin } = await import('@electric-sql/pglite/contrib/btree_gin');
  const extensions = { pg_trgm, btree_gin };
  return PGlite.create({ ...(dataDir ? { dataDir } : {}), ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}), extensions });
}
