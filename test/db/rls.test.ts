import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/platform/db/database.js';
import type { Database } from '../../src/platform/db/database.js';
import { createPostgresDriver } from '../../src/platform/db/driver.js';
import { DbError } from '../../src/platform/db/errors.js';
import { verifyRuntimeRole } from '../../src/platform/db/boot-check.js';
import { withOrg, withoutOrg } from '../../src/platform/db/with-org.js';
import { AppError } from '../../src/platform/errors.js';
import { isPostgres, modeName, openTestDb, type TestDb } from '../helpers/harness.js';

const TENANT_TABLES = ['organizations', 'memberships', 'auth_sessions', 'refresh_tokens', 'invites', 'api_keys', 'audit_log', 'outbox'];

/** ISOLATION.md "How it is proven" #3: the database itself, as the runtime role. */
describe(`row-level security as the app role (${modeName})`, () => {
  let t: TestDb;
  const orgA = randomUUID();
  const orgB = randomUUID();
  const keyA = randomUUID();
  const keyB = randomUUID();
  const sessionB = randomUUID();
  const userB = randomUUID();

  beforeAll(async () => {
    t = await openTestDb();
    for (const [org, key] of [[orgA, keyA], [orgB, keyB]] as const) {
      await withOrg(t.db, { orgId: org }, async (tx) => {
        await tx.query('insert into app.organizations (org_id, name) values ($1, $2)', [org, `org ${org.slice(0, 4)}`]);
        await tx.query(`insert into app.api_keys (org_id, id, name, role, prefix, key_hash) values ($1, $2, 'k', 'admin', 'cv_x', $3)`, [org, key, randomUUID()]);
      });
    }
    await withOrg(t.db, { orgId: orgB, userId: userB }, async (tx) => {
      await tx.query(`insert into app.users (id, email, name) values ($1, $2, 'B')`, [userB, `${userB}@example.test`]);
      await tx.query(`insert into app.memberships (org_id, user_id, role) values ($1, $2, 'owner')`, [orgB, userB]);
      await tx.query('insert into app.auth_sessions (org_id, id, user_id) values ($1, $2, $3)', [orgB, sessionB, userB]);
    });
  });
  afterAll(async () => t?.close());

  it.each(TENANT_TABLES)('without organization context, reading app.%s raises', async (table) => {
    const err = await withoutOrg(t.db, (q) => q(`select count(*) from app.${table}`)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DbError);
    expect((err as DbError).sqlstate).toBe('42501');
    expect(String(((err as DbError).cause as Error).message)).toMatch(/organization context required/);
  });

  it('keeps app.current_org_id() from being redirected by types the caller creates in pg_temp', async () => {
    // The function has no SET search_path (migration 0008) and is inlined into each policy, so its body
    // is parsed under the caller's search_path (0009); the runtime role may create temporary objects, and
    // pg_temp is searched first for types, so an unqualified `text` or `uuid` would resolve here. The SQL
    // text is new, so it is planned with the temporary types in place (no cached plan from before).
    // The last statement fails, so the transaction (and the temporary types) roll back.
    const sql = `select id from app.api_keys /* pg_temp ${randomUUID()} */`;
    let visible: string[] = [];
    const err = await withOrg(t.db, { orgId: orgA }, async (tx) => {
      await tx.query(`create type pg_temp.uuid as enum ('x')`);
      await tx.query(`create type pg_temp.text as enum ('y')`);
      visible = (await tx.query<{ id: string }>(sql)).rows.map((r) => r.id);
      await tx.query(`select set_config('app.org_id', '', true)`);
      await tx.query(sql);
    }).catch((e: unknown) => e);
    expect(visible).toEqual([keyA]);
    expect((err as DbError).sqlstate).toBe('42501');
  });

  it('is inlined into the policies: the plan evaluates the setting itself, with no call to the function', async () => {
    // What makes cached plans cheap (migration 0009). A volatile helper or a SET clause would quietly stop
    // the planner from inlining; this catches that.
    const plan = await withOrg(t.db, { orgId: orgA }, (tx) => tx.query<{ 'QUERY PLAN': string }>('explain (verbose, costs off) select id from app.api_keys'));
    const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toMatch(/InitPlan/);
    expect(text).toMatch(/current_setting\('app\.org_id'::text, true\)/);
    expect(text).not.toMatch(/current_org_id/);
  });

  it('inlines app.current_user_id() into the users policies too', async () => {
    // Migration 0010: until then a SET clause kept it out of line, and every read of app.users ran it
    // through the SQL-function executor.
    const plan = await withOrg(t.db, { orgId: orgB, userId: userB }, (tx) =>
      tx.query<{ 'QUERY PLAN': string }>('explain (verbose, costs off) select id from app.users where id = $1', [userB]),
    );
    const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toMatch(/current_setting\('app\.user_id'::text, true\)/);
    expect(text).not.toMatch(/current_user_id|current_org_id/);
  });

  it('reads the acting user from the setting: itself, through a membership, or nothing', async () => {
    // userC belongs to no org: only the user itself may read its row (users_visible's first branch).
    const userC = randomUUID();
    await withOrg(t.db, { orgId: orgA, userId: userC }, (tx) => tx.query(`insert into app.users (id, email, name) values ($1, $2, 'C')`, [userC, `${userC}@example.test`]));
    const read = (userId: string | null, id: string) =>
      withOrg(t.db, { orgId: orgA, userId }, async (tx) => (await tx.query<{ id: string }>('select id from app.users where id = $1', [id])).rows.map((r) => r.id));
    expect(await read(userC, userC)).toEqual([userC]);
    expect(await read(null, userC)).toEqual([]);
    expect(await read(randomUUID(), userC)).toEqual([]);
    // userB is a member of orgB: visible in orgB's context to anyone, never in orgA's.
    expect(await read(null, userB)).toEqual([]);
    expect(await withOrg(t.db, { orgId: orgB }, async (tx) => (await tx.query<{ id: string }>('select id from app.users where id = $1', [userB])).rows.map((r) => r.id))).toEqual([userB]);
  });

  it('keeps app.current_user_id() from being redirected by types the caller creates in pg_temp', async () => {
    // As for current_org_id above: the inlined body names pg_catalog.text and pg_catalog.uuid.
    const sql = `select id from app.users where id = $1 /* pg_temp ${randomUUID()} */`;
    const err = await withOrg(t.db, { orgId: orgA, userId: userB }, async (tx) => {
      await tx.query(`create type pg_temp.uuid as enum ('x')`);
      await tx.query(`create type pg_temp.text as enum ('y')`);
      const own = (await tx.query<{ id: string }>(sql, [userB])).rows.map((r) => r.id);
      expect(own).toEqual([userB]);
      // Without a user the policy falls through to the membership check, which raises without an org.
      await tx.query(`select set_config('app.org_id', '', true), set_config('app.user_id', '', true)`);
      await tx.query(sql, [userB]);
    }).catch((e: unknown) => e);
    expect((err as DbError).sqlstate).toBe('42501');
  });

  it('reads the org when a cached (generic) plan runs, never when it was planned', async () => {
    // One SQL text, alternating orgs, past the five executions after which PostgreSQL switches a prepared
    // statement to a generic plan: each run must still see only its own org's key.
    const sql = `select id from app.api_keys /* generic ${randomUUID()} */`;
    const seen: string[][] = [];
    let genericPlans = 0;
    for (let i = 0; i < 12; i++) {
      const org = i % 2 === 0 ? orgA : orgB;
      await withOrg(t.db, { orgId: org }, async (tx) => {
        seen.push((await tx.query<{ id: string }>(sql)).rows.map((r) => r.id));
        const stats = await tx.query<{ n: number }>(`select coalesce(sum(generic_plans), 0)::int as n from pg_prepared_statements where statement = $1`, [sql]);
        genericPlans = stats.rows[0]!.n;
      });
    }
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => [i % 2 === 0 ? keyA : keyB]));
    expect(genericPlans).toBeGreaterThan(0);
  });

  it('filters a statement for the app role even after the superuser ran the same SQL text', async () => {
    // Embedded mode has one session for both roles, and prepared statements are per session: a plan made
    // for the superuser (no RLS) must be re-planned, not reused, when the app role runs the same text.
    const sql = `select id from app.api_keys where id = any($1::uuid[]) /* roles ${randomUUID()} */`;
    const asAdmin = () => t.admin.transaction(async (q) => (await q<{ id: string }>(sql, [[keyA, keyB]])).rows.map((r) => r.id).sort());
    const asApp = () => withOrg(t.db, { orgId: orgB }, async (tx) => (await tx.query<{ id: string }>(sql, [[keyA, keyB]])).rows.map((r) => r.id));
    for (let i = 0; i < 7; i++) expect(await asAdmin()).toEqual([keyA, keyB].sort());
    for (let i = 0; i < 7; i++) expect(await asApp()).toEqual([keyB]);
    expect(await asAdmin()).toEqual([keyA, keyB].sort());
  });

  it('never hands out a tenant transaction for a missing or malformed org', async () => {
    await expect(withOrg(t.db, { orgId: '' }, async () => 1)).rejects.toThrow(/valid organization id/);
    await expect(withOrg(t.db, { orgId: 'not-a-uuid' }, async () => 1)).rejects.toThrow(/valid organization id/);
    await expect(withOrg(t.db, { orgId: `${orgA}' or '1'='1` }, async () => 1)).rejects.toThrow(/valid organization id/);
  });

  it("shows only the caller's rows, even without a where clause", async () => {
    const rows = await withOrg(t.db, { orgId: orgA }, (tx) => tx.query<{ org_id: string; id: string }>('select org_id, id from app.api_keys'));
    expect(rows.rows.map((r) => r.id)).toEqual([keyA]);
    const other = await withOrg(t.db, { orgId: orgA }, (tx) => tx.query('select * from app.api_keys where id = $1', [keyB]));
    expect(other.rowCount).toBe(0);
    const orgs = await withOrg(t.db, { orgId: orgA }, (tx) => tx.query<{ org_id: string }>('select org_id from app.organizations'));
    expect(orgs.rows.map((r) => r.org_id)).toEqual([orgA]);
  });

  it("cannot insert a row into another org", async () => {
    const err = await withOrg(t.db, { orgId: orgA }, (tx) =>
      tx.query(`insert into app.api_keys (org_id, id, name, role, prefix, key_hash) values ($1, $2, 'x', 'admin', 'cv_y', 'h')`, [orgB, randomUUID()]),
    ).catch((e: unknown) => e);
    expect((err as DbError).sqlstate).toBe('42501');
  });

  it('cannot move a row to another org', async () => {
    const err = await withOrg(t.db, { orgId: orgA }, (tx) => tx.query('update app.api_keys set org_id = $1 where id = $2', [orgB, keyA])).catch((e: unknown) => e);
    expect((err as DbError).sqlstate).toBe('42501');
  });

  it("cannot update or delete another org's row (0 rows touched)", async () => {
    const upd = await withOrg(t.db, { orgId: orgA }, (tx) => tx.query(`update app.api_keys set name = 'pwned' where id = $1`, [keyB]));
    const del = await withOrg(t.db, { orgId: orgA }, (tx) => tx.query('delete from app.api_keys where id = $1', [keyB]));
    expect(upd.rowCount).toBe(0);
    expect(del.rowCount).toBe(0);
    const still = await withOrg(t.db, { orgId: orgB }, (tx) => tx.query<{ name: string }>('select name from app.api_keys where id = $1', [keyB]));
    expect(still.rows[0]?.name).toBe('k');
  });

  it("cannot reference another org's row through a composite foreign key", async () => {
    const err = await withOrg(t.db, { orgId: orgA }, (tx) =>
      tx.query('insert into app.refresh_tokens (org_id, id, session_id, token_hash, expires_at) values ($1, $2, $3, $4, now())', [orgA, randomUUID(), sessionB, randomUUID()]),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(404);
  });

  it("cannot see another org's users", async () => {
    const rows = await withOrg(t.db, { orgId: orgA }, (tx) => tx.query('select id from app.users where id = $1', [userB]));
    expect(rows.rowCount).toBe(0);
  });

  it('leaves no organization context behind on the connection', async () => {
    await withOrg(t.db, { orgId: orgA }, (tx) => tx.query('select 1'));
    const err = await withoutOrg(t.db, (q) => q('select count(*) from app.api_keys')).catch((e: unknown) => e);
    expect((err as DbError).sqlstate).toBe('42501');
    const leftover = await withoutOrg(t.db, (q) => q<{ v: string | null }>(`select current_setting('app.org_id', true) as v`));
    expect(leftover.rows[0]!.v ?? '').toBe('');
  });

  // The first statement of a transaction travels with BEGIN and the context statement (on PostgreSQL one
  // message group once its statements are parsed on the connection, so the second call below takes that
  // path and the first the three-query path): its result must never reach the caller when the context
  // check fails.
  const firstResultWithheld = async (db: Database) => {
    const seen: unknown[] = [];
    const err = await withOrg(db, { orgId: orgA }, async (tx) => {
      seen.push((await tx.query('select id from app.api_keys')).rows);
      return 1;
    }).catch((e: unknown) => e);
    expect(String(err)).toMatch(/not clean/);
    expect(seen).toEqual([]);
  };

  it.each([false, true])('refuses a connection that carries a session-level org (unclean; pipeline %s)', async (pipeline) => {
    if (isPostgres) {
      // A pool of one, poisoned with a session-level setting: withOrg must refuse to run on it.
      const url = process.env.DATABASE_URL!;
      const driver = createPostgresDriver(url, { max: 1, pipeline, preparedStatements: true });
      const db = createDatabase(driver, new URL(url).username || 'converse_app');
      try {
        await driver.exec(`select set_config('app.org_id', '${orgB}', false)`);
        await firstResultWithheld(db);
        // The poisoned connection went back to the pool after a clean rollback: it is refused again.
        await firstResultWithheld(db);
      } finally {
        await driver.close();
      }
    } else {
      await t.admin.exec(`select set_config('app.org_id', '${orgB}', false)`);
      try {
        await firstResultWithheld(t.db);
      } finally {
        await t.admin.exec(`select set_config('app.org_id', '', false)`);
      }
    }
  });

  it('returns the value of a transaction that runs no statement', async () => {
    expect(await withOrg(t.db, { orgId: orgA }, async () => 'no statement')).toBe('no statement');
  });

  it('refuses a transaction nested inside another (a deadlock in embedded mode)', async () => {
    await expect(withOrg(t.db, { orgId: orgA }, () => withOrg(t.db, { orgId: orgB }, async () => 1))).rejects.toThrow(/while a transaction is open/);
    await expect(withOrg(t.db, { orgId: orgA }, () => withoutOrg(t.db, async () => 1))).rejects.toThrow(/while a transaction is open/);
    // After the outer transaction ends, the next one is fine.
    await expect(withOrg(t.db, { orgId: orgA }, async () => 2)).resolves.toBe(2);
  });

  it('cannot change the audit log', async () => {
    await withOrg(t.db, { orgId: orgA }, (tx) => tx.query(`insert into app.audit_log (org_id, actor_type, action) values ($1, 'system', 'test.entry')`, [orgA]));
    for (const sql of [`update app.audit_log set action = 'x'`, 'delete from app.audit_log']) {
      const err = await withOrg(t.db, { orgId: orgA }, (tx) => tx.query(sql)).catch((e: unknown) => e);
      expect((err as DbError).sqlstate).toBe('42501');
    }
  });

  it('refuses to serve as a role that RLS would not bind', async () => {
    if (isPostgres) {
      const driver = createPostgresDriver(process.env.MIGRATION_DATABASE_URL!, { max: 1 });
      const db = createDatabase(driver, new URL(process.env.MIGRATION_DATABASE_URL!).username);
      try {
        await expect(verifyRuntimeRole(db)).rejects.toThrow(/Refusing to serve/);
      } finally {
        await driver.close();
      }
    } else {
      await expect(verifyRuntimeRole(createDatabase(t.admin, 'converse_owner'))).rejects.toThrow(/owns/);
      await expect(verifyRuntimeRole(createDatabase(t.admin, 'postgres'))).rejects.toThrow(/superuser/);
    }
    await expect(verifyRuntimeRole(t.db)).resolves.toBeUndefined();
  });
});
