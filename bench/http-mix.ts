/**
 * HTTP benchmark: the real app on 127.0.0.1 (random port), N seeded orgs, an authenticated read-heavy
 * mix driven by autocannon (in a child process) at 1 and 50 connections.
 *
 *   npx tsx bench/http-mix.ts                                   # PGlite
 *   BENCH_MODES=postgres npx tsx bench/http-mix.ts              # PostgreSQL (defaults to converse_bench)
 *
 * Env: BENCH_SECONDS (per concurrency level, default 10), BENCH_WARMUP_SECONDS (2), BENCH_ORGS (20),
 * BENCH_CONNECTIONS (default "1,50").
 */
import { fork } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../src/config.js';
import type { Keyring } from '../src/platform/vault/keyring.js';
import { createTestApp } from '../test/helpers/harness.js';
import { fillPool, keepIdleClients, openCpuMeter, type CpuMeter } from './lib/cpu.js';
import { analyze, envNumber, modesFromEnv, openBaselineDb, openBenchDb, type BenchMode } from './lib/db.js';
import { median, percentile } from './lib/stats.js';
import type { LoadJob, LoadRequest, LoadResult } from './lib/load-process.js';
import { seedBulk } from './lib/seed.js';
import { log, machineInfo, mdTable, round } from './lib/stats.js';

const PASSWORD = 'bench-password-not-secret';

/** Route weights of the read-heavy mix (sum 100). */
export const MIX = [
  { label: 'GET /me', path: '/api/v1/me', weight: 25 },
  { label: 'GET /organization', path: '/api/v1/organization', weight: 15 },
  { label: 'GET /team/members', path: '/api/v1/team/members', weight: 20 },
  { label: 'GET /api-keys', path: '/api/v1/api-keys', weight: 10 },
  { label: 'GET /audit-log?limit=50', path: '/api/v1/audit-log?limit=50', weight: 30 },
] as const;
/** Share of requests (on routes an API key may call) made with an org API key instead of an access token. */
const API_KEY_SHARE = 0.25;
const SEED_SHAPE = { members: 10, invites: 5, audit: 300 };

interface BenchOrg {
  orgId: string;
  ownerToken: string;
  adminToken: string;
  apiKey: string;
}

export interface HttpMixResult {
  mode: BenchMode;
  orgs: number;
  seedShape: typeof SEED_SHAPE & { viaApi: string };
  mix: { label: string; weight: number }[];
  apiKeyShare: number;
  dbPoolMax: number;
  runs: (MeasuredRun & { ok: boolean })[];
  /** The same mix against the same data, isolated app vs. the no-isolation baseline, alternating runs. */
  isolation: IsolationAb[];
}

/**
 * CPU per request during one load run, in microseconds: the server process (the app; on PGlite also the
 * database, which runs inside it) and, on PostgreSQL, the backends serving the bench's pools. The load
 * generator is a separate process and is not counted.
 */
export interface RunCpu {
  appUs: number;
  dbUs: number;
  totalUs: number;
  /** PostgreSQL: times a backend was put on a CPU (mostly wake-ups from waiting on its socket), per request. */
  dbWakeups?: number;
  /** PostgreSQL: time backends were runnable but waiting for a CPU, µs per request. */
  dbQueuedUs?: number;
}

export type MeasuredRun = LoadResult & { cpuPerRequest?: RunCpu };

export interface IsolationAb {
  connections: number;
  rounds: number;
  secondsPerRun: number;
  isolatedReqPerSec: number[];
  /** The superuser baseline (skips every permission check as well as RLS). */
  baselineReqPerSec: number[];
  /** The owner-role baseline (the definition: owner privileges, not a superuser, RLS bypassed). */
  ownerReqPerSec: number[];
  /** Throughput lost by the isolated app vs the superuser: 1 − isolated/baseline over all rounds (pooled), %. */
  lostPct: number;
  /** 25th–75th percentile of the per-round losses. */
  lostIqr: [number, number];
  /** The same against the owner-role baseline. */
  lostVsOwnerPct: number;
  lostVsOwnerIqr: [number, number];
  p50Ms: { isolated: number; baseline: number; owner: number };
  /**
   * CPU per request of each arm, pooled over the rounds (CPU of all its runs / their requests). At
   * saturation throughput is its inverse, and it moves far less than req/s when the host's speed changes.
   */
  cpuPerRequest?: { isolated: RunCpu; baseline: RunCpu; owner: RunCpu };
  /** Extra CPU per request of the isolated app: isolated/owner − 1 (pooled), %, and the IQR of the per-round ratios. */
  cpuCostVsOwnerPct?: number;
  cpuCostVsOwnerIqr?: [number, number];
  /** The same against the superuser. */
  cpuCostPct?: number;
  cpuCostIqr?: [number, number];
  /**
   * BENCH_AB_BREAKDOWN=true (PostgreSQL): the owner role WITH withOrg's context statement. Owner → this
   * arm is the context statement's share, this arm → the app is RLS and the role.
   */
  ownerWithContext?: { reqPerSec: number[]; contextLostPct: number; rlsLostPct: number; cpuPerRequest?: RunCpu };
  /** Errors, timeouts and non-2xx over all A/B runs (must be 0). */
  failures: number;
}

async function inject(app: FastifyInstance, method: 'GET' | 'POST', url: string, token: string | undefined, body?: object) {
  const res = await app.inject({ method, url: `/api/v1${url}`, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(body ? { payload: body } : {}) });
  return { status: res.statusCode, json: () => res.json() as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** One org through the public API: owner signup, an admin invited and accepted, an admin API key. */
async function createOrgViaApi(app: FastifyInstance, i: number): Promise<BenchOrg> {
  const tag = Math.random().toString(16).slice(2, 10);
  const signup = await inject(app, 'POST', '/auth/signup', undefined, { email: `owner-${i}-${tag}@bench.example`, password: PASSWORD, name: `Owner ${i}`, organization_name: `Bench ${i}` });
  if (signup.status !== 201) throw new Error(`signup failed: ${signup.status}`);
  const owner = signup.json();
  const invite = await inject(app, 'POST', '/team/invites', owner.access_token, { email: `admin-${i}-${tag}@bench.example`, role: 'admin' });
  if (invite.status !== 201) throw new Error(`invite failed: ${invite.status}`);
  const accepted = await inject(app, 'POST', '/auth/accept-invite', undefined, { token: invite.json().token, name: `Admin ${i}`, password: PASSWORD });
  if (accepted.status !== 200) throw new Error(`accept failed: ${accepted.status}`);
  const key = await inject(app, 'POST', '/api-keys', owner.access_token, { name: 'bench', role: 'admin' });
  if (key.status !== 201) throw new Error(`api key failed: ${key.status}`);
  return { orgId: owner.organization.id, ownerToken: owner.access_token, adminToken: accepted.json().access_token, apiKey: key.json().key };
}

/**
 * The mix, or only the routes BENCH_ROUTES names (comma list of paths, e.g. "/api/v1/me"), to see what
 * one route costs.
 */
function mixFromEnv(): readonly (typeof MIX)[number][] {
  const only = process.env.BENCH_ROUTES?.split(',').map((r) => r.trim()).filter(Boolean);
  if (!only?.length) return MIX;
  const picked = MIX.filter((m) => only.includes(m.path));
  if (picked.length !== only.length) throw new Error(`BENCH_ROUTES: unknown path (known: ${MIX.map((m) => m.path).join(', ')})`);
  return picked;
}

/** A shuffled pool of requests following the mix, spread uniformly over orgs. */
function requestPool(orgs: BenchOrg[], size = 4096): LoadRequest[] {
  const mix = mixFromEnv();
  const total = mix.reduce((s, m) => s + m.weight, 0);
  const pool: LoadRequest[] = [];
  for (let i = 0; i < size; i++) {
    let r = Math.random() * total;
    const route = mix.find((m) => (r -= m.weight) < 0) ?? mix[0]!;
    const org = orgs[Math.floor(Math.random() * orgs.length)]!;
    let credential: string;
    // Listing API keys needs api_keys:manage, which only owners have (API keys are never owners).
    if (route.path === '/api/v1/api-keys') credential = org.ownerToken;
    else if (Math.random() < API_KEY_SHARE) credential = org.apiKey;
    else credential = Math.random() < 0.5 ? org.ownerToken : org.adminToken;
    pool.push({ method: 'GET', path: route.path, headers: { authorization: `Bearer ${credential}` }, label: route.label });
  }
  return pool;
}

const LOAD_ENTRY = fileURLToPath(new URL('./lib/load-process.ts', import.meta.url));

type CpuSample = Awaited<ReturnType<CpuMeter['read']>>;

/** The CPU between two meter readings, per request. */
function perRequest(before: CpuSample, after: CpuSample, requests: number, withDb: boolean): RunCpu {
  const appUs = (after.clientNs - before.clientNs) / 1000 / requests;
  const dbUs = (after.serverNs - before.serverNs) / 1000 / requests;
  const db = withDb
    ? { dbWakeups: round((after.serverWakeups - before.serverWakeups) / requests, 2), dbQueuedUs: round((after.serverQueuedNs - before.serverQueuedNs) / 1000 / requests, 1) }
    : {};
  return { appUs: round(appUs, 1), dbUs: round(dbUs, 1), totalUs: round(appUs + dbUs, 1), ...db };
}

/**
 * One autocannon run in a child process (lib/load-process.ts). With a meter, the CPU this process and the
 * bench's database backends spend while the load runs is divided by the requests answered: the child
 * boots first and the meter is read only once it is ready, so its start-up is not counted.
 */
function runLoad(job: LoadJob, cpu?: CpuMeter): Promise<MeasuredRun> {
  return new Promise((resolve, reject) => {
    const child = fork(LOAD_ENTRY, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let before: CpuSample | undefined;
    const fail = (err: Error) => {
      child.kill();
      reject(err);
    };
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`load process exited (${code}) before answering`)));
    child.on('message', (m: 'ready' | { ok: boolean; result?: LoadResult; error?: string }) => {
      if (m !== 'ready') child.removeAllListeners('exit');
      void (async () => {
        if (m === 'ready') {
          before = await cpu?.read();
          child.send(job);
          return;
        }
        const after = await cpu?.read();
        child.kill();
        if (!m.ok) return reject(new Error(m.error));
        const r = m.result!;
        resolve(before && after ? { ...r, cpuPerRequest: perRequest(before, after, Math.max(1, r.totalRequests), cpu!.serverVisible) } : r);
      })().catch(fail);
    });
  });
}

export async function runHttpMix(mode: BenchMode): Promise<HttpMixResult> {
  const seconds = envNumber('BENCH_SECONDS', 10);
  const warmup = envNumber('BENCH_WARMUP_SECONDS', 2);
  const orgCount = envNumber('BENCH_ORGS', 20);
  const connectionLevels = (process.env.BENCH_CONNECTIONS ?? '1,50').split(',').map(Number);

  // PostgreSQL connections per app: the production default (CONVERSE_DB_POOL_MAX), or BENCH_POOL_MAX.
  const poolMax = envNumber('BENCH_POOL_MAX', loadConfig({} as NodeJS.ProcessEnv).dbPoolMax);
  const bdb = await openBenchDb(mode, { appPoolMax: poolMax, adminPoolMax: 2 });
  // Pools keep their connections between runs: the meter counts one stable set of backends, and no run
  // starts on freshly forked, cold ones (pg-pool closes idle clients after 10 s by default).
  for (const p of [bdb.pgPool, bdb.adminPool, bdb.ownerPool]) keepIdleClients(p);
  const meter = openCpuMeter(mode);
  // Deps are built by the test harness (kept in step with src/deps.ts by the people who change it).
  const { app, deps, keyring: testKeyring } = await createTestApp({
    testDb: { db: bdb.db, admin: bdb.admin, close: bdb.close },
    // The bench measures the request path, not the limiter: raise every limit far past what it can send.
    config: { rateLimit: { perOrgPerMinute: 1e9, perIpPerMinute: 1e9, authPerIpPerMinute: 1e9 }, dbPoolMax: poolMax },
  });
  try {
    const t0 = Date.now();
    const orgs: BenchOrg[] = [];
    // A few at a time: each org hashes two passwords (argon2id), which is what dominates seeding.
    for (let i = 0; i < orgCount; i += 4) {
      const batch = await Promise.all(Array.from({ length: Math.min(4, orgCount - i) }, (_, j) => createOrgViaApi(app, i + j)));
      orgs.push(...batch);
    }
    await seedBulk(bdb.admin, { existingOrgIds: orgs.map((o) => o.orgId), shape: SEED_SHAPE });
    await analyze(bdb);
    log(`[${mode}] http-mix: seeded ${orgCount} orgs in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const pool = requestPool(orgs);
    // Fail fast if any request of the mix is not a 2xx before measuring anything.
    for (const label of new Set(pool.map((p) => p.label))) {
      for (const req of pool.filter((p) => p.label === label).slice(0, 3)) {
        const res = await app.inject({ method: 'GET', url: req.path, headers: req.headers });
        if (res.statusCode !== 200) throw new Error(`${label} answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
      }
    }

    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address();
    if (!addr || typeof addr === 'string') throw new Error('no listening address');
    const url = `http://127.0.0.1:${addr.port}`;

    if (warmup > 0) await runLoad({ url, connections: 10, durationSeconds: warmup, requests: pool });
    await fillPool(bdb.pgPool);
    await meter.cpu.refresh();
    const runs: HttpMixResult['runs'] = [];
    for (const connections of connectionLevels) {
      const r = await runLoad({ url, connections, durationSeconds: seconds, requests: pool }, meter.cpu);
      const ok = r.errors === 0 && r.non2xx === 0 && r.timeouts === 0;
      const c = r.cpuPerRequest;
      log(
        `[${mode}] http-mix c=${connections}: ${r.reqPerSec.toFixed(0)} req/s, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, non2xx ${r.non2xx}, errors ${r.errors}` +
          (c ? `, CPU ${c.totalUs} µs/request (app ${c.appUs}, db ${c.dbUs})` : ''),
      );
      runs.push({ ...r, ok });
    }
    const isolation = await isolationAb(mode, bdb, url, pool, connectionLevels, deps.config, testKeyring, meter.cpu);
    return {
      isolation,
      mode,
      orgs: orgCount,
      seedShape: { ...SEED_SHAPE, viaApi: 'per org: owner signup, 1 admin invited+accepted, 1 admin API key' },
      mix: mixFromEnv().map((m) => ({ label: m.label, weight: m.weight })),
      apiKeyShare: API_KEY_SHARE,
      dbPoolMax: mode === 'postgres' ? poolMax : 1,
      runs,
    };
  } finally {
    await app.close();
    await bdb.close();
    await meter.close();
  }
}

/**
 * Isolation cost at the HTTP level: two more apps on the same data and keyring whose databases are the
 * no-isolation baselines (openBaselineDb: the superuser, and the owner role; no context statement, RLS
 * bypassed), and runs rotating between the three (order shifted every round) at each concurrency level.
 */
async function isolationAb(
  mode: BenchMode,
  bdb: Awaited<ReturnType<typeof openBenchDb>>,
  isolatedUrl: string,
  pool: LoadRequest[],
  levels: number[],
  config: Config,
  keyring: Keyring,
  cpu: CpuMeter,
): Promise<IsolationAb[]> {
  const rounds = envNumber('BENCH_AB_ROUNDS', 6);
  const seconds = envNumber('BENCH_AB_SECONDS', 4);
  if (process.env.BENCH_AB === 'false') return [];
  const started: { close(): Promise<void> }[] = [];
  try {
    const baselineApp = async (as: 'superuser' | 'owner', context = false) => {
      const baseline = openBaselineDb(bdb, config.dbPoolMax, as, { context });
      keepIdleClients(baseline.pool);
      await fillPool(baseline.pool);
      const b = await createTestApp({ testDb: { db: baseline.db, admin: bdb.admin, close: baseline.close }, keyring, config, verifyRuntimeRole: false });
      started.push({ close: async () => (await b.close(), await baseline.close()) });
      await b.app.listen({ host: '127.0.0.1', port: 0 });
      const addr = b.app.server.address();
      if (!addr || typeof addr === 'string') throw new Error('no listening address');
      const url = `http://127.0.0.1:${addr.port}`;
      await runLoad({ url, connections: 10, durationSeconds: 2, requests: pool });
      return url;
    };
    // BENCH_AB_BREAKDOWN=true (PostgreSQL): a fourth arm, the owner role WITH withOrg's context statement,
    // which splits the difference into the context statement and RLS.
    const breakdown = process.env.BENCH_AB_BREAKDOWN === 'true' && mode === 'postgres';
    const urls = { iso: isolatedUrl, base: await baselineApp('superuser'), owner: await baselineApp('owner'), ownerCtx: breakdown ? await baselineApp('owner', true) : '' };
    await cpu.refresh();
    const arms = breakdown ? (['iso', 'base', 'owner', 'ownerCtx'] as const) : (['iso', 'base', 'owner'] as const);
    const out: IsolationAb[] = [];
    for (const connections of levels) {
      const res = { iso: [] as MeasuredRun[], base: [] as MeasuredRun[], owner: [] as MeasuredRun[], ownerCtx: [] as MeasuredRun[] };
      for (let r = 0; r < rounds; r++) {
        for (let i = 0; i < arms.length; i++) {
          const which = arms[(i + r) % arms.length]!;
          res[which].push(await runLoad({ url: urls[which], connections, durationSeconds: seconds, requests: pool }, cpu));
        }
      }
      const sum = (xs: MeasuredRun[]) => xs.reduce((n, x) => n + x.totalRequests, 0);
      const lost = (base: MeasuredRun[]) => round((1 - sum(res.iso) / sum(base)) * 100, 1);
      const iqr = (base: MeasuredRun[]): [number, number] => {
        const perRound = res.iso.map((x, i) => (1 - x.reqPerSec / base[i]!.reqPerSec) * 100);
        return [round(percentile(perRound, 25), 1), round(percentile(perRound, 75), 1)];
      };
      const p50 = (xs: MeasuredRun[]) => median(xs.map((x) => x.latencyMs.p50));
      const cpuStats = abCpu(res);
      const row: IsolationAb = {
        connections,
        rounds,
        secondsPerRun: seconds,
        isolatedReqPerSec: res.iso.map((x) => round(x.reqPerSec, 1)),
        baselineReqPerSec: res.base.map((x) => round(x.reqPerSec, 1)),
        ownerReqPerSec: res.owner.map((x) => round(x.reqPerSec, 1)),
        lostPct: lost(res.base),
        lostIqr: iqr(res.base),
        lostVsOwnerPct: lost(res.owner),
        lostVsOwnerIqr: iqr(res.owner),
        p50Ms: { isolated: p50(res.iso), baseline: p50(res.base), owner: p50(res.owner) },
        ...cpuStats,
        ...(breakdown ? { ownerWithContext: ownerWithContext(res) } : {}),
        failures: [...res.iso, ...res.base, ...res.owner, ...res.ownerCtx].reduce((n, x) => n + x.errors + x.non2xx + x.timeouts, 0),
      };
      log(
        `[${mode}] isolation A/B c=${connections}: isolated ${row.isolatedReqPerSec.join(', ')} req/s; superuser ${row.baselineReqPerSec.join(', ')}; owner ${row.ownerReqPerSec.join(', ')}; ` +
          `lost ${row.lostVsOwnerPct}% vs owner (IQR ${row.lostVsOwnerIqr.join('…')}%), ${row.lostPct}% vs superuser (IQR ${row.lostIqr.join('…')}%)` +
          (row.cpuPerRequest
            ? `; CPU µs/request isolated ${row.cpuPerRequest.isolated.totalUs}, owner ${row.cpuPerRequest.owner.totalUs}, superuser ${row.cpuPerRequest.baseline.totalUs}: ` +
              `${signed(row.cpuCostVsOwnerPct!)}% vs owner (IQR ${row.cpuCostVsOwnerIqr!.join('…')}%), ${signed(row.cpuCostPct!)}% vs superuser (IQR ${row.cpuCostIqr!.join('…')}%)`
            : '') +
          (row.ownerWithContext
            ? `; owner + context statement ${row.ownerWithContext.reqPerSec.join(', ')} req/s, context statement ${row.ownerWithContext.contextLostPct}% / RLS ${row.ownerWithContext.rlsLostPct}% of throughput` +
              (row.ownerWithContext.cpuPerRequest ? `, CPU µs/request ${row.ownerWithContext.cpuPerRequest.totalUs} (app ${row.ownerWithContext.cpuPerRequest.appUs}, db ${row.ownerWithContext.cpuPerRequest.dbUs})` : '')
            : ''),
      );
      out.push(row);
    }
    return out;
  } finally {
    for (const s of started) await s.close();
  }
}

const signed = (x: number) => (x >= 0 ? `+${x}` : `${x}`);

/** CPU per request over several runs: the CPU of all of them over their requests. */
function pooledCpu(xs: MeasuredRun[]): RunCpu {
  const n = xs.reduce((s, x) => s + x.totalRequests, 0);
  const part = (k: keyof RunCpu, digits = 1) => round(xs.reduce((s, x) => s + (x.cpuPerRequest![k] ?? 0) * x.totalRequests, 0) / n, digits);
  const db = xs.every((x) => x.cpuPerRequest!.dbWakeups !== undefined) ? { dbWakeups: part('dbWakeups', 2), dbQueuedUs: part('dbQueuedUs') } : {};
  return { appUs: part('appUs'), dbUs: part('dbUs'), totalUs: part('totalUs'), ...db };
}

/** The breakdown arm: the owner role with the context statement, between the owner role and the app. */
function ownerWithContext(res: { iso: MeasuredRun[]; owner: MeasuredRun[]; ownerCtx: MeasuredRun[] }): NonNullable<IsolationAb['ownerWithContext']> {
  const sum = (xs: MeasuredRun[]) => xs.reduce((n, x) => n + x.totalRequests, 0);
  return {
    reqPerSec: res.ownerCtx.map((x) => round(x.reqPerSec, 1)),
    contextLostPct: round((1 - sum(res.ownerCtx) / sum(res.owner)) * 100, 1),
    rlsLostPct: round((1 - sum(res.iso) / sum(res.ownerCtx)) * 100, 1),
    ...(res.ownerCtx.every((x) => x.cpuPerRequest) ? { cpuPerRequest: pooledCpu(res.ownerCtx) } : {}),
  };
}

/** Pooled CPU per request of each arm, and the isolated arm's extra CPU against each baseline. */
function abCpu(res: { iso: MeasuredRun[]; base: MeasuredRun[]; owner: MeasuredRun[] }): Partial<IsolationAb> {
  if (![...res.iso, ...res.base, ...res.owner].every((x) => x.cpuPerRequest)) return {};
  const cpu = { isolated: pooledCpu(res.iso), baseline: pooledCpu(res.base), owner: pooledCpu(res.owner) };
  const cost = (base: RunCpu) => round((cpu.isolated.totalUs / base.totalUs - 1) * 100, 1);
  const iqr = (base: MeasuredRun[]): [number, number] => {
    const perRound = res.iso.map((x, i) => (x.cpuPerRequest!.totalUs / base[i]!.cpuPerRequest!.totalUs - 1) * 100);
    return [round(percentile(perRound, 25), 1), round(percentile(perRound, 75), 1)];
  };
  return { cpuPerRequest: cpu, cpuCostVsOwnerPct: cost(cpu.owner), cpuCostVsOwnerIqr: iqr(res.owner), cpuCostPct: cost(cpu.baseline), cpuCostIqr: iqr(res.base) };
}

/** CPU per request of the HTTP-level comparison (rows with a meter only). */
export function isolationCpuTable(results: HttpMixResult[]): string {
  const us = (c: RunCpu | undefined) => (c ? `${c.totalUs} (${c.appUs} + ${c.dbUs})` : '—');
  return mdTable(
    ['mode', 'pool', 'connections', 'isolated µs/request (app + db)', 'owner role', 'owner role + context statement', 'superuser', 'extra CPU vs owner role (IQR)', 'extra CPU vs superuser (IQR)'],
    results.flatMap((r) =>
      r.isolation
        .filter((x) => x.cpuPerRequest)
        .map((x) => [
          r.mode,
          r.dbPoolMax,
          x.connections,
          us(x.cpuPerRequest!.isolated),
          us(x.cpuPerRequest!.owner),
          us(x.ownerWithContext?.cpuPerRequest),
          us(x.cpuPerRequest!.baseline),
          `${x.cpuCostVsOwnerPct}% (${x.cpuCostVsOwnerIqr![0]}…${x.cpuCostVsOwnerIqr![1]}%)`,
          `${x.cpuCostPct}% (${x.cpuCostIqr![0]}…${x.cpuCostIqr![1]}%)`,
        ]),
    ),
  );
}

export function isolationAbTable(results: HttpMixResult[]): string {
  return mdTable(
    ['mode', 'connections', 'isolated req/s (median)', 'owner role req/s (median)', 'lost vs owner role (IQR over rounds)', '< 10%?', 'superuser req/s (median)', 'lost vs superuser (IQR)', '< 10%?', 'p50 ms isolated / owner / superuser'],
    results.flatMap((r) =>
      r.isolation.map((x) => [
        r.mode,
        x.connections,
        round(median(x.isolatedReqPerSec), 0),
        round(median(x.ownerReqPerSec), 0),
        `${x.lostVsOwnerPct}% (${x.lostVsOwnerIqr[0]}…${x.lostVsOwnerIqr[1]}%)`,
        x.lostVsOwnerPct < 10 ? 'yes' : 'no',
        round(median(x.baselineReqPerSec), 0),
        `${x.lostPct}% (${x.lostIqr[0]}…${x.lostIqr[1]}%)`,
        x.lostPct < 10 ? 'yes' : 'no',
        `${x.p50Ms.isolated} / ${x.p50Ms.owner} / ${x.p50Ms.baseline}`,
      ]),
    ),
  );
}

export function httpMixTable(results: HttpMixResult[]): string {
  const rows = results.flatMap((r) =>
    r.runs.map((run) => [r.mode, run.connections, round(run.reqPerSec, 0), run.latencyMs.p50, run.latencyMs.p99, run.totalRequests, run.non2xx, run.errors + run.timeouts]),
  );
  return mdTable(['mode', 'connections', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'non-2xx', 'errors'], rows);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results: HttpMixResult[] = [];
  for (const mode of modesFromEnv()) results.push(await runHttpMix(mode));
  console.log(JSON.stringify({ machine: machineInfo(), results }, null, 2));
  console.log(httpMixTable(results));
  console.log(isolationAbTable(results));
  console.log(isolationCpuTable(results));
  if (results.some((r) => r.runs.some((x) => !x.ok) || r.isolation.some((x) => x.failures > 0))) process.exitCode = 1;
}
