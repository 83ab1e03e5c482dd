import { sha256Hex } from './signatures/common.js';
import type { ProviderName } from './providers/types.js';

/**
 * Which value identifies "the same delivery" for each provider, how long it is remembered, and the
 * timestamp window applied when the provider sends a timestamp. A request older than the window is
 * rejected as stale, so the replay store only has to remember keys for about that long.
 *
 * Twilio and Plivo sign the concatenation of parameter names and values WITHOUT delimiters, so one valid
 * signature fits many parsings of the same text (`CallSid=CAx&CallStatus=ringing` and
 * `CallSid=CAxCallStatusringing`; a Plivo `RecordUrl` tail moved into the nonce header). Keys and
 * timestamps are therefore taken from what was signed, never from one parsing of the fields:
 *
 * - twilio: sha256 of the signature, the HMAC of exactly the signed text (URL + keys + values; JSON
 *   webhooks: the URL with `bodySHA256`). Voice status callbacks carry `Timestamp` (RFC 2822): window
 *   24 h, applied to every `Timestamp<date>` found in the signed text, and a call-progress callback
 *   (`CallbackSourcecall-progress-events` in the signed text) without one is refused.
 * - plivo: sha256 of the signature that verified: the HMAC of base + "." + nonce (the nonce alone can be
 *   changed by moving text into it). Plivo sends no timestamp.
 * - meta: sha256 of the raw body (what is signed). Message/status objects always carry `timestamp` (unix
 *   seconds; one without is refused); Meta retries
 *   failed deliveries for up to 7 days, so the window is 7 days and keys live 8. Per-message ids
 *   (`metaEventIds`) are for the handler's own idempotency, since a message may be redelivered in a
 *   different batch (a different body).
 * - exotel: unsigned (path token), so sha256(CallSid | Status or CallStatus | DateUpdated | the URL's
 *   `event`). No timestamp.
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

/**
 * Twilio (form, GET and JSON webhooks): the signature that verified. It matched exactly, and it is the
 * HMAC of the signed text, so every re-splitting of that text has the same key.
 */
export function twilioReplayKey(signature: string): string {
  return sha256Hex(`twilio-signature|${signature}`);
}

/** Plivo: the signature that verified (`verifiedPlivoV3Signature`), the HMAC of base + "." + nonce. */
export function plivoReplayKey(verifiedSignature: string): string {
  return sha256Hex(`plivo-signature|${verifiedSignature}`);
}

export function metaReplayKey(rawBody: string | Uint8Array): string {
  return sha256Hex(rawBody);
}

/**
 * Exotel: `event` is the `?event=` of the URL the flow calls. A flow asks Converse several times about
 * one call with nothing else to tell the requests apart (the Voicebot's URL, then a Passthru and a
 * Connect applet after a transfer), so each of those URLs carries its own event.
 */
export function exotelReplayKey(params: Params, event: string | null = null): string {
  const status = params.get('Status') ?? params.get('CallStatus') ?? '';
  return sha256Hex(`${params.get('CallSid') ?? ''}|${status}|${params.get('DateUpdated') ?? ''}${event ? `|${event}` : ''}`);
}

export interface SignedTimestamps {
  /** Every timestamp the delivery carries, in ms since the epoch; all must be inside the window. */
  timestamps: number[];
  /** The provider always sends a timestamp with this kind of delivery, but none was found. */
  missing: boolean;
}

const RFC2822_AFTER_KEY = /Timestamp((?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} (?:[+-]\d{4}|GMT|UTC))/g;
const CALL_PROGRESS = /CallbackSourcecall-progress-events|SequenceNumber\d/;

/**
 * Twilio's `Timestamp` (voice status callbacks): the parsed field, plus every `Timestamp<RFC 2822 date>`
 * in the signed text (`twilioSignedText`), which no re-splitting can hide: folding the field into
 * `From` leaves the text, and so the window, unchanged. Call-progress callbacks always carry one.
 */
export function twilioTimestamps(signedText: string, params: Params): SignedTimestamps {
  const found = [...signedText.matchAll(RFC2822_AFTER_KEY)].map((m) => Date.parse(m[1]!));
  const field = params.get('Timestamp');
  if (field) found.push(Date.parse(field));
  const timestamps = [...new Set(found.filter((t) => Number.isFinite(t)))];
  // A Timestamp field we cannot read counts as missing: refusing beats skipping the window.
  const unreadable = field !== null && !Number.isFinite(Date.parse(field));
  return { timestamps, missing: unreadable || (timestamps.length === 0 && CALL_PROGRESS.test(signedText)) };
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

/** Every event timestamp in a WhatsApp payload (ms); Meta stamps every message and status. */
export function metaTimestamps(payload: unknown): SignedTimestamps {
  const raw = metaEvents(payload).map((e) => Number(e.timestamp));
  const timestamps = raw.filter((n) => Number.isFinite(n) && n > 0).map((n) => n * 1000);
  return { timestamps, missing: timestamps.length < raw.length };
}

export function isWithinWindow(timestampMs: number, nowMs: number, windowMs: number): boolean {
  return timestampMs >= nowMs - windowMs && timestampMs <= nowMs + FUTURE_SKEW_MS;
}
