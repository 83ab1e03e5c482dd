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
  }
}

/**
 * PostgreSQL mode (DATABASE_URL and MIGRATION_DATABASE_URL set): migrate the shared test database once;
 * test files connect as the runtime role and use random orgs, so they share it safely.
 * Embedded mode: migrate one PGlite once and hand test files a snapshot of its data folder; each file
 * loads its own private copy (much faster than initdb + migrations per file).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const appUrl = process.env.DATABASE_URL;
  if (appUrl) {
    const adminUrl = process.env.MIGRATION_DATABASE_URL;
    if (!adminUrl) throw new Error('PostgreSQL test mode needs MIGRATION_DATABASE_URL (admin) next to DATABASE_URL (runtime role)');
    const admin = createPostgresDriver(adminUrl, { max: 1 });
    try {
      await migrate({ admin, runtimeLogin: runtimeLoginFrom(appUrl) });
    } finally {
      await admin.close();
    }
    project.provide('pgliteSnapshot', '');
    return async () => {};
  }
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
