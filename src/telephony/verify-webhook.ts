import type { ProviderName } from './providers/types.js';
import type { ReplayGuard } from './replay-guard.js';
import {
  REPLAY_POLICY,
  exotelReplayKey,
  isWithinWindow,
  metaReplayKey,
  metaTimestamps,
  plivoReplayKey,
  scopedReplayKey,
  twilioReplayKey,
  twilioTimestamps,
  type SignedTimestamps,
} from './replay-keys.js';
import { headerValue } from './signatures/common.js';
import { verifyExotelPathToken } from './signatures/exotel.js';
import { META_SIGNATURE_HEADER, verifyMetaSignature } from './signatures/meta.js';
import { PLIVO_NONCE_HEADER, PLIVO_SIGNATURE_HEADER, verifiedPlivoV3Signature } from './signatures/plivo.js';
import { TWILIO_SIGNATURE_HEADER, twilioSignedText, verifyTwilioJsonSignature, verifyTwilioSignature } from './signatures/twilio.js';

export interface InboundWebhookRequest {
  method: string;
  /** The public URL the provider called (scheme, host, path and query exactly as configured). */
  url: string;
  /** Node-style headers (lower-case names). */
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The raw body bytes as received, before any parsing. */
  rawBody: string | Uint8Array;
  /** Form fields the route already parsed (e.g. Exotel's multipart callbacks); else parsed from rawBody. */
  params?: URLSearchParams;
}

export interface VerifyInboundWebhookInput {
  provider: ProviderName;
  channelId: string;
  request: InboundWebhookRequest;
  /** twilio/plivo: auth_token · meta: app_secret · exotel: the channel's webhook path token. */
  secret: string;
  /** exotel only: the token taken from the request path. */
  pathToken?: string;
  replayGuard: ReplayGuard;
  now?: () => number;
}

export type InboundWebhookVerdict =
  | { ok: true; params: URLSearchParams; json?: unknown }
  | { ok: false; reason: 'missing_signature' | 'bad_signature' | 'stale' | 'missing_timestamp' | 'replayed' };

function bodyText(raw: string | Uint8Array): string {
  return typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8');
}

function formParams(req: InboundWebhookRequest): URLSearchParams {
  if (req.params) return req.params;
  if (req.method.toUpperCase() === 'GET') return new URL(req.url).searchParams;
  const type = headerValue(req.headers, 'content-type') ?? '';
  return type.includes('application/x-www-form-urlencoded') ? new URLSearchParams(bodyText(req.rawBody)) : new URLSearchParams();
}

function parseJson(raw: string | Uint8Array): unknown {
  try {
    return JSON.parse(bodyText(raw));
  } catch {
    return undefined;
  }
}

interface Checked {
  ok: boolean;
  missing?: boolean;
  key?: string;
  time?: SignedTimestamps;
  params: URLSearchParams;
  json?: unknown;
}

function checkSignature(input: VerifyInboundWebhookInput): Checked {
  const { request: req, secret } = input;
  const isGet = req.method.toUpperCase() === 'GET';
  switch (input.provider) {
    case 'twilio': {
      const signature = headerValue(req.headers, TWILIO_SIGNATURE_HEADER);
      if (!signature) return { ok: false, missing: true, params: new URLSearchParams() };
      if (new URL(req.url).searchParams.has('bodySHA256')) {
        const ok = verifyTwilioJsonSignature({ authToken: secret, url: req.url, signature, rawBody: req.rawBody });
        return { ok, key: twilioReplayKey(signature), params: new URLSearchParams(), json: parseJson(req.rawBody) };
      }
      const params = formParams(req);
      const ok = verifyTwilioSignature({ authToken: secret, url: req.url, signature, ...(isGet ? {} : { params }) });
      // The signature matched exactly, so it IS the HMAC of the signed text: the key every split shares.
      return { ok, key: twilioReplayKey(signature), time: twilioTimestamps(twilioSignedText(req.url, params), params), params };
    }
    case 'plivo': {
      const signatureHeader = headerValue(req.headers, PLIVO_SIGNATURE_HEADER);
      const nonce = headerValue(req.headers, PLIVO_NONCE_HEADER);
      if (!signatureHeader || !nonce) return { ok: false, missing: true, params: new URLSearchParams() };
      const params = formParams(req);
      const method = isGet ? 'GET' : 'POST';
      const verified = verifiedPlivoV3Signature({ authToken: secret, method, url: req.url, nonce, signatureHeader, ...(isGet ? {} : { params }) });
      return { ok: verified !== null, ...(verified ? { key: plivoReplayKey(verified) } : {}), params };
    }
    case 'meta': {
      const signatureHeader = headerValue(req.headers, META_SIGNATURE_HEADER);
      if (!signatureHeader) return { ok: false, missing: true, params: new URLSearchParams() };
      const ok = verifyMetaSignature({ appSecret: secret, rawBody: req.rawBody, signatureHeader });
      const json = ok ? parseJson(req.rawBody) : undefined;
      return { ok, key: metaReplayKey(req.rawBody), time: metaTimestamps(json), params: new URLSearchParams(), json };
    }
    case 'exotel': {
      if (!input.pathToken) return { ok: false, missing: true, params: new URLSearchParams() };
      const ok = verifyExotelPathToken(input.pathToken, secret);
      const params = formParams(req);
      // Without a CallSid there is nothing that identifies the delivery; do not invent a shared key.
      return { ok, ...(params.get('CallSid') ? { key: exotelReplayKey(params, new URL(req.url).searchParams.get('event')) } : {}), params };
    }
  }
}

/**
 * The one check a provider webhook route runs before trusting a request: signature (or Exotel path
 * token), then the provider's timestamp window (every timestamp the signed text carries; refused when
 * the provider always sends one and none is there), then the replay guard keyed on what was signed.
 * Failures carry a reason for logs/metrics only; answer every failure with the same 403 (replays may
 * be answered 200 so the provider stops retrying, without processing them again).
 *
 * @example
 * const v = await verifyInboundWebhook({ provider: 'twilio', channelId, request, secret: creds.auth_token, replayGuard });
 * if (!v.ok) return reply.code(v.reason === 'replayed' ? 200 : 403).send();
 */
export async function verifyInboundWebhook(input: VerifyInboundWebhookInput): Promise<InboundWebhookVerdict> {
  if (!input.secret || !URL.canParse(input.request.url)) return { ok: false, reason: 'bad_signature' };
  const checked = checkSignature(input);
  if (checked.missing) return { ok: false, reason: 'missing_signature' };
  if (!checked.ok) return { ok: false, reason: 'bad_signature' };
  const policy = REPLAY_POLICY[input.provider];
  const nowMs = (input.now ?? Date.now)();
  if (checked.time && policy.windowMs !== undefined) {
    if (checked.time.missing) return { ok: false, reason: 'missing_timestamp' };
    const windowMs = policy.windowMs;
    if (checked.time.timestamps.some((t) => !isWithinWindow(t, nowMs, windowMs))) return { ok: false, reason: 'stale' };
  }
  if (checked.key !== undefined) {
    const replayed = await input.replayGuard.seen(scopedReplayKey(input.provider, input.channelId, checked.key), policy.ttlMs);
    if (replayed) return { ok: false, reason: 'replayed' };
  }
  return { ok: true, params: checked.params, ...(checked.json !== undefined ? { json: checked.json } : {}) };
}
