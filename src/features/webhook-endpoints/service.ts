import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.js';
import { scopeOf, type Principal } from '../../platform/auth/principal.js';
import type { Tx } from '../../platform/db/types.js';
import { withOrg } from '../../platform/db/with-org.js';
import { errors } from '../../platform/errors.js';
import { page, type Cursor } from '../../platform/http/pagination.js';
import type { RequestMeta } from '../../platform/request-meta.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import { checkDestination } from '../../platform/outbound/index.js';
import { enqueue } from '../../platform/jobs/index.js';
import { deliverWebhook, SIGNING_SECRET_FIELD } from './deliver-job.js';
import * as repo from './repo.js';
import { presentDelivery, presentEndpoint, WEBHOOK_LIMITS, type CreateEndpointBody, type UpdateEndpointBody } from './schemas.js';
import { generateSigningSecret } from './signing.js';

const endpointNotFound = () => errors.notFound('webhook endpoint');
const deliveryNotFound = () => errors.notFound('webhook delivery');

/**
 * Creates a subscription and its signing secret. The secret is encrypted (outside the transaction: the
 * vault opens its own) and returned in this one response only.
 */
export async function createEndpoint(deps: Deps, principal: Principal, body: CreateEndpointBody, meta: RequestMeta) {
  await checkDestination(deps.safeFetch, body.url);
  const id = randomUUID();
  const secret = generateSigningSecret();
  const secretCiphertext = await deps.vault.encrypt({ orgId: principal.orgId, recordId: id, field: SIGNING_SECRET_FIELD, plaintext: secret });
  const out = await withOrg(deps.db, scopeOf(principal), async (tx) => {
    if ((await repo.countEndpoints(tx)) >= WEBHOOK_LIMITS.maxEndpointsPerOrg) throw errors.conflict(`An organization can have at most ${WEBHOOK_LIMITS.maxEndpointsPerOrg} webhook endpoints`);
    const out = presentEndpoint(await repo.insertEndpoint(tx, { id, url: body.url, events: body.events, description: body.description, secretCiphertext }));
    await recordAudit(tx, actorOf(principal), { action: 'webhook_endpoint.created', targetType: 'webhook_endpoint', targetId: id, after: out }, meta);
    return out;
  });
  return { ...out, signing_secret: secret };
}

/**
 * Changes the URL, events or description. A new URL passes the same address policy as on create
 * (checked before the transaction: it resolves DNS). Queued deliveries go to the new URL.
 */
export async function updateEndpoint(deps: Deps, principal: Principal, id: string, body: UpdateEndpointBody, meta: RequestMeta) {
  if (body.url !== undefined) await checkDestination(deps.safeFetch, body.url);
  return withOrg(deps.db, scopeOf(principal), async (tx) => {
    const before = await repo.getEndpoint(tx, id);
    if (!before) throw endpointNotFound();
    const out = presentEndpoint((await repo.updateEndpoint(tx, id, body))!);
    await recordAudit(tx, actorOf(principal), { action: 'webhook_endpoint.updated', targetType: 'webhook_endpoint', targetId: id, before: presentEndpoint(before), after: out }, meta);
    return out;
  });
}

/**
 * Sends a finished delivery's stored event again: a NEW delivery (same event id and document, so a
 * receiver that dedupes on the event id can), to the endpoint's current URL, queued on the usual
 * delivery job with its own attempts and backoff. The original delivery and its history stay as they
 * were. A delivery still pending or retrying answers 409: the queue already has it.
 * In the request's tenant transaction (route `txHandler`).
 */
export async function redeliver(tx: Tx, principal: Principal, endpointId: string, deliveryId: string, meta: RequestMeta) {
  if (!(await repo.getEndpoint(tx, endpointId))) throw endpointNotFound();
  const original = await repo.getDelivery(tx, endpointId, deliveryId);
  if (!original) throw deliveryNotFound();
  if (original.status === 'pending' || original.status === 'retrying') throw errors.conflict('This delivery is still queued; redeliver it once it has succeeded or failed');
  const id = randomUUID();
  await repo.insertDelivery(tx, { id, endpointId, eventId: original.event_id, eventType: original.event_type, payload: original.payload });
  await enqueue(tx, deliverWebhook, { org_id: tx.orgId, delivery_id: id });
  await recordAudit(
    tx,
    actorOf(principal),
    { action: 'webhook_delivery.redelivered', targetType: 'webhook_delivery', targetId: id, after: { endpoint_id: endpointId, event_id: original.event_id, event_type: original.event_type, redelivery_of: deliveryId } },
    meta,
  );
  return presentDelivery((await repo.getDelivery(tx, endpointId, id))!, []);
}

/** In the request's tenant transaction (route `txHandler`). */
export async function getEndpoint(tx: Tx, id: string) {
  const row = await repo.getEndpoint(tx, id);
  if (!row) throw endpointNotFound();
  return presentEndpoint(row);
}

/** In the request's tenant transaction (route `txHandler`). */
export async function listEndpoints(tx: Tx, opts: { cursor: Cursor | null; limit: number }) {
  const rows = await repo.listEndpoints(tx, opts);
  const p = page(rows, opts.limit);
  return { data: p.rows.map(presentEndpoint), next_cursor: p.nextCursor };
}

/**
 * Deletes the subscription and its delivery log; queued deliveries find nothing and end.
 * In the request's tenant transaction (route `txHandler`).
 */
export async function deleteEndpoint(tx: Tx, principal: Principal, id: string, meta: RequestMeta): Promise<void> {
  const row = await repo.deleteEndpoint(tx, id);
  if (!row) throw endpointNotFound();
  await recordAudit(tx, actorOf(principal), { action: 'webhook_endpoint.deleted', targetType: 'webhook_endpoint', targetId: id, before: presentEndpoint(row) }, meta);
}

/** In the request's tenant transaction (route `txHandler`). */
export async function listDeliveries(tx: Tx, id: string, opts: { cursor: Cursor | null; limit: number }) {
  if (!(await repo.getEndpoint(tx, id))) throw endpointNotFound();
  const rows = await repo.listDeliveries(tx, id, opts);
  const attempts = await repo.listAttempts(tx, rows.slice(0, opts.limit).map((r) => r.id));
  const p = page(rows, opts.limit);
  return { data: p.rows.map((d) => presentDelivery(d, attempts.filter((a) => a.delivery_id === d.id))), next_cursor: p.nextCursor };
}
