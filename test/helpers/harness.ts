import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { inject } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { buildDeps, type Deps } from '../../src/deps.js';
import { createDatabase, type Database } from '../../src/platform/db/database.js';
import { createPgliteDriver, createPostgresDriver, openPglite, type Driver } from '../../src/platform/db/driver.js';
import { migrate } from '../../src/platform/db/migrate.js';
import { verifyRuntimeRole } from '../../src/platform/db/boot-check.js';
import { createPgNotifier } from '../../src/platform/db/notify.js';
import { createLogger, type Logger } from '../../src/platform/log/logger.js';
import { parseKeyring, type Keyring } from '../../src/platform/vault/keyring.js';
import { runtimeLoginFrom } from '../../src/runtime.js';

export const isPostgres = Boolean(process.env.DATABASE_URL);
export const modeName = isPostgres ? 'postgres' : 'embedded';

export interface TestDb {
  db: Database;
  /** Owner/admin connection: catalog checks and fixtures that must bypass the app role. Never used by app code. */
  admin: Driver;
  close(): Promise<void>;
}

/** The migrated snapshot from the global setup; none outside vitest (benchmarks reuse these helpers). */
function pgliteSnapshot(): string {
  if (!process.env.VITEST) return '';
  try {
    return inject('pgliteSnapshot');
  } catch {
    return '';
  }
}

/**
 * A database for one test file: its own PostgreSQL database (test/setup/database.ts), or a private copy
 * of the migrated PGlite. `shared`: the database the PostgreSQL run was started with instead, for a test
 * that must meet something outside the suite on it (PgBouncer fronts that one).
 */
export async function openTestDb(opts: { shared?: boolean } = {}): Promise<TestDb> {
  if (isPostgres) {
    const env = process.env;
    const appUrl = (opts.shared && env.CONVERSE_TEST_SHARED_DATABASE_URL) || env.DATABASE_URL!;
    const adminUrl = (opts.shared && env.CONVERSE_TEST_SHARED_MIGRATION_DATABASE_URL) || env.MIGRATION_DATABASE_URL!;
    const db = createDatabase(createPostgresDriver(appUrl, { max: 10, preparedStatements: true, pipeline: true }), runtimeLoginFrom(appUrl).user);
    const admin = createPostgresDriver(adminUrl, { max: 2 });
    return { db, admin, close: async () => { await db.driver.close(); await admin.close(); } };
  }
  const snapshot = pgliteSnapshot();
  const driver = createPgliteDriver(await openPglite(undefined, snapshot ? { loadDataDir: new Blob([await readFile(snapshot)]) } : {}), { preparedStatements: true });
  // Idempotent: a no-op on the snapshot, a full migration when a file runs without the global setup.
  await migrate({ admin: driver });
  return { db: createDatabase(driver), admin: driver, close: () => driver.close() };
}

export const testKeyring = (): Keyring => parseKeyring(randomBytes(32).toString('base64'), 'test key');

export interface TestApp {
  app: FastifyInstance;
  deps: Deps;
  testDb: TestDb;
  keyring: Keyring;
  close(): Promise<void>;
}

export interface TestAppOptions {
  config?: Partial<Config>;
  log?: Logger;
  testDb?: TestDb;
  /** Default: a fresh random key (testKeyring). */
  keyring?: Keyring;
  /** Default true. Only bench/http-mix.ts's no-isolation baseline (a superuser connection) turns it off. */
  verifyRuntimeRole?: boolean;
  /**
   * PostgreSQL only: this app's cross-process fan-out (src/platform/db/notify.ts) on a channel of the
   * test's own, so test files running in parallel on one database never see each other's notifications.
   */
  notifyChannel?: string;
}

export async function createTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const testDb = opts.testDb ?? (await openTestDb());
  if (opts.verifyRuntimeRole !== false) await verifyRuntimeRole(testDb.db);
  const config = loadConfig({ LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv, {
    rateLimit: { perOrgPerMinute: 100_000, perIpPerMinute: 100_000, authPerIpPerMinute: 100_000 },
    ...opts.config,
  });
  const keyring = opts.keyring ?? testKeyring();
  const log = opts.log ?? createLogger('silent');
  if (opts.notifyChannel && !isPostgres) throw new Error('notifyChannel: PostgreSQL mode only');
  const notify = opts.notifyChannel ? { notify: createPgNotifier({ url: process.env.DATABASE_URL!, log, channel: opts.notifyChannel }) } : {};
  const deps = buildDeps({ config, db: testDb.db, keyring, log, ...notify });
  const app = await buildApp(deps);
  await app.ready();
  return {
    app,
    deps,
    testDb,
    keyring,
    close: async () => {
      await app.close();
      await deps.notify?.close();
      if (!opts.testDb) await testDb.close();
    },
  };
}
