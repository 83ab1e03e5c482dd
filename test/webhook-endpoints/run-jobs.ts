/**
 * Runs the due webhook deliveries with the real worker (createWorker): the test file owns its database
 * in both modes (test/setup/database.ts), so the only jobs there are its own.
 */
import type { Deps } from '../../src/deps.js';
import { deliverWebhook } from '../../src/features/webhook-endpoints/deliver-job.js';
import { withOrg } from '../../src/platform/db/with-org.js';
import { createWorker } from '../../src/platform/jobs/index.js';

export async function runDueDeliveries(deps: Deps): Promise<number> {
  const worker = createWorker(deps, [deliverWebhook], { concurrency: 4 });
  let total = 0;
  for (let n = await worker.runOnce(); n > 0; n = await worker.runOnce()) total += n;
  await worker.stop();
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
