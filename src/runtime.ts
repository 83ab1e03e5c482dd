import { mkdir } from 'node:fs/promises';
import type { Config } from './config.js';
import { buildDeps, type Deps } from './deps.js';
import { createDatabase, type Database } from './platform/db/database.js';
import { createPgliteDriver, createPostgresDriver, openPglite, type Driver } from './platform/db/driver.js';
import { migrate } from './platform/db/migrate.js';
import { acquireEmbeddedLock } from './platform/db/embedded-lock.js';
import { verifyRuntimeRole } from './platform/db/boot-check.js';
import { createLogger, type Logger } from './platform/log/logger.js';
import { generateDevKeyring, loadKeyring, type Keyring } from './platform/vault/keyring.js';

export interface Runtime {
  deps: Deps;
  keyring: Keyring;
  close(): Promise<void>;
}

/** `postgres://user:pw@host/db` → the runtime login the migrator must create for DATABASE_URL. */
export function runtimeLoginFrom(url: string): { user: string; password?: string } {
  const u = new URL(url);
  const user = decodeURIComponent(u.username || 'converse_app');
  return u.password ? { user, password: decodeURIComponent(u.password) } : { user };
}

export async function openDatabase(config: Config, log: Logger, opts: { migrate: boolean }): Promise<{ db: Database; admin: Driver | null }> {
  if (!config.databaseUrl) {
    await mkdir(config.embeddedDbDir, { recursive: true });
    // One process owns the folder (embedded-lock.ts): refuses, naming the owner, before PGlite opens it.
    const lock = await acquireEmbeddedLock(config.embeddedDbDir);
    try {
      const driver = createPgliteDriver(await openPglite(config.embeddedDbDir), { preparedStatements: config.dbPreparedStatements });
      const locked = { ...driver, close: () => driver.close().finally(() => lock.release()) };
      // Embedded mode always migrates on start: one process owns the database folder.
      const applied = await migrate({ admin: locked, log: (m) => log.info(m) });
      if (applied.length) log.info({ applied }, 'embedded database migrated');
      return { db: createDatabase(locked), admin: locked };
    } catch (err) {
      await lock.release();
      throw err;
    }
  }
  const login = runtimeLoginFrom(config.databaseUrl);
  let admin: Driver | null = null;
  if (opts.migrate && config.migrationDatabaseUrl) {
    admin = createPostgresDriver(config.migrationDatabaseUrl, { max: 1, applicationName: 'converse-migrate' });
    try {
      const applied = await migrate({ admin, runtimeLogin: login, log: (m) => log.info(m) });
      if (applied.length) log.info({ applied }, 'database migrated');
    } finally {
      await admin.close();
      admin = null;
    }
  }
  const driver = createPostgresDriver(config.databaseUrl, { max: config.dbPoolMax, preparedStatements: config.dbPreparedStatements, pipeline: config.dbPipeline });
  return { db: createDatabase(driver, login.user), admin };
}

export async function loadOrCreateKeyring(config: Config, log: Logger): Promise<Keyring> {
  const loaded = await loadKeyring({ key: config.masterKey, keyFile: config.masterKeyFile });
  if (loaded) return loaded;
  const dev = await generateDevKeyring(config.keysDir, { forbiddenParent: config.embeddedDbDir });
  if (dev.created) log.warn({ path: dev.path }, 'generated a development master key; set CONVERSE_MASTER_KEY_FILE in production');
  if (config.databaseUrl) log.warn('PostgreSQL mode is using a generated development master key: every instance must share one key');
  return dev.keyring;
}

/** Builds everything a serving process needs and checks it is safe to serve. */
export async function createRuntime(config: Config, opts: { log?: Logger; migrate?: boolean } = {}): Promise<Runtime> {
  const log = opts.log ?? createLogger(config.logLevel);
  const { db } = await openDatabase(config, log, { migrate: opts.migrate ?? true });
  try {
    await verifyRuntimeRole(db);
    const keyring = await loadOrCreateKeyring(config, log);
    const deps = buildDeps({ config, db, keyring, log });
    return { deps, keyring, close: async () => { await deps.notify?.close(); await db.driver.close(); } };
  } catch (err) {
    await db.driver.close();
    throw err;
  }
}
