import { createHash } from 'node:crypto';
import pg from 'pg';
import type { PGlite, Results } from '@electric-sql/pglite';
import type { QueryResult } from './types.js';
import { createPgliteStatements } from './pglite-statements.js';
import { OpeningGroup, type OpeningStatement } from './pg-opening.js';

export type RawQuery = <R = Record<string, unknown>>(sql: string, params?: readonly unknown[]) => Promise<QueryResult<R>>;
/** Multi-statement SQL without parameters: migrations only. */
export type RawExec = (sql: string) => Promise<void>;

/**
 * A statement that opens every transaction right after BEGIN (withOrg's context statement). `check` sees
 * its rows before any result of the transaction reaches the caller; a throw rolls the transaction back.
 */
export interface Prelude {
  sql: string;
  params: readonly unknown[];
  check(rows: readonly Record<string, unknown>[]): void;
}

/**
 * The two storage modes behind one tiny interface. Only `withOrg`, the named cross-org doors and the
 * migrator open transactions; nothing else sees a driver.
 */
export interface Driver {
  readonly mode: 'embedded' | 'postgres';
  transaction<T>(fn: (query: RawQuery, exec: RawExec) => Promise<T>, opts?: { prelude?: Prelude }): Promise<T>;
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

export interface PostgresDriverOptions {
  max?: number;
  applicationName?: string;
  /** Named prepared statements (see statementName). */
  preparedStatements?: boolean;
  /**
   * Send BEGIN, the prelude and the transaction's first statement as one message group with a single
   * Sync (pg-opening.ts) instead of three queries: one round trip, and one flush on the server instead
   * of three.
   */
  pipeline?: boolean;
}

export function createPostgresDriver(url: string, opts: PostgresDriverOptions = {}): Driver & { pool: pg.Pool } {
  const prepare = opts.preparedStatements ?? false;
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 20,
    application_name: opts.applicationName ?? 'converse',
    // Never wait forever for a connection (a server that does not answer, a pool exhausted for long):
    // the request gets a 503 instead of hanging.
    connectionTimeoutMillis: 10_000,
  } as pg.PoolConfig);
  const fuse = opts.pipeline ?? false;
  // An idle client erroring (server restart) must not crash the process; the pool drops it.
  pool.on('error', () => {});
  return {
    mode: 'postgres',
    pool,
    async transaction(fn, txOpts) {
      const client = await pool.connect();
      // A checked-out client whose connection dies (server restart, failover, pg_terminate_backend)
      // emits 'error'; without a listener that is an uncaught exception. Its queries reject anyway;
      // remember the error so the client is destroyed instead of returned to the pool.
      let lost: Error | undefined;
      const onLost = (err: Error) => {
        lost = err;
      };
      client.on('error', onLost);
      const prelude = txOpts?.prelude;
      // One exchange at a time on the connection, in call order (node-postgres deprecates overlapping
      // queries on a client), so statements a caller issues together still run one after the other.
      let tail: Promise<unknown> = Promise.resolve();
      const serial = <T>(start: () => Promise<T>): Promise<T> => {
        const next = tail.then(start, start);
        tail = next.catch(() => undefined);
        return next;
      };
      const simple = (sql: string) => serial(() => client.query(sql));
      const send = <R>(sql: string, params: readonly unknown[] | undefined) =>
        serial(() => (prepare ? client.query({ name: statementName(sql), text: sql, values: (params ?? []) as unknown[] }) : client.query(sql, params as unknown[] | undefined))).then(
          (r) => ({ rows: r.rows as R[], rowCount: r.rowCount ?? 0 }),
        );
      // BEGIN and the prelude go out with the transaction's first statement, not before it. Fused (the
      // default), the three are one message group: one round trip, one flush. The first statement still
      // runs after BEGIN and the prelude on the server, and its result reaches the caller only once the
      // prelude's check passed. A transaction that sends nothing never opens one.
      let opened: Promise<void> | null = null;
      const open = (): Promise<void> => {
        const began = simple('begin');
        const pre = prelude ? send<Record<string, unknown>>(prelude.sql, prelude.params) : null;
        return Promise.allSettled([began, pre]).then(([b, p]) => {
          if (b.status === 'rejected') throw b.reason;
          if (p.status === 'rejected') throw p.reason;
          if (prelude) prelude.check(p.value!.rows);
        });
      };
      // One group when every named statement in it is already parsed on this connection (a group never
      // parses a named statement); unprepared, each statement is parsed unnamed inside the group. The
      // first use of a statement on a connection takes the three-query path (three round trips), which
      // parses it.
      const asGroupStatement = (sql: string, params: readonly unknown[] | undefined): OpeningStatement | null => {
        if (!prepare) return { text: sql, values: params ?? [] };
        const name = statementName(sql);
        return OpeningGroup.isParsed(client, name) ? { name, text: sql, values: params ?? [] } : null;
      };
      // Decides synchronously, so a second statement issued in the same tick sees `opened`.
      const openFused = <R>(sql: string, params: readonly unknown[] | undefined): Promise<QueryResult<R>> | null => {
        if (!fuse) return null;
        const first = asGroupStatement(sql, params);
        const pre = prelude ? asGroupStatement(prelude.sql, prelude.params) : null;
        if (!first || (prelude && !pre)) return null;
        const checked = serial(() => OpeningGroup.run(client, pre ? [pre, first] : [first])).then((results) => {
          if (prelude) prelude.check(results[0]!.rows);
          return results[results.length - 1]!;
        });
        opened = checked.then(() => undefined);
        opened.catch(() => undefined); // observed by later statements; the caller sees `checked`
        return checked.then((r) => ({ rows: r.rows as R[], rowCount: r.rowCount ?? 0 }));
      };
      const query: RawQuery = async <R>(sql: string, params?: readonly unknown[]) => {
        if (opened) {
          await opened;
          return send<R>(sql, params);
        }
        const fused = openFused<R>(sql, params);
        if (fused) return fused;
        opened = open();
        const first = send<R>(sql, params);
        const [o, f] = await Promise.allSettled([opened, first]);
        if (o.status === 'rejected') throw o.reason;
        if (f.status === 'rejected') throw f.reason;
        return f.value;
      };
      const exec: RawExec = async (sql) => {
        opened ??= open();
        await opened;
        await simple(sql);
      };
      let broken: Error | undefined;
      try {
        const result = await fn(query, exec);
        if (opened) {
          await opened;
          await simple('commit');
        }
        return result;
      } catch (err) {
        if (opened) {
          try {
            await simple('rollback');
          } catch (rollbackErr) {
            broken = rollbackErr as Error;
          }
        }
        throw err;
      } finally {
        // A connection whose rollback failed is in an unknown state: destroy it rather than reuse it.
        client.off('error', onLost);
        client.release(broken ?? lost);
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

export function createPgliteDriver(db: PGlite, opts: { preparedStatements?: boolean } = {}): Driver & { pglite: PGlite } {
  const statements = opts.preparedStatements ? createPgliteStatements(db) : null;
  return {
    mode: 'embedded',
    pglite: db,
    // PGlite has one session; its transaction() serializes callers, which is what makes per-transaction
    // `SET LOCAL ROLE` safe here.
    async transaction(fn, txOpts) {
      return db.transaction(async (tx) => {
        const toResult = <R>(r: Results): QueryResult<R> => ({ rows: r.rows as R[], rowCount: r.rows.length > 0 ? r.rows.length : (r.affectedRows ?? 0) });
        const one = async (sql: string, params: readonly unknown[]): Promise<Results> =>
          (await statements?.run([{ sql, params }]))?.[0] ?? (await tx.query(sql, params as unknown[]));
        // No round trips to save in-process, but each call into PGlite costs: prepared, the prelude and the
        // first statement go in one call. As with PostgreSQL, the first result is returned only after the
        // prelude's check passed, a failed check rolls both back, and later statements wait for it.
        const prelude = txOpts?.prelude;
        const check = (r: Results) => prelude!.check(r.rows as Record<string, unknown>[]);
        let opened: Promise<void> | null = prelude ? null : Promise.resolve();
        const first = async <R>(sql: string, params: readonly unknown[]): Promise<QueryResult<R>> => {
          const pair = await statements?.run([{ sql: prelude!.sql, params: prelude!.params }, { sql, params }]);
          if (pair) {
            check(pair[0]!);
            return toResult<R>(pair[1]!);
          }
          check(await one(prelude!.sql, prelude!.params));
          return toResult<R>(await one(sql, params));
        };
        const query: RawQuery = async <R>(sql: string, params?: readonly unknown[]) => {
          if (!opened) {
            const result = first<R>(sql, params ?? []);
            opened = result.then(() => undefined);
            opened.catch(() => undefined); // observed by later statements; the caller sees `result`
            return result;
          }
          await opened;
          return toResult<R>(await one(sql, params ?? []));
        };
        const exec: RawExec = async (sql) => {
          opened ??= one(prelude!.sql, prelude!.params).then(check);
          await opened;
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
