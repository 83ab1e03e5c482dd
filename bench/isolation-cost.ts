/**
 * The cost of the isolation machinery: one realistic per-request unit of queries run
 *   (a) through `withOrg` as the app role (RLS active, context statement, clean-connection check), vs
 *   (b) directly as the superuser (RLS bypassed) with only the plain `where org_id = $1` every repo has,
 * over many orgs with seeded data. Plus breakdown variants that split the difference into its parts.
 *
 * Unit = what an authenticated GET /audit-log does against the database, in one transaction:
 *   auth/repo.getActiveUserRole (membership ⋈ login session), audit/repo.listAudit (51 rows),
 *   auth/repo.getOrganization. The real repo functions are called, so the SQL is the app's own.
 *
 *   npx tsx bench/isolation-cost.ts                          # PGlite
 *   BENCH_MODES=postgres npx tsx bench/isolation-cost.ts     # PostgreSQL (converse_bench by default)
 *
 * Env: BENCH_ISO_SECONDS (per variant per round, default 0.5), BENCH_ROUNDS (10), BENCH_ISO_ORGS (200),
 * BENCH_ISO_AUDIT (500 audit rows per org), BENCH_ISO_CONCURRENCY (PostgreSQL, default "1,16").
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { Prelude, RawQuery } from '../src/platform/db/driver.js';
import type { Tx } from '../src/platform/db/types.js';
import { CONTEXT_SQL, withOrg } from '../src/platform/db/with-org.js';
import { getActiveUserRole, getOrganization } from '../src/features/auth/repo.js';
import { listAudit } from '../src/features/audit/repo.js';
import { analyze, asBaseline, BENCH_OWNER_ROLE, envNumber, modesFromEnv, openBenchDb, type BenchDb, type BenchMode } from './lib/db.js';
import { statementBreakdown, type BreakdownRow } from './lib/breakdown.js';
import { keepIdleClients, openCpuMeter, type CpuMeter } from './lib/cpu.js';
import { seedBulk, type SeededPrincipal } from './lib/seed.js';
import { log, machineInfo, mdTable, median, percentile, round } from './lib/stats.js';

type Variant = 'withOrg' | 'direct-tx' | 'owner-tx' | 'direct-no-tx' | 'direct-tx+ctx' | 'withOrg-2tx' | 'direct-2tx';

export const VARIANTS: Record<Variant, string> = {
  withOrg: 'withOrg as the app role: BEGIN + context statement + first query in one round trip, RLS on every query, COMMIT',
  'direct-tx': 'superuser (RLS bypassed), plain where org_id = $1, BEGIN … COMMIT through the same driver',
  'owner-tx': `the issue's baseline: as the owner role (${BENCH_OWNER_ROLE}: converse_owner's privileges, not a superuser, RLS bypassed), plain where org_id = $1, BEGIN … COMMIT (PGlite: plus the role switch every non-superuser transaction needs there)`,
  'direct-no-tx': 'superuser (RLS bypassed), plain where org_id = $1, each statement autocommits',
  'direct-tx+ctx': 'breakdown: direct-tx plus the same context statement withOrg sends (no RLS)',
  'withOrg-2tx': 'the HTTP path today: credential re-check (role lookup) in one withOrg, the handler (audit list, org) in a second',
  'direct-2tx': 'baseline for withOrg-2tx: the same two transactions as the superuser',
};

/** The per-request unit. Throws if RLS or the data ever made it return less than expected. */
async function unit(tx: Tx, p: SeededPrincipal): Promise<void> {
  await credentialCheck(tx, p);
  await handler(tx);
}

async function credentialCheck(tx: Tx, p: SeededPrincipal): Promise<void> {
  const role = await getActiveUserRole(tx, p.userId, p.sessionId);
  if (role !== 'admin') throw new Error(`unit returned wrong data (role=${role})`);
}

async function handler(tx: Tx): Promise<void> {
  const audit = await listAudit(tx, { cursor: null, limit: 50 });
  const org = await getOrganization(tx);
  if (audit.length !== 51 || !org) throw new Error(`unit returned wrong data (audit=${audit.length}, org=${Boolean(org)})`);
}

const txOf = (query: RawQuery, orgId: string): Tx => ({ query, orgId });


function runners(b: BenchDb): Record<Variant, (p: SeededPrincipal) => Promise<void>> {
  const scope = (p: SeededPrincipal) => ({ orgId: p.orgId, userId: p.userId });
  // The baselines: the superuser (default) or the owner role, optionally with withOrg's context statement.
  const direct = <T>(p: SeededPrincipal, fn: (tx: Tx) => Promise<T>, opts: { as?: 'superuser' | 'owner'; prelude?: Prelude } = {}) =>
    (opts.as === 'owner' ? b.owner : b.admin).transaction((q) => fn(txOf(asBaseline(q, opts.as), p.orgId)), opts.prelude ? { prelude: opts.prelude } : undefined);
  const noTx: RawQuery =
    b.mode === 'postgres'
      ? async (sql, params) => {
          const res = await b.adminPool!.query(sql, params as unknown[] | undefined);
          return { rows: res.rows, rowCount: res.rowCount ?? 0 };
        }
      : async (sql, params) => {
          const res = await b.pglite!.query(sql, params as unknown[] | undefined);
          return { rows: res.rows as never[], rowCount: res.rows.length };
        };
  return {
    withOrg: (p) => withOrg(b.db, scope(p), (tx) => unit(tx, p)),
    'direct-tx': (p) => direct(p, (tx) => unit(tx, p)),
    'owner-tx': (p) => direct(p, (tx) => unit(tx, p), { as: 'owner' }),
    // Sent the way withOrg sends its context: as the driver's prelude, right after BEGIN.
    'direct-tx+ctx': (p) => direct(p, (tx) => unit(tx, p), { prelude: { sql: CONTEXT_SQL, params: [p.orgId, p.userId, ''], check() {} } }),
    'direct-no-tx': (p) => unit(txOf(asBaseline(noTx), p.orgId), p),
    'withOrg-2tx': async (p) => {
      await withOrg(b.db, scope(p), (tx) => credentialCheck(tx, p));
      await withOrg(b.db, scope(p), (tx) => handler(tx));
    },
    'direct-2tx': async (p) => {
      await direct(p, (tx) => credentialCheck(tx, p));
      await direct(p, (tx) => handler(tx));
    },
  };
}

interface Sample {
  units: number;
  seconds: number;
  latenciesMs: number[];
  clientNs: number;
  serverNs: number;
}

/** `concurrency` closed loops for `seconds`, each picking a random org per unit. */
async function measure(seconds: number, concurrency: number, principals: SeededPrincipal[], fn: (p: SeededPrincipal) => Promise<void>, cpu: CpuMeter): Promise<Sample> {
  const latenciesMs: number[] = [];
  const cpu0 = await cpu.read();
  const start = performance.now();
  const deadline = start + seconds * 1000;
  const loop = async () => {
    while (performance.now() < deadline) {
      const p = principals[Math.floor(Math.random() * principals.length)]!;
      const t = performance.now();
      await fn(p);
      latenciesMs.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (performance.now() - start) / 1000;
  const cpu1 = await cpu.read();
  return { units: latenciesMs.length, seconds: elapsed, latenciesMs, clientNs: cpu1.clientNs - cpu0.clientNs, serverNs: cpu1.serverNs - cpu0.serverNs };
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * One client for `seconds`: every cycle runs each variant for a block of `block` units, in a shuffled
 * order; latencies per variant, also split into `chunks` equal time chunks (for a spread estimate).
 *
 * Blocks, not single units: on PostgreSQL the superuser variants share one pool, so alternating unit by
 * unit kept the superuser's backend warmer in the CPU caches than the app role's or the owner's (four
 * variants ran on it, one or two on the others), which favoured the baseline. Within a block every
 * variant runs on a warm backend; blocks of ~30 ms still alternate fast enough that drift in the host's
 * speed hits all variants alike.
 */
async function measureInterleaved(
  seconds: number,
  principals: SeededPrincipal[],
  fns: ((p: SeededPrincipal) => Promise<void>)[],
  chunks: number,
  cpu: CpuMeter,
  block = 25,
): Promise<{ all: number[]; chunks: number[][]; clientNs: number; serverNs: number }[]> {
  const out = fns.map(() => ({ all: [] as number[], chunks: Array.from({ length: chunks }, () => [] as number[]), clientNs: 0, serverNs: 0 }));
  const start = performance.now();
  const total = seconds * 1000;
  const order = fns.map((_, i) => i);
  while (performance.now() - start < total) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const k of order) {
      // One variant at a time, so all CPU spent during its block (this process and every bench backend) is
      // its own: CPU per unit, measured under the same conditions for every variant.
      const cpu0 = await cpu.read();
      for (let u = 0; u < block; u++) {
        const p = principals[Math.floor(Math.random() * principals.length)]!;
        const t = performance.now();
        await fns[k]!(p);
        const ms = performance.now() - t;
        const chunk = Math.min(chunks - 1, Math.floor(((t - start) / total) * chunks));
        out[k]!.all.push(ms);
        out[k]!.chunks[chunk]!.push(ms);
      }
      const cpu1 = await cpu.read();
      out[k]!.clientNs += cpu1.clientNs - cpu0.clientNs;
      out[k]!.serverNs += cpu1.serverNs - cpu0.serverNs;
    }
  }
  return out;
}

export interface VariantResult {
  variant: Variant;
  concurrency: number;
  /** interleaved: one client alternating variants in blocks of 25 units; slices: each variant alone for a slice per round. */
  method: 'interleaved' | 'slices';
  unitsPerSecRounds: number[];
  unitsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  units: number;
  /** CPU per unit (µs): this process (all threads) and, in PostgreSQL mode, the serving backends (slices only). */
  cpuUsPerUnit: { client: number; server: number; total: number } | null;
}

export interface ExplainResult {
  statement: string;
  appPlan: string;
  directPlan: string;
  appMs: { planning: number; execution: number };
  directMs: { planning: number; execution: number };
}

export interface OverheadRow {
  concurrency: number;
  method: 'interleaved' | 'slices';
  /** Throughput lost by withOrg vs owner-tx (the definition: the owner role, RLS bypassed), %. */
  vsOwnerTxPct: number;
  vsOwnerTxIqr: [number, number];
  /** Extra CPU per unit vs owner-tx, % (slices only). */
  cpuVsOwnerTxPct: number | null;
  /** Throughput lost by withOrg vs direct-tx (the superuser: also skips every permission check), %. */
  vsDirectTxPct: number;
  /** 25th–75th percentile over rounds (interleaved: time chunks): how much the machine's noise moves it. */
  vsDirectTxIqr: [number, number];
  vsDirectNoTxPct: number;
  contextStatementPct: number;
  rlsPct: number;
  /** withOrg-2tx vs direct-2tx: the same workload split in two transactions, as the HTTP path runs it. */
  twoTxPct: number;
  /** Extra CPU per unit vs direct-tx, % (client + server CPU; slices only). */
  cpuVsDirectTxPct: number | null;
  cpuContextStatementPct: number | null;
  cpuRlsPct: number | null;
  cpuTwoTxPct: number | null;
}

export interface IsolationResult {
  mode: BenchMode;
  orgs: number;
  auditRowsPerOrg: number;
  membersPerOrg: number;
  roundSeconds: number;
  rounds: number;
  results: VariantResult[];
  /** Per concurrency: throughput lost by withOrg vs direct-tx (median of per-round paired ratios), in %. */
  overhead: OverheadRow[];
  serverCpuVisible: boolean;
  explain: ExplainResult[];
  /** Server CPU per statement under alternative isolation setups (see lib/breakdown.ts). */
  breakdown: BreakdownRow[];
  loadAvgDuring: number[];
}

type Statement = { sql: string; params: readonly unknown[] };

/** The exact statements (and parameters) the unit sends for principal `p`. */
async function captureUnit(b: BenchDb, p: SeededPrincipal): Promise<Statement[]> {
  const captured: Statement[] = [];
  await withOrg(b.db, { orgId: p.orgId, userId: p.userId }, (tx) =>
    unit({ orgId: tx.orgId, query: async (sql, params) => (captured.push({ sql, params: params ?? [] }), tx.query(sql, params)) } as Tx, p),
  );
  return captured;
}

/** EXPLAIN ANALYZE every statement of the unit, as the app under withOrg and as the superuser. */
async function explainUnit(b: BenchDb, p: SeededPrincipal, captured: Statement[], repeats = 15): Promise<ExplainResult[]> {
  type PlanJson = { 'Planning Time': number; 'Execution Time': number }[];
  const plan = async (q: RawQuery, sql: string, params: readonly unknown[]) => {
    const text = await q<{ 'QUERY PLAN': string }>(`explain (analyze, costs off, timing off, summary off) ${sql}`, params);
    const planning: number[] = [];
    const execution: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const j = await q<{ 'QUERY PLAN': PlanJson | string }>(`explain (analyze, timing off, summary on, format json) ${sql}`, params);
      const raw = j.rows[0]!['QUERY PLAN'];
      const doc = (typeof raw === 'string' ? JSON.parse(raw) : raw) as PlanJson;
      planning.push(doc[0]!['Planning Time']);
      execution.push(doc[0]!['Execution Time']);
    }
    return { plan: text.rows.map((r) => r['QUERY PLAN']).join('\n'), ms: { planning: round(median(planning), 3), execution: round(median(execution), 3) } };
  };
  const out: ExplainResult[] = [];
  for (const { sql, params } of captured) {
    const app = await withOrg(b.db, { orgId: p.orgId, userId: p.userId }, (tx) => plan(tx.query, sql, params));
    const direct = await b.admin.transaction((q) => plan(q, sql, params));
    out.push({ statement: sql.replace(/\s+/g, ' ').trim(), appPlan: app.plan, directPlan: direct.plan, appMs: app.ms, directMs: direct.ms });
  }
  return out;
}

export async function runIsolationCost(mode: BenchMode): Promise<IsolationResult> {
  const seconds = envNumber('BENCH_ISO_SECONDS', 0.5);
  const rounds = envNumber('BENCH_ROUNDS', 10);
  const orgs = envNumber('BENCH_ISO_ORGS', 200);
  const auditRows = envNumber('BENCH_ISO_AUDIT', 500);
  const members = 5;
  const levels = mode === 'postgres' ? (process.env.BENCH_ISO_CONCURRENCY ?? '1,16').split(',').map(Number) : [1];
  const maxC = Math.max(...levels);

  const b = await openBenchDb(mode, { appPoolMax: maxC, adminPoolMax: maxC });
  for (const pool of [b.pgPool, b.adminPool, b.ownerPool]) keepIdleClients(pool);
  const { cpu, close: closeMeter } = openCpuMeter(mode);
  try {
    const t0 = Date.now();
    const principals = await seedBulk(b.admin, { newOrgs: orgs, shape: { members, invites: 3, audit: auditRows } });
    await analyze(b);
    log(`[${mode}] isolation-cost: seeded ${orgs} orgs × ${auditRows} audit rows in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const run = runners(b);
    const variants = Object.keys(run) as Variant[];

    const results: VariantResult[] = [];
    const overhead: IsolationResult['overhead'] = [];
    for (const c of levels) {
      for (const v of variants) await measure(0.5, c, principals, run[v]!, cpu); // warm-up: JIT, plans, buffers, pool
      await cpu.refresh();
      const lostPct = (a: number, base: number) => (1 - base / a) * 100; // a, base: time per unit
      let perUnit: (v: Variant) => { timeMs: number; cpuUs: number | null; chunks: number[] };
      const results_: VariantResult[] = [];
      if (c === 1) {
        // One client: alternate the variants in short blocks, so every variant sees the same moment-to-moment
        // load from other work on the machine. Throughput = 1 / mean time per unit.
        const lat = await measureInterleaved(seconds * rounds * variants.length, principals, variants.map((v) => run[v]!), rounds, cpu);
        // CPU per unit only where the server's CPU is visible too (PostgreSQL on this host); PGlite runs in
        // this process, where time per unit already is CPU per unit.
        const cpuOf = (x: (typeof lat)[number]) =>
          cpu.serverVisible ? { client: round(x.clientNs / 1000 / x.all.length, 0), server: round(x.serverNs / 1000 / x.all.length, 0), total: round((x.clientNs + x.serverNs) / 1000 / x.all.length, 0) } : null;
        perUnit = (v) => {
          const x = lat[variants.indexOf(v)]!;
          return { timeMs: mean(x.all), cpuUs: cpuOf(x)?.total ?? null, chunks: x.chunks.map(mean) };
        };
        for (const v of variants) {
          const x = lat[variants.indexOf(v)]!;
          results_.push({ variant: v, concurrency: c, method: 'interleaved', unitsPerSecRounds: x.chunks.map((ch) => round(1000 / mean(ch), 1)), unitsPerSec: round(1000 / mean(x.all), 1), p50Ms: round(percentile(x.all, 50), 3), p99Ms: round(percentile(x.all, 99), 3), units: x.all.length, cpuUsPerUnit: cpuOf(x) });
        }
      } else {
        const samples = new Map<Variant, Sample[]>(variants.map((v) => [v, []]));
        for (let r = 0; r < rounds; r++) {
          // Rotate the order every round so slow drift on a shared machine does not favour one variant.
          const order = variants.map((_, i) => variants[(i + r) % variants.length]!);
          for (const v of order) samples.get(v)!.push(await measure(seconds, c, principals, run[v]!, cpu));
        }
        const sum = (ss: Sample[], f: (s: Sample) => number) => ss.reduce((n, s) => n + f(s), 0);
        perUnit = (v) => {
          const ss = samples.get(v)!;
          // Time per unit from throughput (c clients), CPU per unit (client + server), per round.
          return { timeMs: (sum(ss, (s) => s.seconds) * 1000) / sum(ss, (s) => s.units), cpuUs: sum(ss, (s) => s.clientNs + s.serverNs) / 1000 / sum(ss, (s) => s.units), chunks: ss.map((s) => (s.seconds * 1000) / s.units) };
        };
        for (const v of variants) {
          const ss = samples.get(v)!;
          const all = ss.flatMap((s) => s.latenciesMs);
          const n = sum(ss, (s) => s.units);
          results_.push({
            variant: v,
            concurrency: c,
            method: 'slices',
            unitsPerSecRounds: ss.map((s) => round(s.units / s.seconds, 1)),
            unitsPerSec: round(median(ss.map((s) => s.units / s.seconds)), 1),
            p50Ms: round(percentile(all, 50), 3),
            p99Ms: round(percentile(all, 99), 3),
            units: n,
            cpuUsPerUnit: { client: round(sum(ss, (s) => s.clientNs) / 1000 / n, 0), server: round(sum(ss, (s) => s.serverNs) / 1000 / n, 0), total: round(sum(ss, (s) => s.clientNs + s.serverNs) / 1000 / n, 0) },
          });
        }
      }
      for (const res of results_) {
        results.push(res);
        const cpuText = res.cpuUsPerUnit ? `, CPU ${res.cpuUsPerUnit.total} µs/unit (client ${res.cpuUsPerUnit.client}, server ${res.cpuUsPerUnit.server})` : '';
        log(`[${mode}] c=${c} ${res.variant}: ${res.unitsPerSec} units/s (per round ${res.unitsPerSecRounds.join(', ')}), p50 ${res.p50Ms} ms, p99 ${res.p99Ms} ms${cpuText}`);
      }
      // Throughput lost = 1 − (time per unit of base / of variant). The point estimate pools all rounds;
      // the IQR is over per-round (c=1: per time chunk) pairs and shows how much the machine's noise moves it.
      const lost = (a: Variant, base: Variant) => round(lostPct(perUnit(a).timeMs, perUnit(base).timeMs), 1);
      const cpuExtra = (a: Variant, base: Variant) => {
        const x = perUnit(a).cpuUs;
        const y = perUnit(base).cpuUs;
        return x === null || y === null ? null : round((x / y - 1) * 100, 1);
      };
      const spreadVs = (base: Variant) => {
        const xs = perUnit('withOrg').chunks.map((t, i) => lostPct(t, perUnit(base).chunks[i]!));
        return [round(percentile(xs, 25), 1), round(percentile(xs, 75), 1)] as [number, number];
      };
      const total = lost('withOrg', 'direct-tx');
      const ctxPart = lost('direct-tx+ctx', 'direct-tx');
      const cpuTotal = cpuExtra('withOrg', 'direct-tx');
      const cpuCtx = cpuExtra('direct-tx+ctx', 'direct-tx');
      overhead.push({
        concurrency: c,
        method: c === 1 ? 'interleaved' : 'slices',
        vsOwnerTxPct: lost('withOrg', 'owner-tx'),
        vsOwnerTxIqr: spreadVs('owner-tx'),
        cpuVsOwnerTxPct: cpuExtra('withOrg', 'owner-tx'),
        vsDirectTxPct: total,
        vsDirectTxIqr: spreadVs('direct-tx'),
        vsDirectNoTxPct: lost('withOrg', 'direct-no-tx'),
        contextStatementPct: ctxPart,
        rlsPct: round(total - ctxPart, 1),
        twoTxPct: lost('withOrg-2tx', 'direct-2tx'),
        cpuVsDirectTxPct: cpuTotal,
        cpuContextStatementPct: cpuCtx,
        cpuRlsPct: cpuTotal === null || cpuCtx === null ? null : round(cpuTotal - cpuCtx, 1),
        cpuTwoTxPct: cpuExtra('withOrg-2tx', 'direct-2tx'),
      });
    }
    const statements = await captureUnit(b, principals[0]!);
    const explain = await explainUnit(b, principals[0]!, statements);
    const breakdown = await statementBreakdown(b.admin, b.adminPool, b.db.appRole, { orgId: principals[0]!.orgId, userId: principals[0]!.userId }, statements);
    for (const row of breakdown) log(`[${mode}] breakdown ${row.setup}: ${row.perStatementUs.join(' + ')} = ${row.totalUs} µs (${row.vsSuperuserPct}% vs superuser)`);
    return {
      mode,
      orgs,
      auditRowsPerOrg: auditRows,
      membersPerOrg: members,
      roundSeconds: seconds,
      rounds,
      results,
      overhead,
      explain,
      breakdown,
      serverCpuVisible: cpu.serverVisible,
      loadAvgDuring: (await import('node:os')).loadavg().map((l) => round(l, 2)),
    };
  } finally {
    await closeMeter();
    await b.close();
  }
}

const pct = (x: number | null) => (x === null ? '—' : `${x > 0 ? '+' : ''}${x}%`);

export function isolationTables(results: IsolationResult[]): string {
  const main = mdTable(
    ['mode', 'clients', 'method', 'variant', 'units/s', 'p50 ms', 'p99 ms', 'throughput vs direct-tx', 'CPU µs/unit (client + server)', 'CPU vs direct-tx'],
    results.flatMap((r) =>
      r.results.map((v) => {
        const base = r.results.find((x) => x.concurrency === v.concurrency && x.variant === 'direct-tx')!;
        const isBase = v.variant === 'direct-tx';
        const tput = round((v.unitsPerSec / base.unitsPerSec - 1) * 100, 1);
        const c = v.cpuUsPerUnit;
        const cpuCell = !c ? '—' : r.mode === 'postgres' ? `${c.total} (${c.client} + ${c.server})` : `${c.total}`;
        const cpuPct = c && base.cpuUsPerUnit ? pct(round((c.total / base.cpuUsPerUnit.total - 1) * 100, 1)) : '—';
        return [r.mode, v.concurrency, v.method, v.variant, v.unitsPerSec, v.p50Ms, v.p99Ms, isBase ? '—' : pct(tput), cpuCell, isBase ? '—' : cpuPct];
      }),
    ),
  );
  const over = mdTable(
    ['mode', 'clients', 'withOrg lost vs owner role (IQR)', 'extra CPU vs owner role', '< 10%?', 'withOrg lost vs superuser (IQR)', '… context statement', '… RLS + role', 'withOrg extra CPU vs superuser', '… context statement', '… RLS + role', 'as two transactions (HTTP path) vs superuser: lost / CPU', '< 10%?'],
    results.flatMap((r) =>
      r.overhead.map((o) => [
        r.mode,
        o.concurrency,
        `${o.vsOwnerTxPct}% (${o.vsOwnerTxIqr[0]}…${o.vsOwnerTxIqr[1]}%)`,
        pct(o.cpuVsOwnerTxPct),
        o.vsOwnerTxPct < 10 ? 'yes' : 'no',
        `${o.vsDirectTxPct}% (${o.vsDirectTxIqr[0]}…${o.vsDirectTxIqr[1]}%)`,
        `${o.contextStatementPct}%`,
        `${o.rlsPct}%`,
        pct(o.cpuVsDirectTxPct),
        pct(o.cpuContextStatementPct),
        pct(o.cpuRlsPct),
        `${o.twoTxPct}% / ${pct(o.cpuTwoTxPct)}`,
        o.vsDirectTxPct < 10 ? 'yes' : 'no',
      ]),
    ),
  );
  const explain = mdTable(
    ['mode', 'statement', 'app role + RLS: planning / execution ms', 'superuser: planning / execution ms'],
    results.flatMap((r) =>
      r.explain.map((e) => [r.mode, `\`${e.statement.slice(0, 60)}…\``, `${e.appMs.planning} / ${e.appMs.execution}`, `${e.directMs.planning} / ${e.directMs.execution}`]),
    ),
  );
  const bd = mdTable(
    ['mode', 'setup', 'role lookup µs', 'audit list µs', 'get org µs', 'unit total µs', 'vs superuser'],
    results.flatMap((r) => {
      return r.breakdown.map((x) => [r.mode, x.setup, ...x.perStatementUs, x.totalUs, x === r.breakdown[0] ? '—' : pct(x.vsSuperuserPct)]);
    }),
  );
  return `${main}\n\nIsolation overhead (1 client: variants interleaved in blocks of 25 units; 16 clients: rotating slices, throughput and CPU pooled over rounds):\n\n${over}\n\nServer-side time per statement (EXPLAIN ANALYZE, median of 15):\n\n${explain}\n\nServer CPU per statement by isolation setup (one connection, one transaction per setup, 20th percentile of 15 interleaved rounds; PGlite: process CPU):\n\n${bd}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results: IsolationResult[] = [];
  for (const mode of modesFromEnv()) results.push(await runIsolationCost(mode));
  console.log(JSON.stringify({ machine: machineInfo(), results }, null, 2));
  console.log(isolationTables(results));
}
