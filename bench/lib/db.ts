import { createDatabase, OWNER_ROLE, type Database } from '../../src/platform/db/database.js';
import { createPgliteDriver, createPostgresDriver, openPglite, type Driver, type PostgresDriverOptions, type RawQuery } from '../../src/platform/db/driver.js';
import { migrate } from '../../src/platform/db/migrate.js';
import { verifyRuntimeRole } from '../../src/platform/db/boot-check.js';
import { runtimeLoginFrom } from '../../src/runtime.js';
import type pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';

export type BenchMode = 'pglite' | 'postgres';

export const DEFAULT_PG_URL = 'postgres://converse_app@127.0.0.1:5432/converse_bench';
export const DEFAULT_PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/converse_bench';

/**
 * The baseline, "directly as the owner role with plain where org_id = $1": a bench-only login role
 * with the owner's privileges (member of converse_owner) that is NOT a superuser, so it pays the same
 * table and function permission checks any application role pays. Its BYPASSRLS attribute is what "no
 * isolation machinery" means here: every table FORCEs row-level security, so even the owner role itself
 * is bound by the policies. Created by the bench (PostgreSQL: in the cluster, once; PGlite: per instance),
 * never by migrations, and the app never uses it.
 */
export const BENCH_OWNER_ROLE = 'converse_bench_owner';

/** BENCH_MODES=pglite,postgres; default: pglite, plus postgres when DATABASE_URL is set. */
export function modesFromEnv(): BenchMode[] {
  const raw = process.env.BENCH_MODES;
  if (raw) {
    const modes = raw.split(',').map((m) => m.trim()).filter(Boolean);
    for (const m of modes) if (m !== 'pglite' && m !== 'postgres') throw new Error(`unknown BENCH_MODES entry: ${m}`);
    return modes as BenchMode[];
  }
  return process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`);
  return n;
}

export interface BenchDb {
  mode: BenchMode;
  /** The runtime database: app role (`converse_app`), exactly as the server uses it. */
  db: Database;
  /**
   * Superuser connection (PostgreSQL: MIGRATION_DATABASE_URL as `postgres`; PGlite: the one superuser
   * session). Bypasses RLS. Used for seeding and for the "no isolation" baseline, never by the app.
   */
  admin: Driver;
  /** The owner-role baseline (BENCH_OWNER_ROLE): RLS bypassed, not a superuser. */
  owner: Driver;
  pgPool?: pg.Pool;
  adminPool?: pg.Pool;
  ownerPool?: pg.Pool;
  pglite?: PGlite;
  close(): Promise<void>;
}

function benchDriverOptions(): PostgresDriverOptions {
  return { preparedStatements: process.env.BENCH_PREPARED !== 'false', pipeline: process.env.BENCH_PIPELINE !== 'false' };
}

/**
 * Opens a migrated, EMPTY bench database. PostgreSQL: the dedicated bench database is migrated and every
 * table in schema `app` is truncated (it must be a database used only for benchmarks). PGlite: a fresh
 * in-memory instance, as test/helpers/harness.ts does.
 */
export async function openBenchDb(mode: BenchMode, opts: { appPoolMax?: number; adminPoolMax?: number } = {}): Promise<BenchDb> {
  if (mode === 'pglite') {
    const pglite = await openPglite(undefined);
    const driver = createPgliteDriver(pglite, { preparedStatements: benchDriverOptions().preparedStatements });
    await migrate({ admin: driver });
    await ensureOwnerBaselineRole(driver);
    const db = createDatabase(driver);
    await verifyRuntimeRole(db);
    return { mode, db, admin: driver, owner: pgliteOwnerDriver(driver), pglite, close: () => driver.close() };
  }
  const appUrl = process.env.DATABASE_URL ?? DEFAULT_PG_URL;
  const adminUrl = process.env.MIGRATION_DATABASE_URL ?? DEFAULT_PG_ADMIN_URL;
  const dbName = new URL(appUrl).pathname.slice(1);
  if (!/bench/.test(dbName)) throw new Error(`refusing to truncate database "${dbName}": benchmarks need a dedicated database whose name contains "bench"`);
  const migrator = createPostgresDriver(adminUrl, { max: 1, applicationName: 'converse-bench-migrate' });
  try {
    await migrate({ admin: migrator, runtimeLogin: runtimeLoginFrom(appUrl) });
    const { rows } = await migrator.pool.query<{ list: string | null }>(
      `select string_agg(format('%I.%I', schemaname, tablename), ', ') as list from pg_tables where schemaname = 'app'`,
    );
    if (rows[0]?.list) await migrator.pool.query(`truncate ${rows[0].list} cascade`);
    await ensureOwnerBaselineRole(migrator);
  } finally {
    await migrator.close();
  }
  // Prepared statements as in production (CONVERSE_DB_PREPARED_STATEMENTS, default on), on BOTH sides,
  // so the isolation comparison measures isolation, not parse/plan caching. BENCH_PREPARED=false: off.
  // Pipelining likewise follows the production default on both sides (BENCH_PIPELINE=false: off).
  const driverOpts = benchDriverOptions();
  const app = createPostgresDriver(appUrl, { max: opts.appPoolMax ?? 20, applicationName: 'converse-bench', ...driverOpts });
  const admin = createPostgresDriver(adminUrl, { max: opts.adminPoolMax ?? 20, applicationName: 'converse-bench-admin', ...driverOpts });
  const owner = createPostgresDriver(ownerUrl(), { max: opts.adminPoolMax ?? 20, applicationName: 'converse-bench-owner', ...driverOpts });
  const db = createDatabase(app, runtimeLoginFrom(appUrl).user);
  await verifyRuntimeRole(db);
  return {
    mode,
    db,
    admin,
    owner,
    pgPool: app.pool,
    adminPool: admin.pool,
    ownerPool: owner.pool,
    close: async () => {
      await app.close();
      await admin.close();
      await owner.close();
    },
  };
}

/** BENCH_OWNER_URL, or the superuser URL with the owner-baseline role as the user (trust auth locally). */
function ownerUrl(): string {
  if (process.env.BENCH_OWNER_URL) return process.env.BENCH_OWNER_URL;
  const u = new URL(process.env.MIGRATION_DATABASE_URL ?? DEFAULT_PG_ADMIN_URL);
  u.username = BENCH_OWNER_ROLE;
  u.password = '';
  return u.toString();
}

async function ensureOwnerBaselineRole(admin: Driver): Promise<void> {
  await admin.exec(
    `do $$ begin if not exists (select 1 from pg_roles where rolname = '${BENCH_OWNER_ROLE}') then create role ${BENCH_OWNER_ROLE}; end if; end $$`,
  );
  await admin.exec(`alter role ${BENCH_OWNER_ROLE} login nosuperuser bypassrls inherit nocreatedb nocreaterole`);
  await admin.exec(`grant ${OWNER_ROLE} to ${BENCH_OWNER_ROLE}`);
}

/**
 * PGlite's only session is the superuser, so "as the owner role" means switching role for each
 * transaction, exactly as migrations do (`set local role converse_owner`) and as withOrg does for the app
 * role: one statement, sent in the same call as the transaction's first query (the driver's prelude).
 */
function pgliteOwnerDriver(driver: Driver): Driver {
  const prelude = {
    sql: 'select set_config($1, $2, true) as switched, current_user::text as role',
    params: ['role', BENCH_OWNER_ROLE],
    check(rows: readonly Record<string, unknown>[]) {
      if (rows[0]?.role !== BENCH_OWNER_ROLE) throw new Error('owner baseline: role switch failed');
    },
  };
  return { mode: driver.mode, transaction: (fn) => driver.transaction(fn, { prelude }), exec: (sql) => driver.exec(sql), close: async () => {} };
}

/**
 * The "no isolation machinery" baselines for the HTTP-level comparison: the same app code and SQL, but
 * every transaction runs as the superuser or as the owner-baseline role (both bypass RLS) and the driver
 * drops withOrg's context statement (its prelude). Only the plain `where org_id = $1` of every repo query
 * remains. Bench only.
 */
export function openBaselineDb(
  b: BenchDb,
  max: number,
  as: 'superuser' | 'owner',
  opts: { context?: boolean } = {},
): { db: Database; pool?: pg.Pool; close(): Promise<void> } {
  // `context`: keep withOrg's context statement (PostgreSQL, owner role only; its check then expects
  // the owner role), so that arm differs from the app's by RLS and the role alone.
  if (opts.context && (b.mode !== 'postgres' || as !== 'owner')) throw new Error('openBaselineDb: context is for the PostgreSQL owner baseline only');
  const own =
    b.mode === 'pglite'
      ? null
      : createPostgresDriver(as === 'owner' ? ownerUrl() : (process.env.MIGRATION_DATABASE_URL ?? DEFAULT_PG_ADMIN_URL), {
          max,
          applicationName: `converse-bench-baseline-${as}${opts.context ? '-ctx' : ''}`,
          ...benchDriverOptions(),
        });
  const driver = own ?? (as === 'owner' ? b.owner : b.admin);
  const bypass: Driver = {
    mode: driver.mode,
    transaction: (fn, txOpts) => driver.transaction((q, e) => fn(asBaseline(q, as), e), opts.context ? txOpts : undefined),
    exec: (sql) => driver.exec(sql),
    close: () => driver.close(),
  };
  return { db: createDatabase(bypass, opts.context ? BENCH_OWNER_ROLE : undefined), pool: own?.pool, close: async () => void (await own?.close()) };
}

/**
 * A baseline's statements, marked per baseline role so their SQL text differs from the app's and from the
 * other baseline's. PGlite has ONE session for every side of a comparison, and PostgreSQL re-plans a
 * prepared statement whenever the role that runs it differs from the role it was planned for (RLS plans
 * depend on the role). Without the marks, alternating units would re-plan every statement on every
 * side, which production never does: there only the app role runs the app's SQL.
 */
export function asBaseline(query: RawQuery, as: 'superuser' | 'owner' = 'superuser'): RawQuery {
  const mark = as === 'owner' ? '/* owner baseline */' : '/* baseline */';
  return (sql, params) => query(`${mark} ${sql}`, params);
}

/** Refresh planner statistics after bulk seeding (as the superuser: the app role owns nothing). */
export async function analyze(b: BenchDb): Promise<void> {
  await b.admin.exec('analyze');
}
