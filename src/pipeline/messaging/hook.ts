/**
 * Runs inside the transaction that records a verified provider callback (features/webhooks-inbound),
 * for SMS and WhatsApp channels: each inbound message id is claimed once per channel (a retried or
 * re-batched delivery finds its claim and queues nothing), and a new one queues the thread job;
 * delivery receipts update our outbound messages, matched by this org, this channel and the provider id.
 */
import { applyReceipt, claimInbound } from '../../features/messaging/public.js';
import type { RecordedCallback } from '../../features/webhooks-inbound/public.js';
import { enqueue } from '../../platform/jobs/index.js';
import type { Tx } from '../../platform/db/types.js';
import { messagingEvents } from '../../telephony/index.js';
import { inboundMessageJob } from './jobs.js';

export async function afterMessagingCallback(tx: Tx, r: RecordedCallback): Promise<void> {
  if (r.channel.type !== 'sms' && r.channel.type !== 'whatsapp') return;
  for (const e of messagingEvents(r.provider, r.params, r.json)) {
    if (e.kind === 'receipt') {
      await applyReceipt(tx, r.channel.id, e.id, e.status, e.error);
    } else if (await claimInbound(tx, { channelId: r.channel.id, providerMessageId: e.id, eventId: r.eventId })) {
      await enqueue(tx, inboundMessageJob, { org_id: tx.orgId, channel_id: r.channel.id, message_id: e.id });
    }
  }
}
