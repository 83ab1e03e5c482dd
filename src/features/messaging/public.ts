/**
 * SMS/WhatsApp message bookkeeping, for the session transport (src/pipeline/messaging/) and the call
 * detail (features/calls). Other features never import ./repo.ts. Each runs in the caller's tenant
 * transaction.
 */
import { z } from 'zod';
import type { Tx } from '../../platform/db/types.js';
import { Timestamp, toIso } from '../../platform/http/schemas.js';
import * as repo from './repo.js';

export type { OutboundStatus, InboundRow } from './repo.js';
export { claimInbound, getInbound, markInboundProcessed, insertOutbound, settleOutbound, applyReceipt } from './repo.js';

export const OUTBOUND_STATUSES = ['sending', 'queued', 'sent', 'delivered', 'read', 'failed', 'undelivered'] as const;

/** `messages[]` of GET /calls/{id}: what was sent to the provider and what became of it. */
export const CallMessageOut = z.object({
  id: z.uuid(),
  direction: z.literal('outbound'),
  to: z.string(),
  text: z.string(),
  status: z.enum(OUTBOUND_STATUSES).describe('sending → queued → sent → delivered → read, or failed / undelivered'),
  error: z.string().nullable().describe("the provider's error code and text, or why nothing was sent"),
  provider_message_id: z.string().nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type CallMessageOut = z.infer<typeof CallMessageOut>;

export async function listCallMessages(tx: Tx, callId: string): Promise<CallMessageOut[]> {
  return (await repo.listOutboundForCall(tx, callId)).map((m) => ({
    id: m.id,
    direction: 'outbound' as const,
    to: m.to_number,
    text: m.text,
    status: m.status,
    error: m.error,
    provider_message_id: m.provider_message_id,
    created_at: toIso(m.created_at)!,
    updated_at: toIso(m.updated_at)!,
  }));
}
