/**
 * Runs autocannon in a worker thread, so the load generator has its own event loop (and can use the
 * second core) instead of competing with the server under test on the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
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
  // autocannon only aggregates on the main thread; in a worker it hands back raw histograms.
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

if (parentPort && workerData) {
  main(workerData as LoadJob).then(
    (result) => parentPort!.postMessage({ ok: true, result }),
    (err: unknown) => parentPort!.postMessage({ ok: false, error: String((err as Error)?.stack ?? err) }),
  );
}
