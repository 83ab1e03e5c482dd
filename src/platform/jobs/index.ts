export { defineJob, enqueue, PermanentJobError, JobPayloadBase, type JobDef, type JobContext } from './job.js';
export { createWorker, type Schedule, type Worker, type WorkerOptions } from './worker.js';
export { getJob, type JobRow } from './repo.js';
