/**
 * The outside world of bench/sessions.ts, in a child process so none of it runs on the server's event
 * loop or is counted as the server's CPU: the zero-latency fake model server (test/fakes/llm-server),
 * the HTTP tool's server (answers at once), and the clients that drive sessions over real HTTP.
 *
 * The fake model answers an agent turn in two steps, as a model would: first two tool calls (the
 * knowledge search and the order lookup), then, once the tool results are in the conversation, the text
 * answer. Every completion's time at the fake (request arrival → response handed to the socket) is
 * summed, so a sequential turn's latency can be split into model server time and everything else.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeLlm, type FakeLlmRequest } from '../../test/fakes/llm-server/index.js';
import { percentile } from './stats.js';

export const MODEL_KEY = 'sk-bench-sessions';
export const AGENT_TEXT = 'Where is my order A-17, and can I still return it?';
export const FLOW_TEXT = 'I have a question about my order';

/** One org's way in: its API key and what a session starts (`{agent_id}` or `{flow_id}`). */
export interface SessionTarget {
  token: string;
  start: { agent_id: string } | { flow_id: string };
}

interface JobBase {
  url: string;
  targets: SessionTarget[];
  text: string;
}

export type LoadJob =
  | (JobBase & { kind: 'latency'; sessions: number; turnsPerSession: number; warmupSessions: number })
  | (JobBase & { kind: 'throughput'; clients: number; seconds: number; warmupSeconds: number });

/** One turn of the sequential latency run. `turn` numbers the session's caller turns from 1 (the calls' latency rows use the same numbers). */
export interface TurnSample {
  sessionId: string;
  token: string;
  turn: number;
  httpMs: number;
  /** Time spent inside the fake model server during this turn, and its requests. */
  modelMs: number;
  modelRequests: number;
  /** Time spent inside the tool's HTTP server during this turn. */
  toolServerMs: number;
}

export interface LatencyResult {
  kind: 'latency';
  samples: TurnSample[];
  startMs: number[];
  errors: number;
  errorSamples: string[];
}

export interface ThroughputResult {
  kind: 'throughput';
  clients: number;
  windowSeconds: number;
  turns: number;
  turnsPerSecond: number;
  sessionsStarted: number;
  errors: number;
  errorSamples: string[];
  /** HTTP latency of the turns started in the window. */
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** This process's CPU (clients, fake model, tool server) during the window, µs per turn. */
  loadCpuUsPerTurn: number;
  modelRequests: number;
}

/**
 * Parent ← child: ready with the fakes' addresses; the measured part of a job beginning and ending (the
 * parent reads its CPU meter then: after the warm-up sessions, or the throughput window); a job's result.
 */
export type ChildMessage =
  | { type: 'ready'; llmBaseUrl: string; toolUrl: string }
  | { type: 'window'; edge: 'open' | 'close' }
  | { type: 'result'; ok: true; result: LatencyResult | ThroughputResult }
  | { type: 'result'; ok: false; error: string };

const served = { modelMs: 0, modelRequests: 0, toolMs: 0 };

/** The model's second step sees the tool results as the last messages; anything else is a fresh question. */
function modelReply(req: FakeLlmRequest) {
  const last = req.messages.at(-1) as { role?: string } | undefined;
  if (last?.role === 'tool') return { text: 'Your order A-17 has shipped and arrives tomorrow. You can return it within 30 days of delivery.', chunks: 8 };
  return { toolCalls: [{ name: 'search_knowledge', arguments: { query: 'return product days refund' } }, { name: 'order_status', arguments: { order_id: 'A-17' } }] };
}

async function startToolServer(): Promise<{ url: string; close(): Promise<void> }> {
  const body = JSON.stringify({ order_id: 'A-17', status: 'shipped', eta: 'tomorrow' });
  const server = http.createServer((req, res) => {
    const arrived = performance.now();
    req.resume();
    req.on('end', () => {
      res.once('finish', () => void (served.toolMs += performance.now() - arrived));
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/order_status`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

async function post(url: string, token: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> | null; text: string }> {
  const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // reported with the status below
  }
  return { status: res.status, json, text };
}

/** A session of one target: start it, then send turns; `turn()` says whether the session is still active. */
class Client {
  id = '';
  turns = 0;
  constructor(private readonly base: string, readonly target: SessionTarget, private readonly text: string) {}

  async start(): Promise<void> {
    const r = await post(`${this.base}/api/v1/sessions`, this.target.token, this.target.start);
    if (r.status !== 201 || typeof r.json?.id !== 'string') throw new Error(`start: ${r.status} ${r.text.slice(0, 200)}`);
    this.id = r.json.id;
    this.turns = 0;
  }

  async turn(): Promise<boolean> {
    const r = await post(`${this.base}/api/v1/sessions/${this.id}/messages`, this.target.token, { text: this.text });
    if (r.status !== 200) throw new Error(`turn: ${r.status} ${r.text.slice(0, 200)}`);
    this.turns++;
    return r.json?.status === 'active';
  }
}

async function latency(job: Extract<LoadJob, { kind: 'latency' }>, send: (m: ChildMessage) => void): Promise<LatencyResult> {
  const samples: TurnSample[] = [];
  const startMs: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  for (let s = 0; s < job.warmupSessions + job.sessions; s++) {
    const measured = s >= job.warmupSessions;
    if (s === job.warmupSessions) send({ type: 'window', edge: 'open' });
    const client = new Client(job.url, job.targets[s % job.targets.length]!, job.text);
    try {
      const t0 = performance.now();
      await client.start();
      if (measured) startMs.push(performance.now() - t0);
      for (let i = 0; i < job.turnsPerSession; i++) {
        const before = { ...served };
        const t = performance.now();
        const active = await client.turn();
        const httpMs = performance.now() - t;
        if (measured) {
          samples.push({
            sessionId: client.id, token: client.target.token, turn: client.turns, httpMs,
            modelMs: served.modelMs - before.modelMs, modelRequests: served.modelRequests - before.modelRequests, toolServerMs: served.toolMs - before.toolMs,
          });
        }
        if (!active) break;
      }
    } catch (err) {
      errors++;
      if (errorSamples.length < 5) errorSamples.push(String(err));
    }
  }
  send({ type: 'window', edge: 'close' });
  return { kind: 'latency', samples, startMs, errors, errorSamples };
}

async function throughput(job: Extract<LoadJob, { kind: 'throughput' }>, send: (m: ChildMessage) => void): Promise<ThroughputResult> {
  const clients = Array.from({ length: job.clients }, (_, i) => new Client(job.url, job.targets[i % job.targets.length]!, job.text));
  // Every client has its session before the clock starts.
  await Promise.all(clients.map((c) => c.start()));
  const began = performance.now();
  const open = began + job.warmupSeconds * 1000;
  const close = open + job.seconds * 1000;
  let opened = false;
  let cpuAtOpen = process.cpuUsage();
  let modelAtOpen = 0;
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let turns = 0;
  let errors = 0;
  let sessionsStarted = clients.length;
  const openWindow = () => {
    if (opened) return;
    opened = true;
    cpuAtOpen = process.cpuUsage();
    modelAtOpen = served.modelRequests;
    send({ type: 'window', edge: 'open' });
  };
  const timer = setTimeout(openWindow, job.warmupSeconds * 1000);
  let closedCpu: NodeJS.CpuUsage | null = null;
  let modelAtClose = 0;
  const closer = setTimeout(() => {
    closedCpu = process.cpuUsage(cpuAtOpen);
    modelAtClose = served.modelRequests;
    send({ type: 'window', edge: 'close' });
  }, (job.warmupSeconds + job.seconds) * 1000);
  await Promise.all(
    clients.map(async (c) => {
      while (performance.now() < close) {
        const t = performance.now();
        try {
          const active = await c.turn();
          const end = performance.now();
          if (t >= open && end <= close) latencies.push(end - t);
          if (end >= open && end <= close) turns++;
          if (!active) {
            await c.start();
            sessionsStarted++;
          }
        } catch (err) {
          if (performance.now() >= open) errors++;
          if (errorSamples.length < 5) errorSamples.push(String(err));
          // A broken session (or a failed start) is replaced by a fresh one.
          await c.start().then(() => sessionsStarted++, () => undefined);
        }
      }
    }),
  );
  clearTimeout(timer);
  clearTimeout(closer);
  const cpu = closedCpu ?? process.cpuUsage(cpuAtOpen);
  const ms = (p: number) => Math.round(percentile(latencies, p) * 100) / 100;
  return {
    kind: 'throughput',
    clients: job.clients,
    windowSeconds: job.seconds,
    turns,
    turnsPerSecond: Math.round((turns / job.seconds) * 10) / 10,
    sessionsStarted,
    errors,
    errorSamples,
    latencyMs: { p50: ms(50), p95: ms(95), p99: ms(99), max: ms(100) },
    loadCpuUsPerTurn: Math.round((cpu.user + cpu.system) / Math.max(1, turns)),
    modelRequests: (closedCpu ? modelAtClose : served.modelRequests) - modelAtOpen,
  };
}

if (process.send) {
  const send = (m: ChildMessage) => void process.send!(m);
  const llm = await startFakeLlm({
    apiKey: MODEL_KEY,
    zeroLatency: true,
    onServed: (ms) => {
      served.modelMs += ms;
      served.modelRequests++;
    },
  });
  llm.respond((req) => {
    llm.requests.length = 0; // a long run would otherwise keep every request body
    return modelReply(req);
  });
  const tool = await startToolServer();
  process.on('message', (job: LoadJob) => {
    (job.kind === 'latency' ? latency(job, send) : throughput(job, send)).then(
      (result) => send({ type: 'result', ok: true, result }),
      (err: unknown) => send({ type: 'result', ok: false, error: String((err as Error)?.stack ?? err) }),
    );
  });
  process.on('disconnect', () => void Promise.all([llm.close(), tool.close()]).finally(() => process.exit(0)));
  send({ type: 'ready', llmBaseUrl: llm.urls.openai, toolUrl: tool.url });
}
