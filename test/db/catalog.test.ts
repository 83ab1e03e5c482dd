import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteDriver, createPostgresDriver, openPglite, type Driver } from '../../src/platform/db/driver.js';
import { migrate } from '../../src/platform/db/migrate.js';
import { checkCatalog } from '../helpers/catalog.js';
import { isPostgres, modeName, openTestDb, type TestDb } from '../helpers/harness.js';

describe(`catalog checks on the migrated schema (${modeName})`, () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb();
  });
  afterAll(async () => t?.close());

  it('keeps every storage-layer rule of ISOLATION.md', async () => {
    const problems = await t.admin.transaction((q) => checkCatalog(q));
    expect(problems).toEqual([]);
  });

  it('has tenant tables to check (the check is not vacuous)', async () => {
    const n = await t.admin.transaction((q) => q<{ n: number }>(`select count(*)::int as n from pg_tables where schemaname = 'app'`));
    expect(n.rows[0]!.n).toBeGreaterThanOrEqual(9);
  });
});

/**
 * ISOLATION.md #4: weakening the schema in a scratch database must make the checks fail. Each mutation
 * runs in a transaction that is rolled back, so one scratch database serves them all.
 */
describe(`mutations make the catalog check fail (${modeName})`, () => {
  let scratch: Driver;
  let dropScratch: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    if (isPostgres) {
      const name = `converse_mut_${process.pid}_${Date.now()}`;
      const admin = createPostgresDriver(process.env.MIGRATION_DATABASE_URL!, { max: 1 });
      await admin.exec(`create database ${name}`);
      const url = new URL(process.env.MIGRATION_DATABASE_URL!);
      url.pathname = `/${name}`;
      scratch = createPostgresDriver(url.toString(), { max: 1 });
      dropScratch = async () => {
        await scratch.close();
        await admin.exec(`drop database if exists ${name}`);
        await admin.close();
      };
    } else {
      scratch = createPgliteDriver(await openPglite(undefined));
      dropScratch = () => scratch.close();
    }
    await migrate({ admin: scratch });
  });
  afterAll(async () => dropScratch?.());

  const mutations: Array<[string, string, RegExp]> = [
    ['FORCE removed', 'alter table app.api_keys no force row level security', /api_keys: row level security not forced/],
    ['RLS disabled', 'alter table app.memberships disable row level security', /memberships: row level security not enabled/],
    ['restrictive policy dropped', 'drop policy org_boundary on app.invites', /invites: no restrictive ALL policy/],
    ['policy without WITH CHECK', `drop policy org_boundary on app.outbox; create policy org_boundary on app.outbox as restrictive for all using (org_id = (select app.current_org_id()))`, /outbox: no restrictive ALL policy/],
    ['new tenant table without RLS', 'create table app.leaky (org_id uuid not null, id uuid not null, primary key (org_id, id))', /leaky: row level security not enabled/],
    ['global unique on a tenant table', 'create unique index api_keys_global_name on app.api_keys (name)', /unique index api_keys_global_name does not include org_id/],
    ['FK without org_id', 'create table app.bad_ref (org_id uuid not null, id uuid not null, key_id uuid, primary key (org_id, id), foreign key (org_id, key_id) references app.api_keys (id, org_id) deferrable); alter table app.bad_ref enable row level security; alter table app.bad_ref force row level security', /on bad_ref does not match org_id to org_id/],
    ['definer function off the allow-list', `create function app.leak() returns setof uuid language sql security definer as 'select org_id from app.api_keys'`, /leak is not on the allow-list/],
    ['view without security_invoker', 'create view app.keys_view as select org_id, id from app.api_keys', /keys_view is not security_invoker/],
    ['app role granted TRUNCATE', 'grant truncate on app.audit_log to converse_app', /audit_log: converse_app has TRUNCATE/],
  ];

  it.each(mutations)('%s', async (_name, sql, expected) => {
    const rollback = new Error('rollback');
    let problems: string[] = [];
    await scratch
      .transaction(async (q, exec) => {
        expect(await checkCatalog(q)).toEqual([]);
        await exec(sql);
        problems = await checkCatalog(q);
        throw rollback;
      })
      .catch((e: unknown) => {
        if (e !== rollback) throw e;
      });
    expect(problems.join('\n')).toMatch(expected);
  });
});
