import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import type { Tx } from '../db/types.js';

/**
 * A job is data: a name, a payload schema that includes org_id (ids only, never tenant rows or secrets),
 * a retry policy and a handler. The handler gets the org and payload and rebuilds what it needs under
 * `withOrg`, so a job can never act outside the org it was enqueued for.
 *
 * @example
 *   export const ingestDocument = defineJob({
 *     name: 'knowledge.ingest',
 *     payload: z.object({ org_id: z.uuid(), document_id: z.uuid() }),
 *     handler: async ({ deps, orgId, payload }) => { ... },
 *   });
 *   await enqueue(tx, ingestDocument, { org_id: tx.orgId, document_id });
 */
export interface JobContext<P> {
  deps: Deps;
  orgId: string;
  jobId: string;
  attempt: number;
  payload: P;
  signal: AbortSignal;
}

export interface JobDef<S extends z.ZodType<{ org_id: string }> = z.ZodType<{ org_id: string }>> {
  name: string;
  payload: S;
  maxAttempts: number;
  /** Delay before the next attempt, from the attempt that just failed (1-based). */
  backoffSeconds: (attempt: number) => number;
  /** Lease: a job still running after this is presumed dead and claimed again. */
  timeoutSeconds: number;
  handler: (ctx: JobContext<z.infer<S>>) => Promise<void>;
}

export function defineJob<S extends z.ZodType<{ org_id: string }>>(def: {
  name: string;
  payload: S;
  maxAttempts?: number;
  backoffSeconds?: (attempt: number) => number;
  timeoutSeconds?: number;
  handler: (ctx: JobContext<z.infer<S>>) => Promise<void>;
}): JobDef<S> {
  return {
    maxAttempts: 5,
    timeoutSeconds: 300,
    // Exponential with full jitter, capped at one hour.
    backoffSeconds: (attempt) => Math.round(Math.random() * Math.min(3600, 2 ** attempt * 5)),
    ...def,
  };
}

/** Thrown by a handler for failures that retrying cannot fix (bad input, unsupported file). */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

/**
 * Enqueues inside the caller's tenant transaction, so the job exists if and only if the change that
 * needs it commits. The payload's org must be the transaction's org.
 */
export async function enqueue<S extends z.ZodType<{ org_id: string }>>(
  tx: Tx,
  job: JobDef<S>,
  payload: z.input<S>,
  opts: { delaySeconds?: number } = {},
): Promise<string> {
  const parsed = job.payload.parse(payload);
  if (parsed.org_id !== tx.orgId) throw new Error(`job ${job.name}: payload org does not match the transaction's org`);
  const id = randomUUID();
  await tx.query(
    `insert into app.jobs (org_id, id, name, payload, max_attempts, run_at)
     values ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))`,
    [tx.orgId, id, job.name, JSON.stringify(parsed), job.maxAttempts, opts.delaySeconds ?? 0],
  );
  return id;
}

export const JobPayloadBase = z.object({ org_id: z.uuid() });
