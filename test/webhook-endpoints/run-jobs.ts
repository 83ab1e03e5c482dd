/**
 * Runs the due webhook deliveries of the given orgs.
 *
 * Embedded mode: the real worker (createWorker), since the test file owns its PGlite database.
 * PostgreSQL mode: the database is shared with every other test file running in parallel, and the real
 * worker's claim (app.claim_due_jobs) takes ANY org's due jobs, so it would run or fail other files'
 * jobs. There, this claims only the given orgs' jobs under withOrg and then does exactly what the
 * worker does with a claimed job (same handler, same complete/fail bookkeeping and backoff).
 */
import { randomUUID } from 'node:crypto';
import type { Deps } from '../../src/deps.js';
import { deliverWebhook } from '../../src/features/webhook-endpoints/deliver-job.js';
import { withOrg } from '../../src/platform/db/with-org.js';
import { createWorker, PermanentJobError } from '../../src/platform/jobs/index.js';
import { completeJob, failJob, getClaimedJob } from '../../src/platform/jobs/repo.js';
import { isPostgres } from '../helpers/harness.js';

export async function runDueDeliveries(deps: Deps, orgIds: string[]): Promise<number> {
  if (!isPostgres) {
    const worker = createWorker(deps, [deliverWebhook], { concurrency: 4 });
    let total = 0;
    for (let n = await worker.runOnce(); n > 0; n = await worker.runOnce()) total += n;
    await worker.stop();
    return total;
  }
  let total = 0;
  for (const orgId of orgIds) {
    const workerId = `test:${randomUUID()}`;
    const claimed = await withOrg(deps.db, { orgId }, (tx) =>
      tx.query<{ id: string }>(
        `update app.jobs set status = 'running', attempts = attempts + 1, locked_by = $2, locked_until = now() + interval '60 seconds', updated_at = now()
          where org_id = $1 and name = $3 and status = 'queued' and run_at <= now() returning id`,
        [orgId, workerId, deliverWebhook.name],
      ),
    );
    for (const { id } of claimed.rows) {
      const job = (await withOrg(deps.db, { orgId }, (tx) => getClaimedJob(tx, id, workerId)))!;
      let retryIn: number | null = null;
      let error: string | null = null;
      try {
        await deliverWebhook.handler({ deps, orgId, jobId: id, attempt: job.attempts, payload: deliverWebhook.payload.parse(job.payload), signal: new AbortController().signal });
      } catch (err) {
        error = (err as Error).message;
        retryIn = err instanceof PermanentJobError || job.attempts >= job.max_attempts ? null : deliverWebhook.backoffSeconds(job.attempts);
      }
      await withOrg(deps.db, { orgId }, (tx) => (error === null ? completeJob(tx, id, workerId) : failJob(tx, id, workerId, error, retryIn)));
      total++;
    }
  }
  return total;
}

/** Makes the org's queued delivery jobs due now (instead of waiting out the backoff). */
export async function fastForward(deps: Deps, orgId: string): Promise<void> {
  await withOrg(deps.db, { orgId }, (tx) => tx.query(`update app.jobs set run_at = now() where org_id = $1 and name = $2 and status = 'queued'`, [orgId, deliverWebhook.name]));
}

export async function jobRunAt(deps: Deps, orgId: string): Promise<Date[]> {
  const r = await withOrg(deps.db, { orgId }, (tx) => tx.query<{ run_at: Date }>(`select run_at from app.jobs where org_id = $1 and name = $2 and status = 'queued'`, [orgId, deliverWebhook.name]));
  return r.rows.map((row) => row.run_at);
}
