/**
 * Outbound events. Other features call `emitEvent` inside their own tenant transaction, at the point
 * where the thing happened (a call ended, a document is ready): one delivery row and one queued job per
 * subscribed endpoint are written in that same transaction, so an event is delivered if and only if the
 * change that caused it commits. Nothing is sent here (no network call inside a transaction); the job
 * queue delivers, signs and retries.
 *
 * @example
 *   await withOrg(deps.db, { orgId }, async (tx) => {
 *     await markDocumentReady(tx, id);
 *     await emitEvent(tx, { type: 'document.ready', data: { document_id: id, chunk_count } });
 *   });
 *
 * `data` goes to the customer's server as is: ids and facts only, never secrets or credentials. When
 * the org redacts PII (docs/privacy.md), phone numbers, emails and card numbers in it are replaced
 * before it is stored and sent.
 */
import { randomUUID } from 'node:crypto';
import type { Tx } from '../../platform/db/types.js';
import { enqueue } from '../../platform/jobs/index.js';
import { redactJson } from '../../platform/privacy/redact.js';
import { privacySettings } from '../organizations/public.js';
import { deliverWebhook } from './deliver-job.js';
import * as repo from './repo.js';
import { EVENT_TYPES, WEBHOOK_LIMITS, type EventType } from './schemas.js';

export { EVENT_TYPES, type EventType } from './schemas.js';

export interface EmittedEvent {
  eventId: string;
  deliveryIds: string[];
}

export async function emitEvent(tx: Tx, event: { type: EventType; data: Record<string, unknown> }): Promise<EmittedEvent> {
  return (await emitEvents(tx, [event]))[0]!;
}

/**
 * emitEvent for many events of one transaction (the campaign dialer's batch of call.started): the
 * privacy setting and each type's subscribers are read once, not once per event.
 */
export async function emitEvents(tx: Tx, events: ReadonlyArray<{ type: EventType; data: Record<string, unknown> }>): Promise<EmittedEvent[]> {
  for (const e of events) if (!(EVENT_TYPES as readonly string[]).includes(e.type)) throw new Error(`emitEvent: unknown event type ${String(e.type)}`);
  if (events.length === 0) return [];
  const redact = (await privacySettings(tx)).redact_pii;
  const subscribers = new Map<EventType, string[]>();
  const out: EmittedEvent[] = [];
  for (const event of events) {
    const eventId = randomUUID();
    const data = redact ? (redactJson(event.data) as Record<string, unknown>) : event.data;
    const payload = { id: eventId, type: event.type, created_at: new Date().toISOString(), data };
    if (Buffer.byteLength(JSON.stringify(payload)) > WEBHOOK_LIMITS.maxEventDataBytes) throw new Error(`emitEvent: ${event.type} data is larger than ${WEBHOOK_LIMITS.maxEventDataBytes} bytes`);
    let endpoints = subscribers.get(event.type);
    if (!endpoints) subscribers.set(event.type, (endpoints = await repo.subscribedEndpointIds(tx, event.type)));
    const deliveryIds: string[] = [];
    for (const endpointId of endpoints) {
      const id = randomUUID();
      await repo.insertDelivery(tx, { id, endpointId, eventId, eventType: event.type, payload });
      await enqueue(tx, deliverWebhook, { org_id: tx.orgId, delivery_id: id });
      deliveryIds.push(id);
    }
    out.push({ eventId, deliveryIds });
  }
  return out;
}
