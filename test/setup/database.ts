/**
 * PostgreSQL mode: this test file's own database, created from the migrated template of the global
 * setup (test/global-setup.ts says why files do not share one). DATABASE_URL and MIGRATION_DATABASE_URL
 * are pointed at it before the file's modules load, so the harness, the CLI processes a test spawns and
 * anything else reading them use it; the database the suite was started with stays reachable as
 * CONVERSE_TEST_SHARED_DATABASE_URL (`openTestDb({ shared: true })`: PgBouncer's test, whose pooler
 * fronts that database).
 * Embedded mode: nothing to do, each file already loads a private copy of the migrated PGlite.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, inject } from 'vitest';
import { createPostgresDriver } from '../../src/platform/db/driver.js';
import { databaseOf, withDatabase } from '../global-setup.js';

const template = inject('pgTemplate');
const appUrl = process.env.DATABASE_URL;
const adminUrl = process.env.MIGRATION_DATABASE_URL;

if (template && appUrl && adminUrl) {
  const own = `${databaseOf(adminUrl)}_f${randomBytes(5).toString('hex')}`;
  const maintenance = createPostgresDriver(withDatabase(adminUrl, 'postgres'), { max: 1 });
  await maintenance.exec(`create database "${own}" template "${template}"`);
  process.env.CONVERSE_TEST_SHARED_DATABASE_URL = appUrl;
  process.env.CONVERSE_TEST_SHARED_MIGRATION_DATABASE_URL = adminUrl;
  process.env.DATABASE_URL = withDatabase(appUrl, own);
  process.env.MIGRATION_DATABASE_URL = withDatabase(adminUrl, own);
  afterAll(async () => {
    // Last hook of the file (hooks unwind like a stack). Not forced: a connection the file left open
    // keeps the database until the global teardown, which drops every file's database anyway.
    await maintenance.exec(`drop database if exists "${own}"`).catch(() => undefined);
    await maintenance.close();
  });
}
