import { z } from 'zod';
import { defineJob, enqueue } from '../../platform/jobs/index.js';
import { continueThread, endIdleThread } from './thread.js';

/**
 * One inbound SMS/WhatsApp message: continue or start the sender's thread. Claimed once per provider id
 * (hook.ts); the handler also skips a message already processed, so a re-run after a lost lease does not
 * answer twice (a crash between the reply and that mark can: at most one duplicate, never a lost claim).
 */
export const inboundMessageJob = defineJob({
  name: 'messaging.inbound',
  payload: z.object({ org_id: z.uuid(), channel_id: z.uuid(), message_id: z.string().min(1).max(200) }),
  maxAttempts: 5,
  backoffSeconds: (attempt) => Math.min(60, 2 ** attempt),
  timeoutSeconds: 180,
  handler: ({ deps, orgId, payload }) =>
    continueThread(deps, orgId, payload.channel_id, payload.message_id, (tx, callId, delaySeconds) => enqueue(tx, threadIdleJob, { org_id: orgId, call_id: callId }, { delaySeconds })),
});

/** Queued for each message at its idle deadline: ends the thread if nothing happened since. */
export const threadIdleJob = defineJob({
  name: 'messaging.thread_idle',
  payload: z.object({ org_id: z.uuid(), call_id: z.uuid() }),
  maxAttempts: 3,
  handler: ({ deps, orgId, payload }) => endIdleThread(deps, orgId, payload.call_id),
});
