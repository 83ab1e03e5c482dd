import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPgliteDriver, createPostgresDriver, type Driver, type Prelude } from '../../src/platform/db/driver.js';
import { OpeningGroup } from '../../src/platform/db/pg-opening.js';
import { isPostgres, modeName, openTestDb, type TestDb } from '../helpers/harness.js';

/*
 * The driver's transaction contract, which withOrg's guarantees rest on: BEGIN, the prelude and the first
 * statement may share one round trip (PostgreSQL: one message group with a single Sync, pg-opening.ts),
 * but they run in that order inside one transaction, the first statement's result is withheld until the
 * prelude's check passed, and any failure rolls everything back and leaves the connection reusable.
 *
 * On PostgreSQL a transaction shape takes the three-query path the first time its statements are seen on
 * a connection (prepared: that is what parses them) and the message group afterwards, so every scenario
 * below runs twice: once per path.
 */

// A one-connection pool (PostgreSQL) keeps session state such as temp tables visible across transactions.
const cases: { name: string; open: (t: TestDb) => Driver; groups?: (round: number) => number }[] = isPostgres
  ? [false, true].flatMap((pipeline) =>
      [false, true].map((preparedStatements) => ({
        name: `pipeline ${pipeline}, prepared ${preparedStatements}`,
        open: () => createPostgresDriver(process.env.MIGRATION_DATABASE_URL!, { max: 1, pipeline, preparedStatements }),
        // Message groups expected for one transaction in round 0 (first use) and round 1.
        groups: (round: number) => (!pipeline ? 0 : !preparedStatements ? 1 : round === 0 ? 0 : 1),
      })),
    )
  : [true, false].map((preparedStatements) => ({
      name: `PGlite, prepared ${preparedStatements}`,
      // The harness's driver prepares statements; a second driver on the same PGlite instance does not.
      open: (t: TestDb) => (preparedStatements ? t.admin : createPgliteDriver((t.admin as ReturnType<typeof createPgliteDriver>).pglite)),
    }));

const setting = (value: string): Prelude => ({
  sql: `select set_config('driver_test.v', $1, true) as v`,
  params: [value],
  check(rows) {
    if (rows[0]?.v !== value) throw new Error('prelude check failed');
  },
});

describe.each(cases)(`driver transactions (${modeName}: $name)`, ({ open, groups }) => {
  let t: TestDb;
  let driver: Driver;
  afterEach(() => vi.restoreAllMocks());
  beforeAll(async () => {
    t = await openTestDb();
    driver = open(t);
    await driver.transaction(async (q) => {
      await q(`create temp table if not exists driver_probe (n int)`);
      await q(`delete from driver_probe`);
    });
  });
  afterAll(async () => {
    // A second PGlite driver shares the harness's instance, which t.close() closes.
    if (isPostgres) await driver.close();
    await t.close();
  });

  const count = () => driver.transaction(async (q) => (await q<{ n: number }>(`select count(*)::int as n from driver_probe`)).rows[0]!.n);

  it.each([0, 1])('runs BEGIN, the prelude and the first statement in order, in one transaction (round %i)', async (round) => {
    const spy = vi.spyOn(OpeningGroup, 'run');
    const rows = await driver.transaction(
      async (q) => {
        const first = await q<{ v: string; in_tx: boolean }>(`select current_setting('driver_test.v', true) as v, now() = statement_timestamp() as in_tx`);
        const second = await q<{ v: string; in_tx: boolean }>(`select current_setting('driver_test.v', true) as v, false as in_tx`);
        return [first.rows[0], second.rows[0]];
      },
      // The prelude waits 5 ms, so BEGIN's timestamp is measurably earlier than the first statement's even
      // where the clock is coarse (PGlite's can be a millisecond).
      { prelude: { ...setting('first'), sql: `select set_config('driver_test.v', $1, true) as v, pg_sleep(0.005)::text as waited` } },
    );
    // The setting is transaction-local: both statements see it, so they ran after the prelude inside
    // its transaction (outside one, set_config(..., true) would be gone by the next statement).
    expect(rows[0]!.v).toBe('first');
    expect(rows[1]!.v).toBe('first');
    // And the transaction began before the first statement: now() is the transaction's start, earlier than it.
    expect(rows[0]!.in_tx).toBe(false);
    if (groups) expect(spy).toHaveBeenCalledTimes(groups(round));
    const after = await driver.transaction(async (q) => (await q<{ v: string | null }>(`select current_setting('driver_test.v', true) as v`)).rows[0]!.v);
    expect(after ?? '').toBe('');
  });

  it.each([0, 1])('withholds the first result and rolls back when the prelude check fails (round %i)', async () => {
    const seen: unknown[] = [];
    const failing: Prelude = { ...setting('x'), check: () => { throw new Error('prelude check failed'); } };
    await expect(
      driver.transaction(
        async (q) => {
          seen.push((await q(`insert into driver_probe values (1) returning n`)).rows);
          seen.push('went on');
        },
        { prelude: failing },
      ),
    ).rejects.toThrow(/prelude check failed/);
    expect(seen).toEqual([]);
    expect(await count()).toBe(0);
  });

  it.each([0, 1])('rolls back on a failing statement and leaves the connection reusable (round %i)', async () => {
    await expect(
      driver.transaction(async (q) => {
        await q(`insert into driver_probe values (1)`);
        await q(`select 1 / 0`);
      }),
    ).rejects.toThrow(/division by zero/);
    await expect(driver.transaction(async (q) => q(`select 1 / 0`), { prelude: setting('y') })).rejects.toThrow(/division by zero/);
    expect(await count()).toBe(0);
    await driver.transaction(async (q) => void (await q(`insert into driver_probe values (2)`)), { prelude: setting('z') });
    expect(await count()).toBe(1);
    await driver.transaction(async (q) => void (await q(`delete from driver_probe`)));
  });

  it.each([0, 1])('reports the prelude failing as an error (first statement not run on its own; round %i)', async () => {
    const broken: Prelude = { sql: `select 1 / 0 as v`, params: [], check() {} };
    await expect(driver.transaction(async (q) => q(`insert into driver_probe values (3)`), { prelude: broken })).rejects.toThrow(/division by zero/);
    expect(await count()).toBe(0);
  });

  it.skipIf(!isPostgres)('recovers when the server ends the connection mid-transaction', async () => {
    // Kill this transaction's backend from another connection: queued and later statements fail, the
    // broken connection is dropped (not returned to the pool), and the next transaction gets a new one.
    const err = await driver
      .transaction(async (q) => {
        const { rows } = await q<{ pid: number }>('select pg_backend_pid() as pid');
        await t.admin.transaction((a) => a('select pg_terminate_backend($1)', [rows[0]!.pid]));
        await q('select 1');
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    await driver.transaction(async (q) => {
      await q(`create temp table if not exists driver_probe (n int)`);
    });
    expect(await count()).toBe(0);
  });

  it.each([0, 1])('commits a transaction whose caller ignores results, and one that sends nothing (round %i)', async () => {
    await driver.transaction(async (q) => {
      await Promise.all([q(`insert into driver_probe values (4)`), q(`insert into driver_probe values (5)`)]);
    });
    expect(await count()).toBe(2);
    expect(await driver.transaction(async () => 'nothing sent')).toBe('nothing sent');
    await driver.transaction(async (q) => void (await q(`delete from driver_probe`)));
  });

  it.each([0, 1])('hands back the same values and row counts on either path (round %i)', async (round) => {
    const spy = vi.spyOn(OpeningGroup, 'run');
    const when = new Date('2026-01-02T03:04:05.678Z');
    const values = [when, { a: [1, 'two', null] }, [3, 4], null, Buffer.from([0, 255, 7]), 9_007_199_254_740_000];
    const { first, inserted } = await driver.transaction(
      async (q) => {
        const first = await q<Record<string, unknown>>(`select $1::timestamptz as d, $2::jsonb as j, $3::int[] as a, $4::text as n, $5::bytea as b, $6::int8 as big, $1::timestamptz = $1::timestamptz as same`, values);
        const inserted = await q(`insert into driver_probe select g from generate_series(1, 3) g`);
        return { first: first.rows, inserted: inserted.rowCount };
      },
      { prelude: setting('values') },
    );
    // bytea: a Buffer from node-postgres, a Uint8Array from PGlite; the bytes are what matters.
    const [{ b, ...rest }] = first as [{ b: Uint8Array }];
    expect([...b]).toEqual([0, 255, 7]);
    expect(rest).toEqual({ d: when, j: { a: [1, 'two', null] }, a: [3, 4], n: null, big: 9_007_199_254_740_000, same: true });
    expect(inserted).toBe(3);
    // A delete as the FIRST statement (no rows, only a command tag) reports its row count too.
    const firstDelete = await driver.transaction(async (q) => (await q(`delete from driver_probe where n between 1 and 3`)).rowCount, { prelude: setting('values') });
    expect(firstDelete).toBe(3);
    if (groups) expect(spy).toHaveBeenCalledTimes(2 * groups(round));
  });
});
