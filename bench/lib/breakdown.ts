import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Driver, RawQuery } from '../../src/platform/db/driver.js';
import { percentile, round } from './stats.js';

/**
 * Server-side cost of each statement of the unit under different isolation setups, on ONE connection
 * inside ONE transaction per setup (so no BEGIN/COMMIT, no pool, no round-trip noise). Setups that need a
 * different policy function are created inside that transaction and ROLLED BACK: the bench schema is
 * never changed. PostgreSQL: CPU of the serving backend (/proc/<pid>/schedstat). PGlite: this process.
 */
export interface BreakdownSetup {
  name: string;
  note: string;
  role: 'superuser' | 'app';
  /** DDL run (as the superuser) inside the measuring transaction, then rolled back. */
  ddl?: string;
  /** Named prepared statements (PostgreSQL only): planned once, executed many times. */
  prepared?: boolean;
}

const TABLES = ['memberships', 'auth_sessions', 'audit_log', 'organizations'];

/** app.current_org_id() as migrations 0001–0007 had it: plpgsql with SET search_path. */
const FN_PLPGSQL_WITH_SET = `create or replace function app.current_org_id() returns uuid language plpgsql stable security invoker set search_path = pg_catalog as $$
declare v text := current_setting('app.org_id', true);
begin
  if v is null or v = '' then raise exception 'organization context required' using errcode = '42501'; end if;
  return v::uuid;
end $$;`;

/** app.current_org_id() as migration 0008 left it: plpgsql, schema-qualified, no SET clause. */
const FN_PLPGSQL = `create or replace function app.current_org_id() returns uuid language plpgsql stable security invoker as $$
declare v pg_catalog.text := pg_catalog.current_setting('app.org_id', true);
begin
  if v is null or v operator(pg_catalog.=) '' then raise exception 'organization context required' using errcode = '42501'; end if;
  return v::pg_catalog.uuid;
end $$;`;

export const SETUPS: BreakdownSetup[] = [
  { name: 'superuser', note: 'RLS bypassed, plain where org_id = $1 (baseline)', role: 'superuser' },
  { name: 'app role, RLS as shipped', note: 'org_id = (select app.current_org_id()): a SQL function the planner inlines (migration 0009)', role: 'app' },
  {
    name: 'app role, RLS disabled',
    note: 'role switch only: what being a non-superuser costs without any policy',
    role: 'app',
    ddl: TABLES.map((t) => `alter table app.${t} disable row level security;`).join('\n'),
  },
  { name: 'app role, plpgsql fn with SET (before 0008)', note: 'the policy function as plpgsql with SET search_path', role: 'app', ddl: FN_PLPGSQL_WITH_SET },
  { name: 'app role, plpgsql fn (0008)', note: 'the policy function as plpgsql without SET clause (migration 0008)', role: 'app', ddl: FN_PLPGSQL },
  {
    name: 'app role, policy without a function',
    note: 'org_id = (select current_setting(\'app.org_id\')::uuid): still fails closed (raises when unset or \'\'), but not with 42501',
    role: 'app',
    ddl: TABLES.map(
      (t) => `drop policy org_boundary on app.${t};
create policy org_boundary on app.${t} as restrictive for all to public
  using (org_id = (select pg_catalog.current_setting('app.org_id')::uuid))
  with check (org_id = (select pg_catalog.current_setting('app.org_id')::uuid));`,
    ).join('\n'),
  },
  { name: 'superuser, prepared', note: 'baseline with named prepared statements (plan reused), as the driver runs it', role: 'superuser', prepared: true },
  { name: 'app role, RLS as shipped, prepared', note: 'shipped policies and function, named prepared statements: what production runs', role: 'app', prepared: true },
  { name: 'app role, plpgsql fn with SET, prepared', note: 'the function before 0008, prepared', role: 'app', prepared: true, ddl: FN_PLPGSQL_WITH_SET },
  { name: 'app role, plpgsql fn (0008), prepared', note: 'the function of migration 0008, prepared', role: 'app', prepared: true, ddl: FN_PLPGSQL },
];

export interface BreakdownRow {
  setup: string;
  note: string;
  /**
   * Server CPU µs per execution (PGlite: process CPU), per statement of the unit: the 20th percentile over
   * rounds, i.e. the cost with the least interference from other work on the machine.
   */
  perStatementUs: number[];
  totalUs: number;
  /** This setup's unit total vs the superuser's (both at the 20th percentile over rounds), %. */
  vsSuperuserPct: number;
}

async function schedNs(pid: number): Promise<number> {
  const text = await readFile(`/proc/${pid}/schedstat`, 'utf8');
  return Number(text.split(' ')[0]);
}

/** Thrown to roll back a setup's DDL while keeping its measurements. */
class RollbackSignal extends Error {
  constructor(readonly result: number[]) {
    super('rollback');
  }
}

/** A transaction on one pooled PostgreSQL connection, whose `query` can use named prepared statements. */
async function pgTransaction<T>(pool: pg.Pool, prepared: boolean, fn: (query: RawQuery, exec: (sql: string) => Promise<void>) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const query: RawQuery = async (sql, params) => {
    const text = { text: sql, values: params as unknown[] | undefined };
    const r = await client.query(prepared ? { ...text, name: `bd_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}` } : text);
    return { rows: r.rows, rowCount: r.rowCount ?? 0 };
  };
  try {
    await client.query('begin');
    const out = await fn(query, async (sql) => void (await client.query(sql)));
    await client.query('commit');
    return out;
  } catch (err) {
    await client.query('rollback');
    throw err;
  } finally {
    // Prepared statements must not outlive the rolled-back DDL they were planned against.
    client.release(prepared ? true : undefined);
  }
}

async function measureSetup(admin: Driver, adminPool: pg.Pool | undefined, setup: BreakdownSetup, appRole: string, scope: { orgId: string; userId: string }, statements: { sql: string; params: readonly unknown[] }[], iterations: number): Promise<number[]> {
  const transaction = <T>(fn: (query: RawQuery, exec: (sql: string) => Promise<void>) => Promise<T>) =>
    adminPool ? pgTransaction(adminPool, setup.prepared === true, fn) : admin.transaction(fn);
  return transaction(async (query: RawQuery, exec) => {
      const { rows } = await query<{ pid: number }>('select pg_backend_pid() as pid');
      const pid = rows[0]!.pid;
      const cpuNs =
        admin.mode === 'postgres'
          ? () => schedNs(pid)
          : async () => {
              const u = process.cpuUsage();
              return (u.user + u.system) * 1000;
            };
      if (setup.ddl) await exec(setup.ddl);
      await query(`select set_config('app.org_id', $1, true), set_config('app.user_id', $2, true)`, [scope.orgId, scope.userId]);
      if (setup.role === 'app') await query(`select set_config('role', $1, true)`, [appRole]);
      const perStatement: number[] = [];
      for (const s of statements) {
        // Prepared: PostgreSQL plans the first five executions for their values, then caches a generic plan.
        for (let w = 0; w < 8; w++) await query(s.sql, s.params);
        const c0 = await cpuNs();
        for (let n = 0; n < iterations; n++) await query(s.sql, s.params);
        perStatement.push(((await cpuNs()) - c0) / iterations / 1000);
      }
      if (setup.ddl) throw new RollbackSignal(perStatement);
      return perStatement;
    }).catch((err: unknown) => {
      if (err instanceof RollbackSignal) return err.result;
      throw err;
    });
}

export async function statementBreakdown(
  admin: Driver,
  adminPool: pg.Pool | undefined,
  appRole: string,
  scope: { orgId: string; userId: string },
  statements: { sql: string; params: readonly unknown[] }[],
  opts: { iterations?: number; rounds?: number } = {},
): Promise<BreakdownRow[]> {
  const iterations = opts.iterations ?? 20;
  const rounds = opts.rounds ?? 15;
  // results[setup][round] = µs per statement
  const setups = SETUPS.filter((s) => !s.prepared || adminPool);
  const results: number[][][] = setups.map(() => []);
  for (let r = 0; r < rounds; r++) {
    // Rotate the order every round; each setup is its own transaction (DDL rolled back).
    for (let k = 0; k < setups.length; k++) {
      const i = (k + r) % setups.length;
      results[i]!.push(await measureSetup(admin, adminPool, setups[i]!, appRole, scope, statements, iterations));
    }
  }
  // A low percentile, not the median: on a shared machine interference only ever adds CPU time
  // (cache and scheduler churn), so the quietest rounds are the best estimate of the real cost.
  const low = (xs: number[]) => percentile(xs, 20);
  const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const baseTotal = low(results[0]!.map(total));
  return setups.map((setup, i) => {
    const perRound = results[i]!;
    const t = low(perRound.map(total));
    return {
      setup: setup.name,
      note: setup.note,
      perStatementUs: statements.map((_, k) => round(low(perRound.map((x) => x[k]!)), 1)),
      totalUs: round(t, 1),
      vsSuperuserPct: round((t / baseTotal - 1) * 100, 1),
    };
  });
}
