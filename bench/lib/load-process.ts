/**
 * Runs autocannon in a child process, so the load generator has its own event loop (and can use the
 * second core) instead of competing with the server under test on the main thread, and so the server
 * process's CPU time (process.cpuUsage in the bench) is the server's alone: a worker thread's CPU, and
 * the garbage collection of its heap on V8's shared helper threads, would be counted with it.
 */
import autocannon, { type RequestParams } from 'autocannon';

export interface LoadRequest {
  method: 'GET';
  path: string;
  headers: Record<string, string>;
  label: string;
}

export interface LoadJob {
  url: string;
  connections: number;
  durationSeconds: number;
  requests: LoadRequest[];
}

export interface LoadResult {
  connections: number;
  durationSeconds: number;
  totalRequests: number;
  reqPerSec: number;
  latencyMs: { p50: number; p90: number; p99: number; mean: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
}

async function main(job: LoadJob): Promise<LoadResult> {
  const pool = job.requests;
  const opts = {
    url: job.url,
    connections: job.connections,
    duration: job.durationSeconds,
    timeout: 10,
    // Raw histograms, aggregated below (as autocannon does in worker threads).
    skipAggregateResult: true,
    // No progress bar on the bench's terminal.
    renderProgressBar: false,
    // One dynamic request: every request a connection sends is a fresh random pick from the mix.
    requests: [
      {
        setupRequest: (req: RequestParams) => {
          const pick = pool[Math.floor(Math.random() * pool.length)]!;
          return { ...req, method: pick.method, path: pick.path, headers: pick.headers };
        },
      },
    ],
  };
  const raw: unknown = await autocannon(opts);
  const r = autocannon.aggregateResult([raw], opts);
  if (!r.latency) throw new Error('autocannon gave no latency: ' + JSON.stringify(r).slice(0, 500));
  const statusCodes: Record<string, number> = {};
  for (const [code, s] of Object.entries(r.statusCodeStats ?? {})) statusCodes[code] = s.count;
  return {
    connections: job.connections,
    durationSeconds: r.duration,
    totalRequests: r.requests.total,
    reqPerSec: r.requests.total / r.duration,
    latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, mean: r.latency.mean, max: r.latency.max },
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    statusCodes,
  };
}

// Once up, the process says 'ready'; the parent reads its CPU meter, then sends the job. The listener stays
// (it keeps the IPC channel, and so the process, alive): the parent ends the process once it has the answer.
if (process.send) {
  process.on('message', (m: LoadJob) => {
    main(m).then(
      (result) => process.send!({ ok: true, result }),
      (err: unknown) => process.send!({ ok: false, error: String((err as Error)?.stack ?? err) }),
    );
  });
  process.send('ready');
}
