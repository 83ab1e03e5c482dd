import { z } from 'zod';
import { ListQuery, Timestamp, toIso } from '../../platform/http/schemas.js';
import { CallDetailOut } from '../calls/schemas.js';
import type { EscalationRow } from './repo.js';

export const ESCALATION_STATUSES = ['waiting', 'claimed', 'closed'] as const;
export const CLOSED_REASONS = ['released', 'closed', 'caller_hangup', 'session_ended'] as const;

export const ESCALATION_LIMITS = {
  /** A support agent's message into the session (the caller receives it as is). */
  maxMessageChars: 4000,
  bodyLimitBytes: 32 * 1024,
  queueChars: 100,
  reasonChars: 500,
} as const;

export const EscalationListQuery = ListQuery.extend({
  status: z.enum(ESCALATION_STATUSES).optional(),
  queue: z.string().trim().min(1).max(ESCALATION_LIMITS.queueChars).optional(),
  call_id: z.uuid().optional(),
});
export type EscalationListQuery = z.infer<typeof EscalationListQuery>;

export const EscalationMessageBody = z.strictObject({
  text: z.string().trim().min(1).max(ESCALATION_LIMITS.maxMessageChars),
});

const Actor = z.object({ type: z.enum(['user', 'api_key']), id: z.uuid() });

export const EscalationOut = z.object({
  id: z.uuid(),
  call_id: z.uuid(),
  status: z.enum(ESCALATION_STATUSES),
  queue: z.string(),
  reason: z.string().nullable(),
  claimed_by: Actor.nullable().describe('who holds (or last held) it'),
  claimed_at: Timestamp.nullable(),
  closed_reason: z.enum(CLOSED_REASONS).nullable(),
  closed_by: Actor.nullable(),
  closed_at: Timestamp.nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
  call: z.object({
    channel: z.string(),
    channel_id: z.uuid().nullable(),
    agent_id: z.uuid().nullable(),
    flow_id: z.uuid().nullable(),
    from_number: z.string().nullable(),
    status: z.string(),
  }),
});
export type EscalationOut = z.infer<typeof EscalationOut>;

/** One escalation with the whole call: transcript, variables, actions (what the person picking it up reads). */
export const EscalationDetailOut = EscalationOut.extend({ call: CallDetailOut });
export type EscalationDetailOut = z.infer<typeof EscalationDetailOut>;

const actor = (type: EscalationRow['claimed_by_type'], id: string | null) => (type === null || id === null ? null : { type, id });

export const presentEscalation = (e: EscalationRow): EscalationOut => ({
  id: e.id,
  call_id: e.call_id,
  status: e.status,
  queue: e.queue,
  reason: e.reason,
  claimed_by: actor(e.claimed_by_type, e.claimed_by),
  claimed_at: toIso(e.claimed_at),
  closed_reason: e.closed_reason,
  closed_by: actor(e.closed_by_type, e.closed_by),
  closed_at: toIso(e.closed_at),
  created_at: toIso(e.created_at)!,
  updated_at: toIso(e.updated_at)!,
  call: { channel: e.call_channel, channel_id: e.call_channel_id, agent_id: e.call_agent_id, flow_id: e.call_flow_id, from_number: e.call_from_number, status: e.call_status },
});
