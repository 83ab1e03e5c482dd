import { createDatabase, type Database } from '../../src/platform/db/database.js';
import { createPgliteDriver, createPostgresDriver, openPglite, type Driver, type PostgresDriverOptions, type RawQuery } from '../../src/platform/db/driver.js';
import { migrate } from '../../src/platform/db/migrate.js';
import { verifyRuntimeRole } from '../../src/platform/db/boot-check.js';
import { runtimeLoginFrom } from '../../src/runtime.js';
import type pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';

export type BenchMode = 'pglite' | 'postgres';

export const DEFAULT_PG_URL = 'postgres://converse_app@127.0.0.1:5432/converse_bench';
export const DEFAULT_PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/converse_bench';

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
  pgPool?: pg.Pool;
  adminPool?: pg.Pool;
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
    const db = createDatabase(driver);
    await verifyRuntimeRole(db);
    return { mode, db, admin: driver, pglite, close: () => driver.close() };
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
  } finally {
    await migrator.close();
  }
  // Prepared statements as in production (CONVERSE_DB_PREPARED_STATEMENTS, default on), on BOTH sides,
  // so the isolation comparison measures isolation, not parse/plan caching. BENCH_PREPARED=false: off.
  // Pipelining likewise follows the production default on both sides (BENCH_PIPELINE=false: off).
  const driverOpts = benchDriverOptions();
  const app = createPostgresDriver(appUrl, { max: opts.appPoolMax ?? 20, applicationName: 'converse-bench', ...driverOpts });
  const admin = createPostgresDriver(adminUrl, { max: opts.adminPoolMax ?? 20, applicationName: 'converse-bench-admin', ...driverOpts });
  const db = createDatabase(app, runtimeLoginFrom(appUrl).user);
  await verifyRuntimeRole(db);
  return {
    mode,
    db,
    admin,
    pgPool: app.pool,
    adminPool: admin.pool,
    close: async () => {
      await app.close();
      await admin.close();
    },
  };
}

/**
 * The "no isolation machinery" baseline for the HTTP-level comparison: the same app code and SQL, but
 * every transaction runs as the superuser (RLS bypassed) and the driver drops withOrg's context
 * statement (its prelude). Only the plain `where org_id = $1` of every repo query remains. Bench only.
 */
export function openBaselineDb(b: BenchDb, max: number): { db: Database; close(): Promise<void> } {
  const driver =
    b.mode === 'postgres'
      ? createPostgresDriver(process.env.MIGRATION_DATABASE_URL ?? DEFAULT_PG_ADMIN_URL, { max, applicationName: 'converse-bench-baseline', ...benchDriverOptions() })
      : b.admin;
  const bypass: Driver = { mode: driver.mode, transaction: (fn) => driver.transaction((q, e) => fn(asBaseline(q), e)), exec: (sql) => driver.exec(sql), close: () => driver.close() };
  return { db: createDatabase(bypass), close: async () => (driver === b.admin ? undefined : driver.close()) };
}

/**
 * The baseline's statements, marked so their SQL text differs from the app's. PGlite has ONE session for
 * both sides of a comparison, and PostgreSQL re-plans a prepared statement whenever the role that runs it
 * differs from the role it was planned for (RLS plans depend on the role). Without the mark, alternating
 * superuser and app-role units would re-plan every statement on both sides, which production never does:
 * there only the app role runs the app's SQL.
 */
export function asBaseline(query: RawQuery): RawQuery {
  return (sql, params) => query(`/* baseline */ ${sql}`, params);
}

/** Refresh planner statistics after bulk seeding (as the superuser: the app role owns nothing). */
export async function analyze(b: BenchDb): Promise<void> {
  await b.admin.exec('analyze');
}
