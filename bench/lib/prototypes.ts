import { createHash } from 'node:crypto';
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import type { RawQuery } from '../../src/platform/db/driver.js';
import type { OrgScope } from '../../src/platform/db/with-org.js';
import type { Tx } from '../../src/platform/db/types.js';

/*
 * Bench-only PROTOTYPES of cheaper `withOrg` transaction starts, measured by isolation-cost.ts next to the
 * real withOrg. Nothing in src/ uses them; docs/benchmarks.md describes the change they suggest.
 */

/**
 * PROTOTYPE: `withOrg` for PostgreSQL whose BEGIN and context statement
 * travel in ONE round trip, using node-postgres' pipeline mode (pg >= 8.22, `pipeline: true`). The
 * context statement is byte-for-byte the one src/platform/db/with-org.ts sends (PostgreSQL branch), still
 * parameterized, with the same clean-connection assertion. Everything after it is awaited one by one as
 * today, so `fn` sees no difference.
 */
const CONTEXT_SQL =
  `select coalesce(current_setting('app.org_id', true), '') as leftover,` +
  ` set_config('app.org_id', $1, true) as org, set_config('app.user_id', $2, true) as usr,` +
  ` set_config('app.api_key_id', $3, true) as key, current_user::text as role`;

export function createPipelinedPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, application_name: 'converse-bench-pipelined', pipeline: true } as pg.PoolConfig);
  pool.on('error', () => {});
  return pool;
}

export async function withOrgPipelined<T>(pool: pg.Pool, appRole: string, scope: OrgScope, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    // Both messages are written before either answer is read: one network round trip instead of two.
    const began = client.query('begin');
    const ctx = client.query<{ leftover: string; role: string }>(CONTEXT_SQL, [scope.orgId, scope.userId ?? '', scope.apiKeyId ?? '']);
    const [, ctxResult] = await Promise.all([began, ctx]);
    const row = ctxResult.rows[0];
    if (!row || row.role !== appRole || row.leftover !== '') throw new Error('tenant transaction is not clean');
    const query: RawQuery = async (sql, params) => {
      const r = await client.query(sql, params as unknown[] | undefined);
      return { rows: r.rows, rowCount: r.rowCount ?? 0 };
    };
    const result = await fn({ query, orgId: scope.orgId });
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
    client.release(broken);
  }
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ROLE_RE = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * PROTOTYPE (bench only): BEGIN and the context statement as ONE simple-protocol message
 * (`begin; select set_config(...)`), so the server parses and answers them together and the client
 * handles one message exchange instead of two. Values cannot be bound in a multi-statement message, so
 * they are inlined — safe only because every one is first checked against a strict UUID pattern (as
 * withOrg already does) and then quoted. Same clean-connection assertion as withOrg.
 */
export function mergedContextSql(scope: OrgScope, embeddedRole: string | null): string {
  const ids = [scope.orgId, scope.userId ?? '', scope.apiKeyId ?? ''];
  for (const id of ids) if (id !== '' && !UUID_RE.test(id)) throw new Error('invalid id');
  if (embeddedRole !== null && !ROLE_RE.test(embeddedRole)) throw new Error('invalid role');
  const [org, usr, key] = ids.map((v) => `'${v}'`);
  const roleSwitch = embeddedRole === null ? '' : `set_config('role', '${embeddedRole}', true) as switched,`;
  return (
    `begin; select ${roleSwitch} coalesce(current_setting('app.org_id', true), '') as leftover,` +
    ` set_config('app.org_id', ${org}, true) as org, set_config('app.user_id', ${usr}, true) as usr,` +
    ` set_config('app.api_key_id', ${key}, true) as key, current_user::text as role`
  );
}

export async function withOrgMergedPg<T>(pool: pg.Pool, appRole: string, scope: OrgScope, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    const results = (await client.query(mergedContextSql(scope, null))) as unknown as pg.QueryResult<{ leftover: string; role: string }>[];
    const row = results[1]?.rows[0];
    if (!row || row.role !== appRole || row.leftover !== '') throw new Error('tenant transaction is not clean');
    const query: RawQuery = async (sql, params) => {
      const r = await client.query(sql, params as unknown[] | undefined);
      return { rows: r.rows, rowCount: r.rowCount ?? 0 };
    };
    const result = await fn({ query, orgId: scope.orgId });
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
    client.release(broken);
  }
}

/**
 * The same for PGlite. Bench-only shortcut: it drives BEGIN/COMMIT itself instead of through
 * PGlite's transaction(), which is safe here because the bench has one caller at a time; a real driver
 * would hold PGlite's transaction lock around it.
 */
export async function withOrgMergedPglite<T>(pglite: PGlite, appRole: string, scope: OrgScope, fn: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    const results = await pglite.exec(mergedContextSql(scope, appRole));
    const row = results[1]?.rows[0] as { leftover: string; role: string } | undefined;
    if (!row || row.role !== appRole || row.leftover !== '') throw new Error('tenant transaction is not clean');
    const query: RawQuery = async (sql, params) => {
      const r = await pglite.query(sql, params as unknown[] | undefined);
      return { rows: r.rows as never[], rowCount: r.rows.length > 0 ? r.rows.length : (r.affectedRows ?? 0) };
    };
    const result = await fn({ query, orgId: scope.orgId });
    await pglite.exec('commit');
    return result;
  } catch (err) {
    await pglite.exec('rollback');
    throw err;
  }
}

const statementName = (sql: string): string => `cv_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;

/**
 * PROTOTYPE: the same transaction shapes with every statement sent as a NAMED prepared statement
 * (node-postgres `{ name, text, values }`), so each connection parses and plans a statement once and then
 * reuses the plan: the per-execution planning of RLS quals (policy lookup, the initplan subquery) is
 * paid once per connection instead of on every query. `scope` set: withOrg semantics as the app role
 * (BEGIN, context statement + clean check, fn, COMMIT). `scope` null: the superuser baseline.
 */
export async function transactionPrepared<T>(
  pool: pg.Pool,
  ctx: { appRole: string; scope: OrgScope; merged?: boolean } | null,
  orgId: string,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const query: RawQuery = async (sql, params) => {
    const r = await client.query({ name: statementName(sql), text: sql, values: params as unknown[] | undefined });
    return { rows: r.rows, rowCount: r.rowCount ?? 0 };
  };
  try {
    if (ctx?.merged) {
      // Both prototypes together: BEGIN + context in one simple-protocol message, prepared statements after.
      const results = (await client.query(mergedContextSql(ctx.scope, null))) as unknown as pg.QueryResult<{ leftover: string; role: string }>[];
      const row = results[1]?.rows[0];
      if (!row || row.role !== ctx.appRole || row.leftover !== '') throw new Error('tenant transaction is not clean');
    } else {
      await client.query('begin');
    }
    if (ctx && !ctx.merged) {
      const { rows } = await query<{ leftover: string; role: string }>(CONTEXT_SQL, [ctx.scope.orgId, ctx.scope.userId ?? '', ctx.scope.apiKeyId ?? '']);
      const row = rows[0];
      if (!row || row.role !== ctx.appRole || row.leftover !== '') throw new Error('tenant transaction is not clean');
    }
    const result = await fn({ query, orgId });
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
    client.release(broken);
  }
}
