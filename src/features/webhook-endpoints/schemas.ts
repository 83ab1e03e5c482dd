import { z } from 'zod';
import { toIso } from '../../platform/http/schemas.js';
import type { AttemptRow, DeliveryRow, EndpointRow } from './repo.js';

/** The events an organization can subscribe to (API.md "Tools and MCP servers"). */
export const EVENT_TYPES = ['call.started', 'call.ended', 'escalation.created', 'campaign.started', 'campaign.completed', 'document.ready', 'document.failed'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const WEBHOOK_LIMITS = {
  maxEndpointsPerOrg: 100,
  maxEventDataBytes: 65_536,
  timeoutMs: 10_000,
  /** We read (and discard) at most this much of a receiver's answer. */
  maxResponseBytes: 65_536,
  bodyLimitBytes: 16 * 1024,
} as const;

const Url = z
  .string()
  .trim()
  .max(2048)
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password;
    } catch {
      return false;
    }
  }, 'must be an absolute http or https URL without credentials');

const Events = z
  .array(z.enum(EVENT_TYPES))
  .min(1)
  .max(EVENT_TYPES.length)
  .refine((e) => new Set(e).size === e.length, 'duplicate events');
const Description = z.string().max(500);

export const CreateEndpointBody = z.strictObject({
  url: Url,
  events: Events,
  description: Description.default(''),
});
export type CreateEndpointBody = z.infer<typeof CreateEndpointBody>;

/** Every field optional; the signing secret is not editable (delete and recreate to rotate it). */
export const UpdateEndpointBody = z
  .strictObject({ url: Url.optional(), events: Events.optional(), description: Description.optional() })
  .refine((b) => b.url !== undefined || b.events !== undefined || b.description !== undefined, 'nothing to update');
export type UpdateEndpointBody = z.infer<typeof UpdateEndpointBody>;

export const DeliveryParams = z.strictObject({ id: z.uuid(), delivery_id: z.uuid() });

export const EndpointOut = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  description: z.string(),
  secret: z.object({ configured: z.literal(true) }),
  created_at: z.string(),
  updated_at: z.string(),
});
export const CreatedEndpointOut = EndpointOut.extend({
  signing_secret: z.string().describe('Verifies the Converse-Signature header. Shown once; store it now.'),
});

export const DeliveryOut = z.object({
  id: z.string(),
  endpoint_id: z.string(),
  event_id: z.string(),
  event_type: z.string(),
  status: z.enum(['pending', 'retrying', 'succeeded', 'failed']),
  attempts: z.number(),
  response_status: z.number().nullable(),
  duration_ms: z.number().nullable(),
  error: z.string().nullable(),
  next_attempt_at: z.string().nullable(),
  delivered_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  history: z.array(
    z.object({ attempt: z.number(), response_status: z.number().nullable(), duration_ms: z.number(), error: z.string().nullable(), next_attempt_at: z.string().nullable(), at: z.string() }),
  ),
});

export const presentEndpoint = (e: EndpointRow) => ({
  id: e.id,
  url: e.url,
  events: e.events,
  description: e.description,
  secret: { configured: true as const },
  created_at: toIso(e.created_at)!,
  updated_at: toIso(e.updated_at)!,
});

export const presentDelivery = (d: DeliveryRow, attempts: AttemptRow[]) => ({
  id: d.id,
  endpoint_id: d.endpoint_id,
  event_id: d.event_id,
  event_type: d.event_type,
  status: d.status,
  attempts: d.attempts,
  response_status: d.response_status,
  duration_ms: d.duration_ms,
  error: d.last_error,
  next_attempt_at: toIso(d.next_attempt_at),
  delivered_at: toIso(d.delivered_at),
  created_at: toIso(d.created_at)!,
  updated_at: toIso(d.updated_at)!,
  history: attempts.map((a) => ({
    attempt: a.attempt,
    response_status: a.response_status,
    duration_ms: a.duration_ms,
    error: a.error,
    next_attempt_at: toIso(a.next_attempt_at),
    at: toIso(a.created_at)!,
  })),
});
