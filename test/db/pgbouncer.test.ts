import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../src/platform/db/database.js';
import { createPostgresDriver } from '../../src/platform/db/driver.js';
import { withOrg } from '../../src/platform/db/with-org.js';
import { call, signup } from '../helpers/api.js';
import { createTestApp, isPostgres, openTestDb, type TestApp, type TestDb } from '../helpers/harness.js';

/*
 * The app behind PgBouncer in transaction mode (docs/operations.md), which hands each transaction to
 * whichever server connection is free, so session state is shared by strangers. Runs when
 * CONVERSE_TEST_PGBOUNCER_URL points at a PgBouncer database in front of this suite's PostgreSQL database
 * (.ci/run starts one with .ci/pgbouncer.sh: transaction pooling, 2 server connections); a second
 * database name on the same PgBouncer, with the suffix "_single", has ONE server connection.
 *
 * PgBouncer before 1.21 cannot carry named prepared statements, so the driver runs as
 * CONVERSE_DB_PREPARED_STATEMENTS=false configures it: unnamed statements, with BEGIN, the context
 * statement and the first query in one message group (pg-opening.ts), the path this file is about.
 */
const url = process.env.CONVERSE_TEST_PGBOUNCER_URL;
const singleUrl = url ? url.replace(/\/([^/?]+)(\?|$)/, '/$1_single$2') : '';

const openThrough = (target: string, max: number): Database =>
  createDatabase(createPostgresDriver(target, { max, preparedStatements: false, pipeline: true }), decodeURIComponent(new URL(target).username));

describe.skipIf(!url || !isPostgres)('behind PgBouncer in transaction mode', () => {
  let t: TestDb;
  let db: Database;
  const orgs = [randomUUID(), randomUUID(), randomUUID()];
  const keyOf = new Map<string, string>();

  beforeAll(async () => {
    // The database PgBouncer fronts: the one the run was started with, not this file's own.
    t = await openTestDb({ shared: true });
    // 12 clients over PgBouncer's 2 server connections.
    db = openThrough(url!, 12);
    for (const org of orgs) {
      const key = randomUUID();
      keyOf.set(org, key);
      await withOrg(t.db, { orgId: org }, async (tx) => {
        await tx.query('insert into app.organizations (org_id, name) values ($1, $2)', [org, `pgb ${org.slice(0, 4)}`]);
        await tx.query(`insert into app.api_keys (org_id, id, name, role, prefix, key_hash) values ($1, $2, 'k', 'admin', 'cv_p', $3)`, [org, key, randomUUID()]);
      });
    }
  });
  afterAll(async () => {
    await db?.driver.close();
    await t?.close();
  });

  it('gives every transaction its own org only, while many clients share two server connections', async () => {
    const runs = await Promise.all(
      Array.from({ length: 150 }, (_, i) => {
        const org = orgs[i % orgs.length]!;
        return withOrg(db, { orgId: org }, async (tx) => {
          const keys = (await tx.query<{ org_id: string; id: string }>('select org_id, id from app.api_keys')).rows;
          const ctx = (await tx.query<{ org: string; pid: number }>(`select current_setting('app.org_id') as org, pg_backend_pid() as pid`)).rows[0]!;
          return { org, keys, ctx };
        });
      }),
    );
    for (const r of runs) {
      expect(r.keys).toEqual([{ org_id: r.org, id: keyOf.get(r.org) }]);
      expect(r.ctx.org).toBe(r.org);
    }
    // Transaction pooling really happened: 150 transactions from 12 clients ran on at most 2 backends.
    expect(new Set(runs.map((r) => r.ctx.pid)).size).toBeLessThanOrEqual(2);
  });

  it('refuses a server connection that a stranger left a session-level org on, and serves again once it is clean', async () => {
    // One server connection behind "_single": whatever one client leaves on it, the next one gets.
    const single = openThrough(singleUrl, 2);
    try {
      const [orgA, orgB] = orgs as [string, string];
      await single.driver.exec(`select set_config('app.org_id', '${orgB}', false)`);
      const seen: unknown[] = [];
      for (let i = 0; i < 3; i++) {
        const err = await withOrg(single, { orgId: orgA }, async (tx) => {
          seen.push((await tx.query('select id from app.api_keys')).rows);
        }).catch((e: unknown) => e);
        expect(String(err)).toMatch(/not clean/);
      }
      expect(seen).toEqual([]);
      await single.driver.exec(`select set_config('app.org_id', '', false)`);
      const keys = await withOrg(single, { orgId: orgA }, async (tx) => (await tx.query<{ id: string }>('select id from app.api_keys')).rows.map((r) => r.id));
      expect(keys).toEqual([keyOf.get(orgA)]);
    } finally {
      await single.driver.exec(`select set_config('app.org_id', '', false)`).catch(() => {});
      await single.driver.close();
    }
  });

  describe('the HTTP app', () => {
    let h: TestApp;
    beforeAll(async () => {
      h = await createTestApp({ testDb: { db, admin: t.admin, close: async () => {} } });
    });
    afterAll(async () => h?.close());

    it("answers another org's API key with 404 and lists only the caller's", async () => {
      const [a, b] = (await Promise.all([signup(h.app, 'pgb-a'), signup(h.app, 'pgb-b')])).map((o) => o.access_token as string) as [string, string];
      const created = await call(h.app, { method: 'POST', url: '/api-keys', token: a, body: { name: 'through pgbouncer', role: 'member' } });
      expect(created.statusCode).toBe(201);
      const id = created.json().id as string;
      const ids = async (token: string) => (await call(h.app, { method: 'GET', url: '/api-keys', token })).json().data.map((k: { id: string }) => k.id);
      const [listA, listB, revokeFromB] = await Promise.all([ids(a), ids(b), call(h.app, { method: 'DELETE', url: `/api-keys/${id}`, token: b })]);
      expect(listA).toEqual([id]);
      expect(listB).toEqual([]);
      expect(revokeFromB.statusCode).toBe(404);
      expect(await ids(a)).toEqual([id]);
      expect((await call(h.app, { method: 'DELETE', url: `/api-keys/${id}`, token: a })).statusCode).toBe(204);
    });
  });
});
