import type { PGlite, Transaction } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../src/platform/db/driver.js';
import { createPgliteStatements } from '../../src/platform/db/pglite-statements.js';

/*
 * PGlite's named prepared statements must be indistinguishable from PGlite's own query() to callers:
 * same JS values in and out, same errors, same row counts. Every case runs both ways and compares.
 * Runs in both CI passes: it needs only an in-memory PGlite.
 */
describe('PGlite named prepared statements', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await openPglite(undefined);
    await db.exec(`create table probe (id int primary key, u uuid, t text, j jsonb, b bool, ts timestamptz, n bigint, bin bytea, ids uuid[], tags text[])`);
  });
  afterAll(async () => db?.close());

  /** Runs fn inside one PGlite transaction, as the driver does, and rolls it back. */
  async function inTx<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    let out: T;
    await db.transaction(async (tx) => {
      out = await fn(tx);
      await tx.rollback();
    });
    return out!;
  }

  const row = [
    1,
    '0b5e0c1e-4f0a-4a57-9d7e-1a2b3c4d5e6f',
    "it's ünïcode ✓",
    { a: [1, 'two', null], nested: { ok: true } },
    true,
    new Date('2026-11-27T12:34:56.789Z'),
    9007199254740991n,
    new Uint8Array([0, 1, 254, 255]),
    ['0b5e0c1e-4f0a-4a57-9d7e-1a2b3c4d5e6f', '5b3a8c2d-0000-4000-8000-000000000001'],
    ['a', 'b,c', 'd"e'],
  ];
  /** One statement through `run`, as the driver sends a transaction's later statements. */
  const one = async (st: ReturnType<typeof createPgliteStatements>, sql: string, params: readonly unknown[]) => (await st.run([{ sql, params }]))?.[0] ?? null;
  const insert = `insert into probe (id, u, t, j, b, ts, n, bin, ids, tags) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;

  it('round-trips values of every common type exactly as query() does', async () => {
    const st = createPgliteStatements(db);
    const viaPrepared = await inTx(async () => {
      await one(st, insert, row);
      await one(st, insert, [2, null, null, null, null, null, null, null, null, null]);
      return (await one(st, 'select * from probe order by id', []))!;
    });
    const viaQuery = await inTx(async (tx) => {
      await tx.query(insert, row);
      await tx.query(insert, [2, null, null, null, null, null, null, null, null, null]);
      return tx.query('select * from probe order by id');
    });
    expect(viaPrepared.rows).toEqual(viaQuery.rows);
    expect(viaPrepared.fields).toEqual(viaQuery.fields);
    expect((viaPrepared.rows[0] as { t: string }).t).toBe(row[2]);
    expect((viaPrepared.rows[0] as { j: unknown }).j).toEqual(row[3]);
    expect((viaPrepared.rows[1] as { u: unknown }).u).toBeNull();
  });

  it('reports affected rows for writes without RETURNING, and no rows for an empty result', async () => {
    const st = createPgliteStatements(db);
    const counts = await inTx(async () => {
      const ins = await one(st, `insert into probe (id) select g from generate_series(10, 14) g`, []);
      const upd = await one(st, `update probe set t = $1 where id >= $2`, ['x', 12]);
      const del = await one(st, `delete from probe where id = $1`, [14]);
      const none = await one(st, `select id from probe where id = $1`, [999]);
      return { ins: ins!.affectedRows, upd: upd!.affectedRows, del: del!.affectedRows, none: none!.rows.length };
    });
    expect(counts).toEqual({ ins: 5, upd: 3, del: 1, none: 0 });
  });

  it('parses each SQL text once and reuses it', async () => {
    const st = createPgliteStatements(db);
    await inTx(async () => {
      for (let i = 0; i < 10; i++) await one(st, 'select $1::int + 1 as n', [i]);
      await one(st, 'select $1::text as s', ['a']);
    });
    expect(st.size).toBe(2);
    const { rows } = await db.query<{ name: string; generic_plans: number; custom_plans: number }>(
      `select name, generic_plans, custom_plans from pg_prepared_statements where statement = 'select $1::int + 1 as n'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.generic_plans + rows[0]!.custom_plans).toBe(10);
  });

  it('throws the server error, keeps a statement that failed to parse out of the cache, and recovers', async () => {
    const st = createPgliteStatements(db);
    const bad = await inTx(() => one(st, 'selec 1', []).catch((e: unknown) => e));
    expect((bad as { code?: string }).code).toBe('42601');
    expect(st.size).toBe(0);
    const dup = await inTx(async () => {
      await one(st, insert, row);
      return one(st, insert, row).catch((e: unknown) => e);
    });
    expect((dup as { code?: string }).code).toBe('23505');
    // The failed transaction rolled back; the prepared statement itself survives and still works.
    const after = await inTx(async () => {
      await one(st, insert, row);
      return (await one(st, 'select count(*)::int as n from probe', []))!.rows[0];
    });
    expect(after).toEqual({ n: 1 });
    expect(st.size).toBe(2);
  });

  it('re-plans after the schema changes under a prepared statement', async () => {
    const st = createPgliteStatements(db);
    await db.exec(`create table replan (id int, v text)`);
    await db.exec(`insert into replan values (1, 'a')`);
    const before = await inTx(async () => (await one(st, 'select v from replan where id = $1', [1]))!.rows);
    await db.exec(`create index replan_id on replan (id); alter table replan alter column v set default 'z'`);
    const after = await inTx(async () => (await one(st, 'select v from replan where id = $1', [1]))!.rows);
    expect(before).toEqual([{ v: 'a' }]);
    expect(after).toEqual([{ v: 'a' }]);
  });

  it('runs several statements in one call, in order, and skips the rest after a failure', async () => {
    const st = createPgliteStatements(db);
    await db.exec(`create sequence probe_seq; select nextval('probe_seq')`);
    const pair = await inTx(() => st.run([{ sql: `select set_config('probe.v', $1, true) as v`, params: ['one'] }, { sql: `select current_setting('probe.v') as v, $1::int as n`, params: [7] }]));
    expect(pair!.map((r) => r.rows)).toEqual([[{ v: 'one' }], [{ v: 'one', n: 7 }]]);
    // Sequences are not transactional: had the second statement run, the rollback would not undo it.
    const before = (await db.query<{ n: number }>(`select last_value::int as n from probe_seq`)).rows[0]!.n;
    const err = await inTx(() => st.run([{ sql: 'select 1 / $1::int as x', params: [0] }, { sql: `select nextval('probe_seq')`, params: [] }]).catch((e: unknown) => e));
    expect((err as { code?: string }).code).toBe('22012');
    expect((await db.query<{ n: number }>(`select last_value::int as n from probe_seq`)).rows[0]!.n).toBe(before);
    const ok = await inTx(() => st.run([{ sql: `select nextval('probe_seq')`, params: [] }]));
    expect(ok![0]!.rows).toHaveLength(1);
    expect((await db.query<{ n: number }>(`select last_value::int as n from probe_seq`)).rows[0]!.n).toBe(before + 1);
  });

  it('returns null past its statement limit, so the caller runs that SQL unprepared', async () => {
    const st = createPgliteStatements(db, 1);
    const out = await inTx(async () => [await one(st, 'select 1 as a', []), await one(st, 'select 2 as b', []), await one(st, 'select 1 as a', [])]);
    expect(out[0]!.rows).toEqual([{ a: 1 }]);
    expect(out[1]).toBeNull();
    expect(out[2]!.rows).toEqual([{ a: 1 }]);
    expect(st.size).toBe(1);
  });
});
