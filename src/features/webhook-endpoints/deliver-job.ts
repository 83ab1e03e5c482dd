/**
 * The delivery job: one attempt to POST one event to one endpoint. The payload carries org_id and the
 * delivery id only; everything else is re-read under withOrg. Read → leave the transaction → decrypt
 * the signing secret and send → record the attempt in a new transaction.
 *
 * Retries: any non-2xx answer (redirects are not followed) or network failure is retried with the
 * backoff below, up to WEBHOOK_MAX_ATTEMPTS; a URL the address policy refuses fails at once.
 */
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { withOrg } from '../../platform/db/with-org.js';
import { defineJob, PermanentJobError } from '../../platform/jobs/index.js';
import { OutboundBlockedError, OutboundError } from '../../platform/outbound/index.js';
import * as repo from './repo.js';
import { WEBHOOK_LIMITS } from './schemas.js';
import { signWebhook } from './signing.js';

export const WEBHOOK_MAX_ATTEMPTS = 6;
/**
 * Seconds before attempt n+1 after attempt n failed: 30 s, 2 min, 10 min, 1 h, 6 h. Deterministic (no
 * jitter) so the time recorded on the delivery is exactly when the queue will try again.
 */
const BACKOFF = [30, 120, 600, 3600, 21_600];
export const webhookBackoffSeconds = (attempt: number): number => BACKOFF[Math.min(Math.max(attempt, 1), BACKOFF.length) - 1]!;

export const SIGNING_SECRET_FIELD = 'signing_secret';

interface Outcome {
  responseStatus: number | null;
  error: string | null;
  permanent: boolean;
}

async function send(deps: Deps, d: repo.DeliveryToSend, secret: string, deliveryId: string): Promise<Outcome> {
  const body = JSON.stringify(d.payload);
  const timestamp = Math.floor(Date.now() / 1000);
  try {
    const res = await deps.safeFetch(d.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'converse-signature': signWebhook({ secret, timestamp, body }),
        'converse-event': d.event_type,
        'converse-delivery': deliveryId,
      },
      body,
      timeoutMs: WEBHOOK_LIMITS.timeoutMs,
      maxResponseBytes: WEBHOOK_LIMITS.maxResponseBytes,
      // A redirect could carry the signed event somewhere the customer never configured.
      redirect: 'manual',
    });
    if (res.ok) return { responseStatus: res.status, error: null, permanent: false };
    // The receiver's body is never stored: it is theirs, and may echo what we sent.
    return { responseStatus: res.status, error: `endpoint answered HTTP ${res.status}`, permanent: false };
  } catch (err) {
    if (err instanceof OutboundBlockedError) return { responseStatus: null, error: err.message, permanent: true };
    if (err instanceof OutboundError) return { responseStatus: null, error: err.message, permanent: false };
    throw err;
  }
}

export const deliverWebhook = defineJob({
  name: 'webhooks.deliver',
  payload: z.object({ org_id: z.uuid(), delivery_id: z.uuid() }),
  maxAttempts: WEBHOOK_MAX_ATTEMPTS,
  backoffSeconds: webhookBackoffSeconds,
  timeoutSeconds: 60,
  handler: async ({ deps, orgId, payload, attempt }) => {
    const d = await withOrg(deps.db, { orgId }, (tx) => repo.getDeliveryToSend(tx, payload.delivery_id));
    // The endpoint was deleted (its deliveries with it), or an earlier run already finished the job.
    if (!d || d.status === 'succeeded' || d.status === 'failed') return;
    const secret = await deps.vault.decrypt({ orgId, recordId: d.endpoint_id, field: SIGNING_SECRET_FIELD, ciphertext: d.secret_ciphertext });
    const started = performance.now();
    const outcome = await send(deps, d, secret, d.id);
    const durationMs = Math.round(performance.now() - started);
    const succeeded = outcome.error === null;
    const final = succeeded || outcome.permanent || attempt >= WEBHOOK_MAX_ATTEMPTS;
    const nextAttemptAt = final ? null : new Date(Date.now() + webhookBackoffSeconds(attempt) * 1000);
    await withOrg(deps.db, { orgId }, (tx) =>
      repo.recordAttempt(tx, {
        deliveryId: d.id,
        attempt,
        status: succeeded ? 'succeeded' : final ? 'failed' : 'retrying',
        responseStatus: outcome.responseStatus,
        durationMs,
        error: outcome.error?.slice(0, 500) ?? null,
        nextAttemptAt,
      }),
    );
    if (succeeded) return;
    if (final) throw new PermanentJobError(outcome.error!);
    throw new Error(outcome.error!);
  },
});
