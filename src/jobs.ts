import type { JobDef, Schedule } from './platform/jobs/index.js';
import { privacyDailyJob, queuePrivacyJobs } from './features/calls/privacy-job.js';
import { ingestDocumentJob } from './features/knowledge/ingest-job.js';
import { deliverWebhook } from './features/webhook-endpoints/deliver-job.js';
import { inboundMessageJob, threadIdleJob } from './pipeline/messaging/jobs.js';

/** Every background job of the product. A feature adds its job definitions here. */
export const allJobs: JobDef[] = [ingestDocumentJob, deliverWebhook, privacyDailyJob, inboundMessageJob, threadIdleJob];

/** Periodic work every worker runs (it queues jobs; see Schedule). */
export const allSchedules: Schedule[] = [queuePrivacyJobs];
