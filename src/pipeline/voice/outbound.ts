/**
 * One outbound voice call, in two steps so callers control their transactions: `prepareOutboundCall`
 * inside the caller's org transaction (checks, frozen context, the call row), `placeOutboundCall`
 * outside any transaction (credential decrypted for this request only, the provider request).
 *
 * PLACEHOLDER written with the campaigns issue: the voice issue's `POST /calls` module replaces this
 * file, keeping these two signatures. What it does here: validates the channel (this org's, voice,
 * a telephony provider, a number and credentials), normalizes `to` to E.164, loads the SessionContext
 * (the given agent or flow, else the channel's), inserts the call row (outbound, voice, status active,
 * empty engine state: the voice transport starts the engine when the call connects), and places the
 * call with the answer and status URLs `<channel webhook>?call_id=<id>`. It has no column to keep the
 * provider's call id in (the voice issue adds one); callers get it back. The providers' REST APIs
 * take no idempotency key for calls, so `idempotencyKey` is not sent anywhere by this placeholder.
 */
import { randomUUID } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Deps } from '../../deps.js';
import type { Tx } from '../../platform/db/types.js';
import { withOrg } from '../../platform/db/with-org.js';
import { errors } from '../../platform/errors.js';
import { ProviderError, type ProviderCredentialsMap } from '../../telephony/index.js';
import { createCall, endUnconnectedCall } from '../../features/calls/store.js';
import { decryptCredentials, getChannel, providerClient, webhookUrl } from '../../features/channels/public.js';
import { loadSessionContext } from '../context/load.js';

export interface OutboundCallInput { agent_id?: string | undefined; flow_id?: string | undefined; channel_id: string; to: string; variables?: Record<string, unknown> | undefined; campaign_id?: string | null | undefined; }
export interface PreparedOutboundCall { orgId: string; callId: string; channelId: string; provider: string; from: string; to: string; }

const VOICE_PROVIDERS = ['twilio', 'plivo', 'exotel'] as const;
type VoiceProvider = (typeof VOICE_PROVIDERS)[number];
const isVoiceProvider = (p: string): p is VoiceProvider => (VOICE_PROVIDERS as readonly string[]).includes(p);

/** Inside the caller's org transaction (withOrg tx): checks the channel is this org's, voice-capable and usable, freezes the session context, inserts the call row (direction 'outbound', channel 'voice', campaign_id). No network, no vault. Throws the API's not-found/validation errors. */
export async function prepareOutboundCall(_deps: Deps, tx: Tx, orgId: string, input: OutboundCallInput): Promise<PreparedOutboundCall> {
  if (tx.orgId !== orgId) throw new Error('prepareOutboundCall: the transaction belongs to another organization');
  const channel = await getChannel(tx, input.channel_id);
  if (!channel) throw errors.notFound('channel');
  if (channel.type !== 'voice' || !isVoiceProvider(channel.provider)) {
    throw errors.validation('The channel cannot place voice calls', [{ path: 'body.channel_id', message: 'a voice channel (twilio, plivo or exotel) is needed' }]);
  }
  if (!channel.phone_number || Object.keys(channel.credentials).length === 0) {
    throw errors.unprocessable('The channel has no number or no credentials to call from');
  }
  const parsed = input.to.startsWith('+') ? parsePhoneNumberFromString(input.to) : undefined;
  if (!parsed?.isPossible()) throw errors.validation('The number to call is invalid', [{ path: 'body.to', message: 'must be an E.164 number, e.g. +14155550100' }]);
  const target = input.agent_id !== undefined || input.flow_id !== undefined ? input : { agent_id: channel.agent_id ?? undefined, flow_id: channel.agent_id ? undefined : (channel.flow_id ?? undefined) };
  const ctx = await loadSessionContext(tx, { agent_id: target.agent_id, flow_id: target.flow_id, channel: 'voice', mode: 'live' });
  const callId = randomUUID();
  await createCall(tx, {
    id: callId,
    agent_id: ctx.agent_id,
    flow_id: ctx.flow?.id ?? null,
    channel: 'voice',
    channel_id: channel.id,
    campaign_id: input.campaign_id ?? null,
    mode: 'live',
    direction: 'outbound',
    from_number: channel.phone_number,
    to_number: parsed.number,
    state: {},
    context: ctx as unknown as Record<string, unknown>,
    variables: input.variables ?? {},
    started_at: new Date(),
  });
  return { orgId, callId, channelId: channel.id, provider: channel.provider, from: channel.phone_number, to: parsed.number };
}

/** Outside any transaction: decrypts the channel credential just for this request, places the call at the provider (answer URL = the channel's voice webhook with the call id, status callback URL likewise; idempotency key forwarded where the provider supports it), records the provider call id in its own transaction. A provider refusal ends the call with ended_reason 'failed' and rethrows a ProviderError. */
export async function placeOutboundCall(deps: Deps, prepared: PreparedOutboundCall, _opts: { idempotencyKey?: string } = {}): Promise<{ providerCallId: string }> {
  const scope = { orgId: prepared.orgId };
  const channel = await withOrg(deps.db, scope, (tx) => getChannel(tx, prepared.channelId));
  if (!channel || !isVoiceProvider(channel.provider)) throw errors.notFound('channel');
  const fail = () => withOrg(deps.db, scope, (tx) => endUnconnectedCall(tx, prepared.callId, 'failed'));
  // Exotel's webhook URL carries the channel's secret path token: left to the voice issue's module.
  const base = channel.provider === 'exotel' ? null : webhookUrl(deps.config, channel);
  if (!base) {
    await fail();
    throw errors.unprocessable(channel.provider === 'exotel' ? 'Outbound Exotel calls are not supported yet' : 'Outbound calls need CONVERSE_PUBLIC_URL (where the provider reaches this server)');
  }
  const url = `${base}?call_id=${prepared.callId}`;
  try {
    const creds = await decryptCredentials(deps, prepared.orgId, channel.id, channel.credentials);
    const placed = await providerClient(deps, channel.provider).placeCall(creds as never as ProviderCredentialsMap[VoiceProvider], {
      from: prepared.from,
      to: prepared.to,
      callbackUrl: url,
      statusCallbackUrl: url,
    });
    return { providerCallId: placed.providerCallId };
  } catch (err) {
    if (err instanceof ProviderError) await fail();
    throw err;
  }
}
