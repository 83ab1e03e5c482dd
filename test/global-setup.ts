import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createPgliteDriver, createPostgresDriver, openPglite } from '../src/platform/db/driver.js';
import { migrate } from '../src/platform/db/migrate.js';
import { runtimeLoginFrom } from '../src/runtime.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteSnapshot: string;
    /** PostgreSQL mode: the migrated template each test file's own database is created from (test/setup/database.ts). */
    pgTemplate: string;
  }
}

/** The same URL on another database of the same server. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

export const databaseOf = (url: string): string => decodeURIComponent(new URL(url).pathname.slice(1));

/**
 * PostgreSQL mode (DATABASE_URL and MIGRATION_DATABASE_URL set): migrate the given database once and copy
 * it into a template; every test file then runs on a database of its own created from that template
 * (test/setup/database.ts). Random orgs would keep files' rows apart in one database, but not their
 * background work: the job queue and LISTEN/NOTIFY are per database, and a file's in-process worker
 * would claim another file's jobs and run them with its own app's configuration (provider base URLs,
 * network policy). The given database itself stays migrated for what must share it (PgBouncer's test).
 * Embedded mode: migrate one PGlite once and hand test files a snapshot of its data folder; each file
 * loads its own private copy (much faster than initdb + migrations per file).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const appUrl = process.env.DATABASE_URL;
  if (appUrl) {
    const adminUrl = process.env.MIGRATION_DATABASE_URL;
    if (!adminUrl) throw new Error('PostgreSQL test mode needs MIGRATION_DATABASE_URL (admin) next to DATABASE_URL (runtime role)');
    const migrateAt = async (url: string) => {
      const admin = createPostgresDriver(url, { max: 1 });
      try {
        await migrate({ admin, runtimeLogin: runtimeLoginFrom(appUrl) });
      } finally {
        await admin.close();
      }
    };
    await migrateAt(adminUrl);
    const base = databaseOf(adminUrl);
    const template = `${base}_tpl`;
    // Created and migrated on its own rather than copied from the given database, which PgBouncer may
    // hold connections to (a database is copied only while nobody is connected to it).
    const maintenance = createPostgresDriver(withDatabase(adminUrl, 'postgres'), { max: 1 });
    const dropOwn = async () => {
      const own = await maintenance.pool.query<{ datname: string }>(
        `select datname from pg_database where datname = $1 or (starts_with(datname, $2) and length(datname) = length($2) + 10)`, [template, `${base}_f`]);
      for (const { datname } of own.rows) await maintenance.exec(`drop database if exists "${datname}" with (force)`);
    };
    await dropOwn();
    await maintenance.exec(`create database "${template}"`);
    await migrateAt(withDatabase(adminUrl, template));
    project.provide('pgliteSnapshot', '');
    project.provide('pgTemplate', template);
    return async () => {
      try {
        await dropOwn();
      } finally {
        await maintenance.close();
      }
    };
  }
  project.provide('pgTemplate', '');
  const dir = await mkdtemp(path.join(tmpdir(), 'converse-test-'));
  const file = path.join(dir, 'migrated.tar');
  const pglite = await openPglite(undefined);
  await migrate({ admin: createPgliteDriver(pglite) });
  const dump = await pglite.dumpDataDir('none');
  await writeFile(file, Buffer.from(await dump.arrayBuffer()));
  await pglite.close();
  project.provide('pgliteSnapshot', file);
  return async () => rm(dir, { recursive: true, force: true });
}
