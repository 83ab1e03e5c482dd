import type { RawQuery } from '../db/driver.js';
import type { Tx } from '../db/types.js';

/** The named cross-org door for background work: returns (org_id, job_id) pairs only. */
export async function claimDueJobs(query: RawQuery, worker: string, limit: number, leaseSeconds: number, names: readonly string[]): Promise<Array<{ org_id: string; job_id: string }>> {
  const r = await query<{ org_id: string; job_id: string }>('select org_id, job_id from app.claim_due_jobs($1, $2, $3, $4)', [worker, limit, leaseSeconds, names]);
  return r.rows;
}

export interface JobRow {
  id: string;
  name: string;
  payload: unknown;
  status: string;
  attempts: number;
  max_attempts: number;
  locked_by: string | null;
  last_error: string | null;
}

export async function getClaimedJob(tx: Tx, id: string, worker: string): Promise<JobRow | null> {
  const r = await tx.query<JobRow>(
    `select id, name, payload, status, attempts, max_attempts, locked_by, last_error
       from app.jobs where org_id = $1 and id = $2 and status = 'running' and locked_by = $3`,
    [tx.orgId, id, worker],
  );
  return r.rows[0] ?? null;
}

export async function completeJob(tx: Tx, id: string, worker: string): Promise<void> {
  await tx.query(
    `update app.jobs set status = 'done', locked_until = null, last_error = null, updated_at = now()
      where org_id = $1 and id = $2 and locked_by = $3 and status = 'running'`,
    [tx.orgId, id, worker],
  );
}

export async function failJob(tx: Tx, id: string, worker: string, error: string, retryInSeconds: number | null): Promise<void> {
  await tx.query(
    `update app.jobs
        set status = case when $5::int is null then 'failed' else 'queued' end,
            run_at = case when $5::int is null then run_at else now() + make_interval(secs => $5::int) end,
            locked_until = null, last_error = $4, updated_at = now()
      where org_id = $1 and id = $2 and locked_by = $3 and status = 'running'`,
    [tx.orgId, id, worker, error.slice(0, 1000), retryInSeconds],
  );
}

export async function getJob(tx: Tx, id: string): Promise<JobRow | null> {
  const r = await tx.query<JobRow>(
    'select id, name, payload, status, attempts, max_attempts, locked_by, last_error from app.jobs where org_id = $1 and id = $2',
    [tx.orgId, id],
  );
  return r.rows[0] ?? null;
}

/** Heartbeat: extends this worker's claim. False when the job is no longer ours (lease lapsed and taken). */
export async function renewLease(tx: Tx, id: string, worker: string, leaseSeconds: number): Promise<boolean> {
  const r = await tx.query(
    `update app.jobs set locked_until = now() + make_interval(secs => $4), updated_at = now()
      where org_id = $1 and id = $2 and locked_by = $3 and status = 'running'`,
    [tx.orgId, id, worker, leaseSeconds],
  );
  return r.rowCount > 0;
}
