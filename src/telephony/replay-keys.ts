import { sha256Hex } from './signatures/common.js';
import type { ProviderName } from './providers/types.js';

/**
 * Which value identifies "the same delivery" for each provider, how long it is remembered, and the
 * timestamp window applied when the provider sends a timestamp. A request older than the window is
 * rejected as stale, so the replay store only has to remember keys for about that long.
 *
 * - twilio: sha256(signature | CallSid or MessageSid | CallStatus or MessageStatus). The signature covers
 *   URL and all params. Voice status callbacks carry `Timestamp` (RFC 2822): window 24 h.
 *   JSON-bodied webhooks: sha256(signature | bodySHA256).
 * - plivo: the `X-Plivo-Signature-V3-Nonce` (unique per request). No timestamp.
 * - meta: sha256 of the raw body. Message/status objects carry `timestamp` (unix seconds); Meta retries
 *   failed deliveries for up to 7 days, so the window is 7 days and keys live 8. Per-message ids
 *   (`metaEventIds`) are for the handler's own idempotency, since a message may be redelivered in a
 *   different batch (a different body).
 * - exotel: unsigned (path token), so sha256(CallSid | Status or CallStatus | DateUpdated). No timestamp.
 */
export const REPLAY_POLICY: Record<ProviderName, { ttlMs: number; windowMs?: number }> = {
  twilio: { ttlMs: 25 * 3600_000, windowMs: 24 * 3600_000 },
  plivo: { ttlMs: 24 * 3600_000 },
  meta: { ttlMs: 8 * 24 * 3600_000, windowMs: 7 * 24 * 3600_000 },
  exotel: { ttlMs: 24 * 3600_000 },
};

/** Allowed clock skew for timestamps from the future. */
export const FUTURE_SKEW_MS = 5 * 60_000;

export function scopedReplayKey(provider: ProviderName, channelId: string, key: string): string {
  return `${provider}:${channelId}:${key}`;
}

type Params = URLSearchParams;

export function twilioReplayKey(signature: string, params: Params): string {
  const sid = params.get('CallSid') ?? params.get('MessageSid') ?? params.get('SmsSid') ?? '';
  const status = params.get('CallStatus') ?? params.get('MessageStatus') ?? params.get('SmsStatus') ?? '';
  return sha256Hex(`${signature}|${sid}|${status}`);
}

export function twilioJsonReplayKey(signature: string, url: string): string {
  return sha256Hex(`${signature}|${new URL(url).searchParams.get('bodySHA256') ?? ''}`);
}

export function plivoReplayKey(nonce: string): string {
  return sha256Hex(nonce);
}

export function metaReplayKey(rawBody: string | Uint8Array): string {
  return sha256Hex(rawBody);
}

export function exotelReplayKey(params: Params): string {
  const status = params.get('Status') ?? params.get('CallStatus') ?? '';
  return sha256Hex(`${params.get('CallSid') ?? ''}|${status}|${params.get('DateUpdated') ?? ''}`);
}

/** Twilio's `Timestamp` param (voice status callbacks), in ms since the epoch. */
export function twilioTimestampMs(params: Params): number | undefined {
  const raw = params.get('Timestamp');
  if (!raw) return undefined;
  const t = Date.parse(raw);
  return Number.isFinite(t) ? t : undefined;
}

interface MetaEvent { id?: unknown; status?: unknown; timestamp?: unknown }

function metaEvents(payload: unknown): MetaEvent[] {
  const out: MetaEvent[] = [];
  const entries = (payload as { entry?: unknown })?.entry;
  if (!Array.isArray(entries)) return out;
  for (const entry of entries) {
    const changes = (entry as { changes?: unknown })?.changes;
    if (!Array.isArray(changes)) continue;
    for (const change of changes) {
      const value = (change as { value?: { messages?: unknown; statuses?: unknown } })?.value;
      for (const list of [value?.messages, value?.statuses]) {
        if (Array.isArray(list)) out.push(...(list as MetaEvent[]));
      }
    }
  }
  return out;
}

/** Message ids (`wamid...`) and status ids (`wamid...:status`) in a WhatsApp webhook payload. */
export function metaEventIds(payload: unknown): string[] {
  return metaEvents(payload)
    .filter((e) => typeof e.id === 'string')
    .map((e) => (typeof e.status === 'string' ? `${String(e.id)}:${e.status}` : String(e.id)));
}

/** The OLDEST event timestamp in a WhatsApp payload (ms), so one stale event makes the delivery stale. */
export function metaTimestampMs(payload: unknown): number | undefined {
  const ts = metaEvents(payload)
    .map((e) => Number(e.timestamp))
    .filter((n) => Number.isFinite(n) && n > 0);
  return ts.length ? Math.min(...ts) * 1000 : undefined;
}

export function isWithinWindow(timestampMs: number, nowMs: number, windowMs: number): boolean {
  return timestampMs >= nowMs - windowMs && timestampMs <= nowMs + FUTURE_SKEW_MS;
}
