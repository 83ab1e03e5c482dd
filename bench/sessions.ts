/**
 * Session runtime benchmark (issue 13): the real app on 127.0.0.1 driven over HTTP by clients in a child
 * process (lib/session-load.ts, which also serves the zero-latency fake model and the HTTP tool).
 *
 *   (a) flow turns, one at a time: HTTP turn latency p50/p95 and the runtime's own recorded total
 *       (`GET /calls/{id}` → `latency[]`);
 *   (b) agent turns with knowledge retrieval and one HTTP tool call (two model steps), one at a time:
 *       overhead = HTTP turn latency − the time spent inside the model server during the turn;
 *   (c) throughput: 50 clients, each with its own session, flow turns and agent turns: turns/s, errors,
 *       CPU per turn.
 *
 *   npm run bench:sessions                                            # PGlite
 *   BENCH_MODES=postgres npm run bench:sessions                       # PostgreSQL (converse_bench)
 *
 * Env: BENCH_MODES, BENCH_SESSION_ORGS (5), BENCH_LATENCY_SESSIONS (30 flow / agent sessions of
 * BENCH_TURNS_PER_SESSION = 10 turns, after 5 warm-up sessions), BENCH_CLIENTS (50), BENCH_SECONDS
 * (10 per throughput run), BENCH_WARMUP_SECONDS (3). Writes bench/results/<date>-sessions-<mode>.json.
 */
import { fork } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../src/config.js';
import type { Deps } from '../src/deps.js';
import { SessionRuntime } from '../src/pipeline/index.js';
import { call } from '../test/helpers/api.js';
import { createTestApp } from '../test/helpers/harness.js';
import { created, knowledgeFor } from '../test/sessions/support.js';
import { fillPool, keepIdleClients, openCpuMeter, type CpuMeter } from './lib/cpu.js';
import { envNumber, modesFromEnv, openBenchDb, type BenchMode } from './lib/db.js';
import { AGENT_TEXT, FLOW_TEXT, MODEL_KEY, type ChildMessage, type LatencyResult, type LoadJob, type SessionTarget, type ThroughputResult, type TurnSample } from './lib/session-load.js';
import { log, machineInfo, mdTable, percentile, round, type MachineInfo } from './lib/stats.js';

const TARGETS = { flowP95Ms: 10, agentOverheadP95Ms: 20, turnsPerSecond: 500 };

/** A flow that loops as long as the caller talks: listen → condition → templated line → listen. */
const LOOP_FLOW = {
  name: 'Bench loop',
  nodes: [
    { id: 'start', type: 'entry', data: {} },
    { id: 'hello', type: 'speak', data: { text: 'Welcome to Acme. What can I do for you?' } },
    { id: 'ask', type: 'listen', data: { variable: 'said' } },
    { id: 'route', type: 'condition', data: { branches: [{ when: { variable: 'said', op: 'contains', value: 'goodbye' }, edge_id: 'to-bye' }], default_edge_id: 'to-echo' } },
    { id: 'echo', type: 'speak', data: { text: 'You said: {{said}}. Anything else?' } },
    { id: 'bye', type: 'end_call', data: { message: 'Goodbye.' } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'hello' },
    { id: 'e2', source: 'hello', target: 'ask' },
    { id: 'e3', source: 'ask', target: 'route' },
    { id: 'to-bye', source: 'route', target: 'bye' },
    { id: 'to-echo', source: 'route', target: 'echo' },
    { id: 'e4', source: 'echo', target: 'ask' },
  ],
};

const RETURNS_DOC = [
  'Returns. You can return any product within 30 days of delivery for a full refund to the original payment method.',
  'Items must be unused and in their original packaging. Shipping is free above fifty euros.',
  'Express delivery arrives the next working day when ordered before two in the afternoon.',
  'Support answers by phone on weekdays and by chat in the evening; every request receives a ticket number.',
].join('\n\n');

interface Stat {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  n: number;
}

function stat(xs: readonly number[]): Stat {
  const mean = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return { p50: round(percentile(xs, 50), 2), p95: round(percentile(xs, 95), 2), p99: round(percentile(xs, 99), 2), mean: round(mean, 2), n: xs.length };
}

/** One row of `latency[]` from GET /calls/{id}. */
interface LatencyRow {
  turn: number;
  engine_ms: number;
  db_ms: number;
  model_ttft_ms: number | null;
  tool_ms: number;
  total_ms: number;
}

export interface TurnLatency {
  turns: number;
  errors: number;
  /** As the client saw it: request sent → response read, over loopback. */
  httpMs: Stat;
  /** The runtime's recorded `total_ms` and its parts (the calls' latency rows). */
  recorded: { totalMs: Stat; engineMs: Stat; dbMs: Stat; toolMs: Stat; modelTtftMs: Stat | null };
  /**
   * CPU of the measured sessions over their turns: the server process (on PGlite also the database) and
   * its PostgreSQL backends, µs per turn; the sessions' starts (one per BENCH_TURNS_PER_SESSION turns)
   * are included. What a turn costs on an idle core, whatever the load average.
   */
  cpuPerTurn?: CpuPerTurn;
  /** The runtime's whole `send` (timed around it in this process): the recorded total plus the turn's write transaction. */
  runtimeSendMs: Stat;
  /** `send` − recorded total: the turn's write (state, transcript, tool calls, hits, latency row) and its commit, which `total_ms` stops before. */
  writeMs: Stat;
  /** HTTP latency − `send`: authentication (its own transaction), routing, validation, the reply's JSON, HTTP on both ends. */
  outsideRuntimeMs: Stat;
  /** Agent turns: time inside the model server per turn, its requests per turn, and time inside the tool's server. */
  modelServerMs?: Stat;
  modelRequestsPerTurn?: number;
  toolServerMs?: Stat;
  /** Agent turns: each recorded tool call's `latency_ms` by kind (`knowledge`, `http`); the two run in parallel, and the row's `tool_ms` is their sum. */
  toolCallMs?: Record<string, Stat>;
  /** Agent turns: HTTP latency − model server time (the issue's "overhead"), and the recorded total − model server time. */
  overheadMs?: Stat;
  recordedOverheadMs?: Stat;
  sessionStartHttpMs: Stat;
}

export interface Throughput extends Omit<ThroughputResult, 'kind'> {
  /** CPU per turn in the window: the server process (the app; on PGlite also the database) and its PostgreSQL backends, µs. */
  cpuPerTurn?: { appUs: number; dbUs: number; totalUs: number };
  loadAvgAtStart: number[];
}

export interface SessionsResult {
  mode: BenchMode;
  date: string;
  machine: MachineInfo;
  loadAvgAtEnd: number[];
  seconds: number;
  setup: { orgs: number; dbPoolMax: number; turnsPerSession: number; agentTurn: string; flow: string };
  /** CPU the server process (and its PostgreSQL backends) spends with no request in flight, µs per second: background work that the latency runs' CPU per turn includes. */
  idleCpuUsPerSecond: number;
  targets: typeof TARGETS;
  flow: TurnLatency & { loadAvgAtStart: number[] };
  agent: TurnLatency & { loadAvgAtStart: number[] };
  throughput: { flow: Throughput; agent: Throughput };
}

interface Child {
  ready: { llmBaseUrl: string; toolUrl: string };
  run<T extends LatencyResult | ThroughputResult>(job: LoadJob, onWindow?: (edge: 'open' | 'close') => void): Promise<T>;
  close(): void;
}

const LOAD_ENTRY = fileURLToPath(new URL('./lib/session-load.ts', import.meta.url));

function startChild(): Promise<Child> {
  return new Promise((resolve, reject) => {
    const child = fork(LOAD_ENTRY, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let pending: { resolve(r: unknown): void; reject(e: Error): void; onWindow?: (edge: 'open' | 'close') => void } | null = null;
    child.once('error', reject);
    child.once('exit', (code) => {
      const err = new Error(`load process exited (${code})`);
      pending?.reject(err);
      reject(err);
    });
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'ready') {
        resolve({
          ready: { llmBaseUrl: m.llmBaseUrl, toolUrl: m.toolUrl },
          run: (job, onWindow) =>
            new Promise((res, rej) => {
              pending = { resolve: res as (r: unknown) => void, reject: rej, onWindow };
              child.send(job);
            }),
          close: () => void child.disconnect(),
        });
      } else if (m.type === 'window') pending?.onWindow?.(m.edge);
      else if (m.type === 'result') {
        const p = pending;
        pending = null;
        if (m.ok) p?.resolve(m.result);
        else p?.reject(new Error(m.error));
      }
    });
  });
}

async function expectStatus(res: ReturnType<typeof call>, status: number, what: string): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const r = await res;
  if (r.statusCode !== status) throw new Error(`${what}: ${r.statusCode} ${r.body.slice(0, 300)}`);
  return r.json();
}

/**
 * One org through the public API: owner signup, an admin API key (what the clients use), an
 * openai_compatible provider at the fake model, an HTTP tool at the local tool server, an agent with
 * that provider, the tool and a ready knowledge document, and the loop flow.
 */
async function seedOrg(app: FastifyInstance, deps: Deps, i: number, urls: Child['ready']): Promise<{ flow: SessionTarget; agent: SessionTarget }> {
  const tag = Math.random().toString(16).slice(2, 10);
  const owner = await expectStatus(call(app, { method: 'POST', url: '/auth/signup', body: { email: `owner-${i}-${tag}@bench.example`, password: 'bench-password-not-secret', name: `Owner ${i}`, organization_name: `Sessions ${i}` } }), 201, 'signup');
  const token = owner.access_token as string;
  const key = (await created(app, token, '/api-keys', { name: 'bench', role: 'admin' })).key as string;
  const provider = await created(app, token, '/providers', { name: 'fake model', kind: 'openai_compatible', base_url: urls.llmBaseUrl, credentials: { api_key: MODEL_KEY }, default_model: 'fake-model' });
  const tool = await created(app, token, '/tools', {
    name: 'order_status',
    description: 'Looks up an order by its id',
    parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
    config: { method: 'POST', url: urls.toolUrl, headers: { Authorization: { secret: true, value: `Bearer tool-secret-${i}` } } },
  });
  const agent = await created(app, token, '/agents', { name: 'Support', system_prompt: 'You help callers of Acme with orders and returns.', greeting: 'Hi, this is Acme. How can I help?', llm_provider_id: provider.id });
  await expectStatus(call(app, { method: 'POST', url: `/tools/agent/${agent.id}/assign/${tool.id}`, token }), 201, 'assign tool');
  await knowledgeFor(deps, app, token, agent.id, 'Returns and delivery', RETURNS_DOC);
  const flow = await created(app, token, '/flows', LOOP_FLOW);
  return { flow: { token: key, start: { flow_id: flow.id } }, agent: { token: key, start: { agent_id: agent.id } } };
}

/** Fails before measuring anything unless an agent turn really searched knowledge, called the tool and answered from the model. */
async function checkAgentTurn(app: FastifyInstance, target: SessionTarget): Promise<void> {
  const s = await expectStatus(call(app, { method: 'POST', url: '/sessions', token: target.token, body: target.start }), 201, 'start agent session');
  const r = await expectStatus(call(app, { method: 'POST', url: `/sessions/${s.id}/messages`, token: target.token, body: { text: AGENT_TEXT } }), 200, 'agent turn');
  if (!/shipped/.test(String(r.messages?.[0]?.text))) throw new Error(`agent turn did not answer from the model: ${JSON.stringify(r.messages)}`);
  const c = await expectStatus(call(app, { method: 'GET', url: `/calls/${s.id}`, token: target.token }), 200, 'call detail');
  const kinds = (c.tool_calls as { kind: string; status: string }[]).map((t) => `${t.kind}:${t.status}`).sort();
  if (kinds.join() !== 'http:ok,knowledge:ok') throw new Error(`agent turn tool calls: ${kinds.join()}`);
  if (!(c.knowledge_hits as unknown[]).length) throw new Error('agent turn found no knowledge');
}

/** The measured sessions' latency rows (by session and turn) and their tool calls' latency by kind (`knowledge`, `http`). */
async function recordedRows(app: FastifyInstance, samples: readonly TurnSample[]): Promise<{ rows: Map<string, LatencyRow>; toolCallMs: Record<string, number[]> }> {
  const rows = new Map<string, LatencyRow>();
  const toolCallMs: Record<string, number[]> = {};
  const sessions = new Map(samples.map((s) => [s.sessionId, s.token]));
  for (const [id, token] of sessions) {
    const c = await expectStatus(call(app, { method: 'GET', url: `/calls/${id}`, token }), 200, 'call detail');
    for (const row of c.latency as LatencyRow[]) rows.set(`${id}:${row.turn}`, row);
    for (const t of c.tool_calls as { kind: string; latency_ms: number }[]) (toolCallMs[t.kind] ??= []).push(t.latency_ms);
  }
  return { rows, toolCallMs };
}

/**
 * Times every `SessionRuntime.send` of this process, per session in order (bench only: the recorded
 * `total_ms` ends before the turn's write, and the HTTP latency includes authentication; this splits the
 * two). The latency runs send one turn at a time, so the n-th time of a session is its n-th turn.
 */
function timeRuntimeSends(): Map<string, number[]> {
  const times = new Map<string, number[]>();
  const send = SessionRuntime.prototype.send;
  SessionRuntime.prototype.send = async function timed(this: SessionRuntime, ...args: Parameters<SessionRuntime['send']>) {
    const t = performance.now();
    const reply = await send.apply(this, args);
    const list = times.get(args[1]) ?? [];
    list.push(performance.now() - t);
    times.set(args[1], list);
    return reply;
  };
  return times;
}

async function turnLatency(app: FastifyInstance, r: LatencyResult, agent: boolean, sends: Map<string, number[]>): Promise<TurnLatency> {
  const { rows, toolCallMs } = await recordedRows(app, r.samples);
  const paired = r.samples.map((s) => ({ s, row: rows.get(`${s.sessionId}:${s.turn}`), send: sends.get(s.sessionId)?.[s.turn - 1] }));
  const missing = paired.filter((p) => !p.row || p.send === undefined).length;
  if (missing > 0) throw new Error(`${missing} turns have no latency row or send time`);
  const rec = paired.map((p) => p.row!);
  const ttft = rec.map((x) => x.model_ttft_ms).filter((x): x is number => x !== null);
  const base: TurnLatency = {
    turns: r.samples.length,
    errors: r.errors,
    httpMs: stat(r.samples.map((s) => s.httpMs)),
    recorded: { totalMs: stat(rec.map((x) => x.total_ms)), engineMs: stat(rec.map((x) => x.engine_ms)), dbMs: stat(rec.map((x) => x.db_ms)), toolMs: stat(rec.map((x) => x.tool_ms)), modelTtftMs: ttft.length ? stat(ttft) : null },
    runtimeSendMs: stat(paired.map((p) => p.send!)),
    writeMs: stat(paired.map((p) => p.send! - p.row!.total_ms)),
    outsideRuntimeMs: stat(paired.map((p) => p.s.httpMs - p.send!)),
    sessionStartHttpMs: stat(r.startMs),
  };
  if (!agent) return base;
  return {
    ...base,
    modelServerMs: stat(r.samples.map((s) => s.modelMs)),
    modelRequestsPerTurn: round(r.samples.reduce((n, s) => n + s.modelRequests, 0) / r.samples.length, 2),
    toolServerMs: stat(r.samples.map((s) => s.toolServerMs)),
    toolCallMs: Object.fromEntries(Object.entries(toolCallMs).map(([kind, xs]) => [kind, stat(xs)])),
    overheadMs: stat(r.samples.map((s) => s.httpMs - s.modelMs)),
    recordedOverheadMs: stat(paired.map((p) => p.row!.total_ms - p.s.modelMs)),
  };
}

type CpuPerTurn = { appUs: number; dbUs: number; totalUs: number };

/** Runs a job, reading the CPU meter when the child says its measured part begins and ends; CPU per turn over that part. */
async function metered<T extends LatencyResult | ThroughputResult>(child: Child, job: LoadJob, cpu: CpuMeter, turnsOf: (r: T) => number): Promise<{ r: T; cpuPerTurn?: CpuPerTurn }> {
  let before: Awaited<ReturnType<CpuMeter['read']>> | undefined;
  let after: typeof before;
  const reads: Promise<void>[] = [];
  const r = await child.run<T>(job, (edge) => {
    reads.push(cpu.read().then((x) => void (edge === 'open' ? (before = x) : (after = x))));
  });
  await Promise.all(reads);
  after ??= await cpu.read();
  if (!before) return { r };
  const turns = Math.max(1, turnsOf(r));
  const appUs = (after.clientNs - before.clientNs) / 1000 / turns;
  const dbUs = cpu.serverVisible ? (after.serverNs - before.serverNs) / 1000 / turns : 0;
  return { r, cpuPerTurn: { appUs: round(appUs, 0), dbUs: round(dbUs, 0), totalUs: round(appUs + dbUs, 0) } };
}

async function throughputRun(child: Child, job: Extract<LoadJob, { kind: 'throughput' }>, cpu: CpuMeter): Promise<Throughput> {
  const loadAvgAtStart = os.loadavg().map((l) => round(l, 2));
  const { r, cpuPerTurn } = await metered<ThroughputResult>(child, job, cpu, (x) => x.turns);
  const { kind: _kind, ...rest } = r;
  return { ...rest, ...(cpuPerTurn ? { cpuPerTurn } : {}), loadAvgAtStart };
}

export async function runSessions(mode: BenchMode): Promise<SessionsResult> {
  const machine = machineInfo();
  const started = Date.now();
  const orgCount = envNumber('BENCH_SESSION_ORGS', 5);
  const sessions = envNumber('BENCH_LATENCY_SESSIONS', 30);
  const turnsPerSession = envNumber('BENCH_TURNS_PER_SESSION', 10);
  const clients = envNumber('BENCH_CLIENTS', 50);
  const seconds = envNumber('BENCH_SECONDS', 10);
  const warmupSeconds = envNumber('BENCH_WARMUP_SECONDS', 3);
  const poolMax = envNumber('BENCH_POOL_MAX', loadConfig({} as NodeJS.ProcessEnv).dbPoolMax);

  const bdb = await openBenchDb(mode, { appPoolMax: poolMax, adminPoolMax: 2 });
  for (const p of [bdb.pgPool, bdb.adminPool, bdb.ownerPool]) keepIdleClients(p);
  const meter = openCpuMeter(mode);
  const child = await startChild();
  const sends = timeRuntimeSends();
  const { app, deps } = await createTestApp({
    testDb: { db: bdb.db, admin: bdb.admin, close: bdb.close },
    // The model and the tool live on 127.0.0.1; the limiter is not what is measured.
    config: { allowPrivateNetwork: true, rateLimit: { perOrgPerMinute: 1e9, perIpPerMinute: 1e9, authPerIpPerMinute: 1e9 }, dbPoolMax: poolMax },
  });
  try {
    const t0 = Date.now();
    const orgs = [];
    for (let i = 0; i < orgCount; i++) orgs.push(await seedOrg(app, deps, i, child.ready));
    await bdb.admin.exec('analyze');
    log(`[${mode}] sessions: seeded ${orgCount} orgs in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await checkAgentTurn(app, orgs[0]!.agent);

    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address();
    if (!addr || typeof addr === 'string') throw new Error('no listening address');
    const url = `http://127.0.0.1:${addr.port}`;
    const flowTargets = orgs.map((o) => o.flow);
    const agentTargets = orgs.map((o) => o.agent);

    await fillPool(bdb.pgPool);
    await meter.cpu.refresh();
    const idleFrom = await meter.cpu.read();
    await new Promise((r) => setTimeout(r, 2000));
    const idleTo = await meter.cpu.read();
    const idleCpuUsPerSecond = round((idleTo.clientNs - idleFrom.clientNs + idleTo.serverNs - idleFrom.serverNs) / 1000 / 2, 0);
    log(`[${mode}] idle: ${idleCpuUsPerSecond} µs of CPU per second`);
    const latencyOf = async (targets: SessionTarget[], text: string, agent: boolean) => {
      const loadAvgAtStart = os.loadavg().map((l) => round(l, 2));
      const { r, cpuPerTurn } = await metered<LatencyResult>(child, { kind: 'latency', url, targets, text, sessions, turnsPerSession, warmupSessions: 5 }, meter.cpu, (x) => x.samples.length);
      const out = { ...(await turnLatency(app, r, agent, sends)), ...(cpuPerTurn ? { cpuPerTurn } : {}), loadAvgAtStart };
      if (r.errorSamples.length) log(`[${mode}] errors: ${r.errorSamples.join(' | ')}`);
      log(`[${mode}] ${agent ? 'agent' : 'flow'} turns: HTTP p50 ${out.httpMs.p50} / p95 ${out.httpMs.p95} ms, recorded total p50 ${out.recorded.totalMs.p50} / p95 ${out.recorded.totalMs.p95} ms, CPU ${out.cpuPerTurn?.totalUs ?? '?'} µs/turn` +
        (out.overheadMs ? `, overhead p50 ${out.overheadMs.p50} / p95 ${out.overheadMs.p95} ms (model server p50 ${out.modelServerMs!.p50} ms; tool calls p50/p95 ${Object.entries(out.toolCallMs!).map(([k, v]) => `${k} ${v.p50}/${v.p95}`).join(', ')} ms)` : ''));
      return out;
    };
    const flow = await latencyOf(flowTargets, FLOW_TEXT, false);
    const agent = await latencyOf(agentTargets, AGENT_TEXT, true);

    const tput = async (targets: SessionTarget[], text: string, label: string) => {
      const r = await throughputRun(child, { kind: 'throughput', url, targets, text, clients, seconds, warmupSeconds }, meter.cpu);
      if (r.errorSamples.length) log(`[${mode}] errors: ${r.errorSamples.join(' | ')}`);
      log(`[${mode}] ${label} throughput, ${clients} sessions: ${r.turnsPerSecond} turns/s, p50 ${r.latencyMs.p50} / p95 ${r.latencyMs.p95} ms, errors ${r.errors}` +
        (r.cpuPerTurn ? `, CPU ${r.cpuPerTurn.totalUs} µs/turn (app ${r.cpuPerTurn.appUs}, db ${r.cpuPerTurn.dbUs}); load generator ${r.loadCpuUsPerTurn} µs/turn` : ''));
      return r;
    };
    const throughput = { flow: await tput(flowTargets, FLOW_TEXT, 'flow'), agent: await tput(agentTargets, AGENT_TEXT, 'agent') };
    return {
      mode,
      date: new Date().toISOString(),
      machine,
      loadAvgAtEnd: os.loadavg().map((l) => round(l, 2)),
      seconds: round((Date.now() - started) / 1000, 0),
      setup: {
        orgs: orgCount,
        dbPoolMax: mode === 'postgres' ? poolMax : 1,
        turnsPerSession,
        agentTurn: 'model step 1: search_knowledge + order_status (HTTP tool, 127.0.0.1) in parallel; step 2: text answer (8 chunks)',
        flow: 'listen → condition (contains) → templated speak → listen',
      },
      targets: TARGETS,
      idleCpuUsPerSecond,
      flow,
      agent,
      throughput,
    };
  } finally {
    child.close();
    await app.close();
    await bdb.close();
    await meter.close();
  }
}

const ok = (yes: boolean) => (yes ? 'yes' : '**no**');

export function sessionsTable(results: SessionsResult[]): string {
  const rows = results.flatMap((r) => [
    [r.mode, 'flow turn, HTTP p50 / p95 (ms)', `${r.flow.httpMs.p50} / ${r.flow.httpMs.p95}`, `p95 < ${r.targets.flowP95Ms}`, ok(r.flow.httpMs.p95 < r.targets.flowP95Ms)],
    [r.mode, 'flow turn, recorded total p50 / p95 (ms)', `${r.flow.recorded.totalMs.p50} / ${r.flow.recorded.totalMs.p95}`, '', ''],
    [r.mode, 'agent turn, HTTP p50 / p95 (ms)', `${r.agent.httpMs.p50} / ${r.agent.httpMs.p95}`, '', ''],
    [r.mode, 'agent turn overhead (HTTP − model server) p50 / p95 (ms)', `${r.agent.overheadMs!.p50} / ${r.agent.overheadMs!.p95}`, `p95 < ${r.targets.agentOverheadP95Ms}`, ok(r.agent.overheadMs!.p95 < r.targets.agentOverheadP95Ms)],
    [r.mode, `flow turns/s, ${r.throughput.flow.clients} sessions (errors)`, `${r.throughput.flow.turnsPerSecond} (${r.throughput.flow.errors})`, `≥ ${r.targets.turnsPerSecond}`, ok(r.throughput.flow.turnsPerSecond >= r.targets.turnsPerSecond)],
    [r.mode, `agent turns/s, ${r.throughput.agent.clients} sessions (errors)`, `${r.throughput.agent.turnsPerSecond} (${r.throughput.agent.errors})`, '', ''],
  ]);
  return mdTable(['mode', 'measure', 'measured', 'target (PostgreSQL)', 'met?'], rows);
}

export function breakdownTable(results: SessionsResult[]): string {
  const p = (s: Stat | null | undefined) => (s ? `${s.p50} / ${s.p95}` : '—');
  const rows = results.flatMap((r) =>
    (['flow', 'agent'] as const).map((k) => {
      const t = r[k];
      const c = t.cpuPerTurn;
      return [r.mode, k, t.turns, p(t.httpMs), p(t.outsideRuntimeMs), p(t.runtimeSendMs), p(t.recorded.totalMs), p(t.recorded.engineMs), p(t.recorded.dbMs), p(t.recorded.toolMs), p(t.modelServerMs), p(t.writeMs), c ? `${c.totalUs} (${c.appUs} + ${c.dbUs})` : '—', t.loadAvgAtStart[0]!];
    }),
  );
  return mdTable(['mode', 'turn', 'n', 'HTTP', 'outside the runtime (HTTP − send)', 'runtime send', 'recorded total', 'engine', 'db (reads)', 'tool', 'model server', 'turn write (send − recorded total)', 'CPU µs/turn (app + db)', 'load avg'], rows);
}

export function throughputTable(results: SessionsResult[]): string {
  const rows = results.flatMap((r) =>
    (['flow', 'agent'] as const).map((k) => {
      const t = r.throughput[k];
      const c = t.cpuPerTurn;
      return [r.mode, k, t.clients, t.turnsPerSecond, `${t.latencyMs.p50} / ${t.latencyMs.p95}`, t.errors, c ? `${c.totalUs} (${c.appUs} + ${c.dbUs})` : '—', t.loadCpuUsPerTurn, t.loadAvgAtStart.join(' / ')];
    }),
  );
  return mdTable(['mode', 'turns', 'sessions', 'turns/s', 'p50 / p95 ms', 'errors', 'CPU µs/turn (app + db)', 'load generator µs/turn', 'load average at start'], rows);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const resultsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
  await mkdir(resultsDir, { recursive: true });
  const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-');
  const results: SessionsResult[] = [];
  for (const mode of modesFromEnv()) {
    const r = await runSessions(mode);
    results.push(r);
    const file = path.join(resultsDir, `${stamp}-sessions-${mode}.json`);
    await writeFile(file, `${JSON.stringify(r, null, 2)}\n`);
    log(`wrote ${path.relative(process.cwd(), file)}`);
  }
  const m = machineInfo();
  console.log(`\nMachine: ${m.cpus} × ${m.cpuModel}, ${m.node}; load average ${results.map((r) => `${r.mode} ${r.machine.loadAvgAtStart.join(' / ')} → ${r.loadAvgAtEnd.join(' / ')}`).join('; ')}\n`);
  console.log(`${sessionsTable(results)}\n\nSequential turns, p50 / p95 ms:\n\n${breakdownTable(results)}\n\nThroughput:\n\n${throughputTable(results)}`);
  if (results.some((r) => r.flow.errors + r.agent.errors + r.throughput.flow.errors + r.throughput.agent.errors > 0)) process.exitCode = 1;
}
