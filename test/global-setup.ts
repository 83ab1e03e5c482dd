import { createPostgresDriver } from '../src/platform/db/driver.js';
import { migrate } from '../src/platform/db/migrate.js';
import { runtimeLoginFrom } from '../src/runtime.js';

/**
 * PostgreSQL mode (DATABASE_URL and MIGRATION_DATABASE_URL set): migrate the shared test database once.
 * Test files then connect as the runtime role; orgs are random per test, so files share it safely.
 * Embedded mode: every test file opens its own in-memory PGlite (see helpers/harness.ts).
 */
export default async function setup(): Promise<void> {
  const appUrl = process.env.DATABASE_URL;
  const adminUrl = process.env.MIGRATION_DATABASE_URL;
  if (!appUrl) return;
  if (!adminUrl) throw new Error('PostgreSQL test mode needs MIGRATION_DATABASE_URL (admin) next to DATABASE_URL (runtime role)');
  const admin = createPostgresDriver(adminUrl, { max: 1 });
  try {
    await migrate({ admin, runtimeLogin: runtimeLoginFrom(appUrl) });
  } finally {
    await admin.close();
  }
}
