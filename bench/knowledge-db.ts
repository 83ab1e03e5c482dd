/**
 * Databases and a minimal Deps for the knowledge benchmarks. PostgreSQL uses a dedicated database
 * (`converse_bench_kb` by default), migrated like test/global-setup.ts and emptied of knowledge rows.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../src/config.js';
import type { Deps } from '../src/deps.js';
import { createDatabase, type Database } from '../src/platform/db/database.js';
import { createPgliteDriver, createPostgresDriver, openPglite, type Driver } from '../src/platform/db/driver.js';
import { migrate } from '../src/platform/db/migrate.js';
import { createLogger } from '../src/platform/log/logger.js';
import { runtimeLoginFrom } from '../src/runtime.js';

export type KbMode = 'pglite' | 'postgres';

export const KB_APP_URL = process.env.KB_DATABASE_URL ?? 'postgres://converse_app@127.0.0.1:5432/converse_bench_kb';
export const KB_ADMIN_URL = process.env.KB_MIGRATION_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/converse_bench_kb';

export interface KbDb {
  mode: KbMode;
  db: Database;
  /** Superuser: seeding and ANALYZE only, never the measured path. */
  admin: Driver;
  close(): Promise<void>;
}

export function modesFromEnv(fallback: KbMode[]): KbMode[] {
  const raw = process.env.BENCH_MODES;
  if (!raw) return fallback;
  const modes = raw.split(',').map((m) => m.trim()).filter(Boolean);
  for (const m of modes) if (m !== 'pglite' && m !== 'postgres') throw new Error(`unknown BENCH_MODES entry: ${m}`);
  return modes as KbMode[];
}

export async function openKbDb(mode: KbMode, opts: { fresh?: boolean } = {}): Promise<KbDb> {
  if (mode === 'pglite') {
    const driver = createPgliteDriver(await openPglite(undefined), { preparedStatements: true });
    await migrate({ admin: driver });
    return { mode, db: createDatabase(driver), admin: driver, close: () => driver.close() };
  }
  const dbName = new URL(KB_APP_URL).pathname.slice(1);
  if (!/bench/.test(dbName)) throw new Error(`refusing to use database "${dbName}": it must be a dedicated benchmark database`);
  const migrator = createPostgresDriver(KB_ADMIN_URL, { max: 1 });
  try {
    await migrate({ admin: migrator, runtimeLogin: runtimeLoginFrom(KB_APP_URL) });
    if (opts.fresh !== false) await migrator.exec('truncate app.organizations cascade');
  } finally {
    await migrator.close();
  }
  const app = createPostgresDriver(KB_APP_URL, { max: 10, applicationName: 'converse-bench-kb' });
  const admin = createPostgresDriver(KB_ADMIN_URL, { max: 4, applicationName: 'converse-bench-kb-admin' });
  return {
    mode,
    db: createDatabase(app, runtimeLoginFrom(KB_APP_URL).user),
    admin,
    close: async () => {
      await app.close();
      await admin.close();
    },
  };
}

/** What processDocument and searchKnowledge read from Deps; the rest is never touched by them. */
export function benchDeps(db: Database): Deps {
  return { config: loadConfig(process.env), db, log: createLogger('silent') } as unknown as Deps;
}

export async function createOrgs(admin: Driver, n: number): Promise<string[]> {
  return admin.transaction(async (q) => {
    const r = await q<{ org_id: string }>(`insert into app.organizations (org_id, name) select gen_random_uuid(), 'KB bench ' || g from generate_series(1, $1::int) g returning org_id`, [n]);
    return r.rows.map((x) => x.org_id);
  });
}

export const newId = (): string => randomUUID();
