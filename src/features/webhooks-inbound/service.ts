/**
 * Inbound provider webhooks: no bearer token. The org comes from the channel id through the named door
 * `app.resolve_channel_org`; the request is trusted only after the provider's signature (Exotel: the
 * channel's secret path token) verifies with the channel's own decrypted credentials.
 *
 * Order (never a vault or network call inside a transaction):
 *   door (withoutOrg) → read channel (withOrg) → decrypt secret (vault) →
 *   one withOrg: verify signature → claim replay key → record event.
 * The replay key and the event commit together: a replay conflicts on (org_id, key) and records nothing;
 * a failed recording rolls the key back so the provider's retry is accepted.
 *
 * Every refusal (unknown channel, wrong provider, missing/bad signature, stale, replay, undecryptable
 * secret, no public URL) is the same 403, so channel ids cannot be probed (docs/channels.md). Nor can
 * they be timed: an unknown channel goes through the same steps with decoys (decoy.ts): the channel
 * read and the verification transaction under an org id no organization has, a decoy secret decrypted
 * and the provider's signature computed with it, and only then the refusal.
 */
import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.js';
import { withOrg, withoutOrg } from '../../platform/db/with-org.js';
import type { Tx } from '../../platform/db/types.js';
import {
  PROVIDER_NAMES,
  verifyInboundWebhook,
  verifyMetaHandshake,
  type InboundWebhookRequest,
  type ProviderName,
  type ReplayGuard,
} from '../../telephony/index.js';
import { decryptField, EXOTEL_TOKEN_FIELD } from '../channels/credentials.js';
import { publicBase } from '../channels/present.js';
import { getChannel, type ChannelRow } from '../channels/public.js';
import { DECOY_CHANNEL_ID, DECOY_ORG_ID, decryptDecoySecret } from './decoy.js';
import { describeEvent } from './describe.js';
import * as repo from './repo.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The channel field whose decrypted value checks each provider's callbacks. */
const SIGNING_FIELD: Record<ProviderName, string> = { twilio: 'auth_token', plivo: 'auth_token', meta: 'app_secret', exotel: EXOTEL_TOKEN_FIELD };

export interface InboundCall {
  provider: string;
  channelId: string;
  /** Exotel only: the token segment of the path. */
  pathToken?: string | undefined;
  method: 'GET' | 'POST';
  /** Path and query exactly as received (request.raw.url); joined to CONVERSE_PUBLIC_URL. */
  rawUrl: string;
  headers: InboundWebhookRequest['headers'];
  rawBody: Buffer;
}

/** A verified, recorded callback, handed to `afterRecord` inside the recording transaction. */
export interface RecordedCallback {
  channel: ChannelRow;
  provider: ProviderName;
  eventId: string;
  params: URLSearchParams;
  json: unknown;
  /** The query of the URL the provider called (covered by the signature for Twilio and Plivo). */
  query: URLSearchParams;
}

/**
 * What a hook may give back: the document to answer the provider with (a voice webhook's call
 * instructions), and work to run once the recording transaction committed (never inside it: e.g. ending
 * a live call, which opens its own transactions).
 */
export interface HookResult {
  /** The document to answer with; `status` defaults to 200 (Exotel's Passthru also takes 302). */
  answer?: { contentType: string; body: string; status?: 200 | 302 };
  afterCommit?: () => Promise<void>;
}

/**
 * What happens after a callback is recorded, in the same transaction (database work only: a failure
 * rolls the event and its replay key back, so the provider's retry is accepted). The app wiring passes
 * the session transports' hook (SMS/WhatsApp threads); features do not depend on the runtime.
 */
export interface InboundHooks {
  afterRecord?: (tx: Tx, recorded: RecordedCallback) => Promise<void | HookResult>;
}

export type InboundOutcome =
  | { ok: true; provider: ProviderName; eventId: string; answer?: HookResult['answer'] }
  | { ok: true; provider: 'meta'; challenge: string }
  | { ok: false; reason: string };

/**
 * The channel a callback is for, or a decoy with the reason it will be refused: the caller does the same
 * work for both (timing must not tell which channel ids exist) and refuses at the end.
 */
type Target =
  | { orgId: string; channel: ChannelRow; provider: ProviderName; url: string; refusal?: undefined }
  | { orgId: string; channel: null; provider: ProviderName; url: string; refusal: string };

/** Door → channel (both always run: for an unknown id, the read runs under the decoy org and finds nothing). */
async function resolve(deps: Deps, call: InboundCall): Promise<Target | { reason: string }> {
  const base = publicBase(deps.config);
  if (!base) return { reason: 'public_url_not_configured' };
  const provider = PROVIDER_NAMES.find((p) => p === call.provider);
  const channelId = UUID_RE.test(call.channelId) ? call.channelId : DECOY_CHANNEL_ID;
  const orgs = await withoutOrg(deps.db, (q) => repo.resolveChannelOrg(q, channelId));
  const orgId = orgs.length === 1 ? orgs[0]! : DECOY_ORG_ID;
  const channel = await withOrg(deps.db, { orgId }, (tx) => getChannel(tx, channelId));
  const url = base + call.rawUrl;
  if (channel && provider && channel.provider === provider && orgs.length === 1 && channelId === call.channelId) {
    return { orgId, channel, provider, url };
  }
  return { orgId, channel: null, provider: provider ?? 'twilio', url, refusal: orgs.length > 1 ? 'ambiguous_channel' : 'unknown_channel' };
}

async function secretOf(deps: Deps, r: Target, field: string): Promise<string | null> {
  if (!r.channel) return decryptDecoySecret();
  try {
    return await decryptField(deps, r.orgId, r.channel.id, r.channel.credentials, field);
  } catch (err) {
    // Ids and the reason only: VaultDecryptError messages carry no secret material.
    deps.log.error({ org: r.orgId, channel: r.channel.id, err }, 'webhook: channel secret unavailable');
    return null;
  }
}

/** Exotel may post multipart/form-data; its fields (text only) become the callback's params. */
async function multipartParams(call: InboundCall): Promise<URLSearchParams | undefined> {
  const type = String(call.headers['content-type'] ?? '');
  if (!type.toLowerCase().startsWith('multipart/form-data')) return undefined;
  const form = await new Response(call.rawBody, { headers: { 'content-type': type } }).formData();
  const params = new URLSearchParams();
  for (const [k, v] of form) if (typeof v === 'string') params.append(k, v);
  return params;
}

export async function receiveWebhook(deps: Deps, call: InboundCall, hooks: InboundHooks = {}): Promise<InboundOutcome> {
  const r = await resolve(deps, call);
  if ('reason' in r) return { ok: false, reason: r.reason };
  const secret = await secretOf(deps, r, SIGNING_FIELD[r.provider]);
  if (!secret) return { ok: false, reason: 'secret_unavailable' };
  let params: URLSearchParams | undefined;
  try {
    params = r.provider === 'exotel' ? await multipartParams(call) : undefined;
  } catch {
    return { ok: false, reason: 'malformed_body' };
  }

  let after: HookResult['afterCommit'];
  const outcome = await withOrg(deps.db, { orgId: r.orgId }, async (tx): Promise<InboundOutcome> => {
    const channel = r.channel;
    // The decoy never claims a key (its secret is random, so nothing verifies; this is belt and braces).
    const replayGuard: ReplayGuard = { seen: (key, ttlMs) => (channel ? repo.claimReplayKey(tx, channel.id, key, ttlMs) : Promise.resolve(true)) };
    const verdict = await verifyInboundWebhook({
      provider: r.provider,
      channelId: channel?.id ?? DECOY_CHANNEL_ID,
      request: { method: call.method, url: r.url, headers: call.headers, rawBody: call.rawBody, ...(params ? { params } : {}) },
      secret,
      ...(call.pathToken !== undefined ? { pathToken: call.pathToken } : {}),
      replayGuard,
    });
    if (!r.channel) return { ok: false, reason: r.refusal };
    if (!verdict.ok) return { ok: false, reason: verdict.reason };
    const event = describeEvent(r.provider, verdict.params, verdict.json);
    const eventId = randomUUID();
    await repo.insertChannelEvent(tx, { id: eventId, channelId: r.channel.id, provider: r.provider, ...event });
    const query = new URL(call.rawUrl, 'http://x').searchParams;
    const hook = await hooks.afterRecord?.(tx, { channel: r.channel, provider: r.provider, eventId, params: verdict.params, json: verdict.json, query });
    await repo.sweepReplayKeys(tx);
    after = hook?.afterCommit;
    return { ok: true, provider: r.provider, eventId, ...(hook?.answer ? { answer: hook.answer } : {}) };
  });
  if (after) await after().catch((err: unknown) => deps.log.error({ err, channel: call.channelId }, 'webhook: follow-up failed'));
  return outcome;
}

/** Meta's subscription handshake (GET with hub.mode/hub.verify_token/hub.challenge). Records nothing. */
export async function metaHandshake(deps: Deps, call: InboundCall, query: URLSearchParams): Promise<InboundOutcome> {
  const r = await resolve(deps, call);
  if ('reason' in r) return { ok: false, reason: r.reason };
  const verifyToken = await secretOf(deps, r, 'verify_token');
  if (!verifyToken) return { ok: false, reason: 'secret_unavailable' };
  const result = verifyMetaHandshake(query, verifyToken);
  if (!r.channel || r.provider !== 'meta') return { ok: false, reason: r.refusal ?? 'unknown_channel' };
  return result.ok ? { ok: true, provider: 'meta', challenge: result.challenge } : { ok: false, reason: 'bad_verify_token' };
}
