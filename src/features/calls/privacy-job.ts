/**
 * The daily privacy job of an organization (docs/privacy.md): deletes its calls idle for longer than
 * `settings.retention_days` (with their transcripts, tool calls and messages) and clears the live text
 * of its sessions idle for a day. Queued once a day per organization by the `privacy.queue` schedule
 * through app.queue_privacy_jobs(); runs in that organization's transactions only, so it can never touch
 * another organization's rows. Deletes in batches, one short transaction each, so a large organization
 * never holds a long transaction or many locks.
 */
import { withOrg, withoutOrg } from '../../platform/db/with-org.js';
import { defineJob, JobPayloadBase, type Schedule } from '../../platform/jobs/index.js';
import { recordAudit } from '../audit/audit.js';
import { privacySettings } from '../organizations/public.js';
import * as repo from './repo.js';

const DAY_MS = 86_400_000;
export const RETENTION_BATCH = 500;

export const privacyDailyJob = defineJob({
  name: 'privacy.daily',
  payload: JobPayloadBase,
  timeoutSeconds: 3600,
  handler: async ({ deps, orgId, signal }) => {
    const scope = { orgId };
    const settings = await withOrg(deps.db, scope, (tx) => privacySettings(tx));
    if (settings.retention_days !== null) {
      const cutoff = new Date(Date.now() - settings.retention_days * DAY_MS);
      let deleted = 0;
      for (let n = RETENTION_BATCH; n === RETENTION_BATCH; deleted += n) {
        // An aborted run (lease lost, shutdown) stops between batches; what it deleted stays deleted
        // and the retry continues from there.
        signal.throwIfAborted();
        n = await withOrg(deps.db, scope, (tx) => repo.deleteCallsIdleSince(tx, cutoff, RETENTION_BATCH));
      }
      if (deleted > 0) {
        await withOrg(deps.db, scope, (tx) =>
          recordAudit(tx, { type: 'system', id: null }, { action: 'calls.retention_deleted', targetType: 'organization', targetId: orgId, after: { deleted, idle_before: cutoff.toISOString(), retention_days: settings.retention_days } }),
        );
      }
    }
    await withOrg(deps.db, scope, (tx) => repo.clearIdleLiveText(tx, new Date(Date.now() - DAY_MS)));
  },
});

/** Every worker asks hourly; the door queues each organization's job at most once a day. */
export const queuePrivacyJobs: Schedule = {
  name: 'privacy.queue',
  everySeconds: 3600,
  run: (deps) => withoutOrg(deps.db, (q) => repo.queuePrivacyJobs(q, 1000)),
};
