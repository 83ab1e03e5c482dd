import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.js';
import { withOrg, withoutOrg } from '../db/with-org.js';
import type { JobDef } from './job.js';
import { PermanentJobError } from './job.js';
import * as repo from './repo.js';
import { delay, persist } from './persist.js';

export interface WorkerOptions {
  concurrency?: number;
  pollIntervalMs?: number;
  /**
   * Seconds a claim lasts without renewal (default 30). A running job renews it every third of that, so
   * a worker that dies (SIGKILL, lost machine) gives its jobs back within one lease.
   */
  leaseSeconds?: number;
  /** Identifies this worker in locked_by (defaults to host:pid:random). */
  id?: string;
  /** Periodic work that queues jobs (e.g. the daily privacy jobs), run by the poll loop. */
  schedules?: Schedule[];
}

/**
 * Run every `everySeconds` by each worker, first when it starts. It only queues jobs, through a named
 * cross-org door that is safe to call from many workers at once (the jobs then run in their org).
 */
export interface Schedule {
  name: string;
  everySeconds: number;
  run: (deps: Deps) => Promise<unknown>;
}

export interface Worker {
  readonly id: string;
  /** Claims and runs due jobs once; resolves when they finish. Returns how many ran. */
  runOnce(): Promise<number>;
  start(): void;
  /**
   * Stops polling and lets running jobs finish; after `graceMs` (default 10 s) their abort signal fires
   * and they are waited for again.
   */
  stop(opts?: { graceMs?: number }): Promise<void>;
}

const MAX_POLL_BACKOFF_MS = 5_000;

/**
 * Polls the queue, runs each claimed job in its org, records the outcome. A handler error retries with
 * the job's backoff until max attempts; PermanentJobError (or an invalid payload) fails at once.
 * Error text is stored for operators, truncated; handlers must not put secrets in error messages.
 *
 * Faults: the claim is a lease, renewed while the job runs (heartbeat), so a killed worker's job is
 * claimed again once the lease lapses, and a job past its `timeoutSeconds` is aborted. A job whose
 * lease another worker took over is aborted and its outcome not recorded (the other run owns it).
 * Recording the outcome is retried while the database is unreachable, so a restart of PostgreSQL
 * between the handler finishing and the bookkeeping does not run the job a second time. The poll loop
 * survives any error, backing off up to 5 s.
 */
export function createWorker(deps: Deps, jobs: JobDef[], opts: WorkerOptions = {}): Worker {
  const id = opts.id ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const byName = new Map(jobs.map((j) => [j.name, j]));
  const concurrency = opts.concurrency ?? 2;
  const pollMs = opts.pollIntervalMs ?? 500;
  const lease = Math.max(5, Math.round(opts.leaseSeconds ?? 30));
  const running = new Set<Promise<void>>();
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let failures = 0;

  async function runJob(orgId: string, jobId: string): Promise<void> {
    const job = await persist(() => withOrg(deps.db, { orgId }, (tx) => repo.getClaimedJob(tx, jobId, id)), abort.signal);
    if (!job) return;
    const def = byName.get(job.name);
    const log = deps.log.child({ job: job.name, job_id: jobId, org: orgId, attempt: job.attempts });
    const jobAbort = new AbortController();
    const stopJob = () => jobAbort.abort();
    abort.signal.addEventListener('abort', stopJob);
    let leaseLost = false;
    const heartbeat = setInterval(() => {
      withOrg(deps.db, { orgId }, (tx) => repo.renewLease(tx, jobId, id, lease))
        .then((held) => {
          if (held) return;
          leaseLost = true;
          jobAbort.abort();
        })
        .catch((err: unknown) => log.warn({ err }, 'job lease renewal failed; retrying'));
    }, (lease * 1000) / 3);
    const deadline = setTimeout(stopJob, (def?.timeoutSeconds ?? lease) * 1000);
    let outcome: { ok: true } | { ok: false; error: string; retryIn: number | null };
    try {
      if (!def) throw new PermanentJobError(`no handler for job ${job.name}`);
      const parsed = def.payload.safeParse(job.payload);
      if (!parsed.success || parsed.data.org_id !== orgId) throw new PermanentJobError('invalid job payload');
      await def.handler({ deps, orgId, jobId, attempt: job.attempts, payload: parsed.data, signal: jobAbort.signal });
      outcome = { ok: true };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const permanent = err instanceof PermanentJobError || !def || job.attempts >= job.max_attempts;
      outcome = { ok: false, error: message, retryIn: permanent ? null : def.backoffSeconds(job.attempts) };
      log.warn({ err, permanent }, 'job failed');
    } finally {
      abort.signal.removeEventListener('abort', stopJob);
      clearTimeout(deadline);
    }
    try {
      if (leaseLost) {
        log.warn('job lease was taken over by another worker; its outcome is theirs to record');
        return;
      }
      // Keeps the lease while the outcome waits for the database to come back.
      await persist(
        () => withOrg(deps.db, { orgId }, (tx) => (outcome.ok ? repo.completeJob(tx, jobId, id) : repo.failJob(tx, jobId, id, outcome.error, outcome.retryIn))),
        abort.signal,
      );
    } finally {
      clearInterval(heartbeat);
    }
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

  const nextRun = new Map<string, number>();
  async function runDueSchedules(): Promise<void> {
    for (const s of opts.schedules ?? []) {
      if ((nextRun.get(s.name) ?? 0) > Date.now()) continue;
      nextRun.set(s.name, Date.now() + s.everySeconds * 1000);
      await s.run(deps).catch((err: unknown) => deps.log.error({ err, schedule: s.name }, 'scheduled work failed; next try at its next interval'));
    }
  }

  const tick = async () => {
    if (stopped) return;
    try {
      await runDueSchedules();
      const n = await runOnce();
      failures = 0;
      timer = setTimeout(() => void tick(), n > 0 ? 0 : pollMs);
    } catch (err) {
      failures++;
      if (failures === 1 || failures % 20 === 0) deps.log.error({ err, failures }, 'job poll failed; backing off');
      timer = setTimeout(() => void tick(), Math.min(MAX_POLL_BACKOFF_MS, pollMs * 2 ** Math.min(failures, 10)));
    }
  };

  return {
    id,
    runOnce,
    start() {
      if (!timer && !stopped) timer = setTimeout(() => void tick(), 0);
    },
    async stop(stopOpts = {}) {
      stopped = true;
      if (timer) clearTimeout(timer);
      const settled = new AbortController();
      await Promise.race([Promise.allSettled([...running]).then(() => settled.abort()), delay(stopOpts.graceMs ?? 10_000, settled.signal)]);
      settled.abort();
      abort.abort();
      await Promise.allSettled([...running]);
    },
  };
}
