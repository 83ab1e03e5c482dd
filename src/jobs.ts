import type { JobDef } from './platform/jobs/index.js';

/** Every background job of the product. A feature adds its job definitions here. */
export const allJobs: JobDef[] = [];
