import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.js';
import { withOrg, withoutOrg } from '../db/with-org.js';
import type { JobDef } from './job.js';
import { PermanentJobError } from './job.js';
import * as repo from './repo.js';

export interface WorkerOptions {
  concurrency?: number;
  pollIntervalMs?: number;
  /** Identifies this worker in locked_by (defaults to host:pid:random). */
  id?: string;
}

export interface Worker {
  readonly id: string;
  /** Claims and runs due jobs once; resolves when they finish. Returns how many ran. */
  runOnce(): Promise<number>;
  start(): void;
  /** Stops polling and waits for running jobs to finish. */
  stop(): Promise<void>;
}

/**
 * Polls the queue, runs each claimed job in its org, records the outcome. A handler error retries with
 * the job's backoff until max attempts; PermanentJobError (or an invalid payload) fails at once.
 * Error text is stored for operators, truncated; handlers must not put secrets in error messages.
 */
export function createWorker(deps: Deps, jobs: JobDef[], opts: WorkerOptions = {}): Worker {
  const id = opts.id ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const byName = new Map(jobs.map((j) => [j.name, j]));
  const concurrency = opts.concurrency ?? 2;
  const pollMs = opts.pollIntervalMs ?? 500;
  const lease = Math.max(...jobs.map((j) => j.timeoutSeconds), 30);
  const running = new Set<Promise<void>>();
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function runJob(orgId: string, jobId: string): Promise<void> {
    const job = await withOrg(deps.db, { orgId }, (tx) => repo.getClaimedJob(tx, jobId, id));
    if (!job) return;
    const def = byName.get(job.name);
    const log = deps.log.child({ job: job.name, job_id: jobId, org: orgId, attempt: job.attempts });
    let outcome: { ok: true } | { ok: false; error: string; retryIn: number | null };
    try {
      if (!def) throw new PermanentJobError(`no handler for job ${job.name}`);
      const parsed = def.payload.safeParse(job.payload);
      if (!parsed.success || parsed.data.org_id !== orgId) throw new PermanentJobError('invalid job payload');
      await def.handler({ deps, orgId, jobId, attempt: job.attempts, payload: parsed.data, signal: abort.signal });
      outcome = { ok: true };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const permanent = err instanceof PermanentJobError || !def || job.attempts >= job.max_attempts;
      outcome = { ok: false, error: message, retryIn: permanent ? null : def.backoffSeconds(job.attempts) };
      log.warn({ err, permanent }, 'job failed');
    }
    await withOrg(deps.db, { orgId }, (tx) =>
      outcome.ok ? repo.completeJob(tx, jobId, id) : repo.failJob(tx, jobId, id, outcome.error, outcome.retryIn),
    );
  }

  async function runOnce(): Promise<number> {
    const free = concurrency - running.size;
    if (free <= 0 || stopped || byName.size === 0) return 0;
    const claimed = await withoutOrg(deps.db, (q) => repo.claimDueJobs(q, id, free, lease, [...byName.keys()]));
    const batch = claimed.map((c) => {
      const p = runJob(c.org_id, c.job_id).catch((err: unknown) => deps.log.error({ err, job_id: c.job_id }, 'job bookkeeping failed'));
      const tracked = p.finally(() => running.delete(tracked));
      running.add(tracked);
      return tracked;
    });
    await Promise.all(batch);
    return claimed.length;
  }

  const tick = async () => {
    if (stopped) return;
    try {
      const n = await runOnce();
      timer = setTimeout(() => void tick(), n > 0 ? 0 : pollMs);
    } catch (err) {
      deps.log.error({ err }, 'job poll failed');
      timer = setTimeout(() => void tick(), pollMs * 4);
    }
  };

  return {
    id,
    runOnce,
    start() {
      if (!timer && !stopped) timer = setTimeout(() => void tick(), 0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      abort.abort();
      await Promise.allSettled([...running]);
    },
  };
}
