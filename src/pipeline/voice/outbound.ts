/**
 * Outbound phone calls ("Dial now", POST /calls; the campaign dialer): in two steps, so no network or
 * vault call ever runs inside a transaction.
 *
 *   withOrg(tx => prepareOutboundCall(deps, tx, orgId, input))   the call row, context frozen
 *   placeOutboundCall(deps, prepared, { idempotencyKey })        the provider places it
 *
 * The provider fetches the answer URL (the channel's voice webhook with `?call_id=`) when the callee
 * picks up: that request attaches to this row (./hook.ts) and opens the media stream. Status callbacks
 * (`?call_id=…&event=status`) end a call nobody answered with no_answer, busy, failed or voicemail.
 */
import type { Deps } from '../../deps.js';
import { readCallState, readProviderCallId, setProviderCallId } from '../../features/calls/store.js';
import { decryptCredentials, decryptField, EXOTEL_TOKEN_FIELD, getChannel, providerClient, publicBase, webhookUrl, type ChannelRow } from '../../features/channels/public.js';
import { isOnDnc } from '../../features/dnc/public.js';
import { withOrg } from '../../platform/db/with-org.js';
import type { Tx } from '../../platform/db/types.js';
import { errors } from '../../platform/errors.js';
import { ProviderError, type ProviderCredentialsMap } from '../../telephony/index.js';
import { sessionRuntime } from '../index.js';

export interface OutboundCallInput {
  agent_id?: string | undefined;
  flow_id?: string | undefined;
  channel_id: string;
  to: string;
  variables?: Record<string, unknown> | undefined;
  campaign_id?: string | null | undefined;
}

export interface PreparedOutboundCall {
  orgId: string;
  callId: string;
  channelId: string;
  provider: string;
  from: string;
  to: string;
}

export type VoiceProvider = 'twilio' | 'plivo' | 'exotel';
const VOICE_PROVIDERS: readonly string[] = ['twilio', 'plivo', 'exotel'];
export const E164 = /^\+[1-9]\d{6,14}$/;
/** Seconds the callee's phone rings before the provider gives up (no_answer). */
const RING_TIMEOUT_SEC = 30;

export function usableVoiceChannel(channel: ChannelRow | null): ChannelRow & { provider: VoiceProvider; phone_number: string } {
  if (!channel) throw errors.notFound('channel');
  if (channel.type !== 'voice' || !VOICE_PROVIDERS.includes(channel.provider)) {
    throw errors.validation('The channel cannot place phone calls', [{ path: 'body.channel_id', message: 'must be a voice channel (twilio, plivo or exotel)' }]);
  }
  if (!channel.phone_number || Object.keys(channel.credentials).length === 0) {
    throw errors.unprocessable('The channel has no phone number or no credentials to place calls with');
  }
  return channel as ChannelRow & { provider: VoiceProvider; phone_number: string };
}

/**
 * Inside the caller's org transaction (withOrg tx): checks the channel is this org's, voice-capable and
 * usable, freezes the session context, inserts the call row (direction 'outbound', channel 'voice',
 * campaign_id). No network, no vault. Throws the API's not-found/validation errors.
 */
export async function prepareOutboundCall(deps: Deps, tx: Tx, orgId: string, input: OutboundCallInput): Promise<PreparedOutboundCall> {
  if (tx.orgId !== orgId) throw new Error('prepareOutboundCall: the transaction is not the org\'s');
  const channel = usableVoiceChannel(await getChannel(tx, input.channel_id));
  if (!E164.test(input.to)) throw errors.validation('The number to call must be in E.164 form', [{ path: 'body.to', message: 'e.g. +15551234567' }]);
  if (await isOnDnc(tx, input.to)) throw errors.unprocessable('The number is on the organization\'s do-not-contact list', [{ path: 'body.to', message: 'on the do-not-contact list' }]);
  const target = callTarget(input, channel);
  const { id } = await sessionRuntime(deps).prepare(tx, {
    ...target, variables: input.variables, channel: 'voice', channel_id: channel.id, direction: 'outbound',
    from_number: channel.phone_number, to_number: input.to, campaign_id: input.campaign_id ?? null,
  });
  return { orgId, callId: id, channelId: channel.id, provider: channel.provider, from: channel.phone_number, to: input.to };
}

/** Who answers: the agent or flow given (exactly one), else the channel's own. */
export function callTarget(input: Pick<OutboundCallInput, 'agent_id' | 'flow_id'>, channel: ChannelRow): { agent_id: string } | { flow_id: string } {
  if (input.agent_id !== undefined && input.flow_id !== undefined) throw errors.validation('Give exactly one of agent_id or flow_id');
  const target = input.agent_id !== undefined ? { agent_id: input.agent_id } : input.flow_id !== undefined ? { flow_id: input.flow_id }
    : channel.agent_id ? { agent_id: channel.agent_id } : channel.flow_id ? { flow_id: channel.flow_id } : null;
  if (!target) throw errors.validation('Give agent_id or flow_id (the channel has neither)');
  return target;
}

/** The provider request for a prepared call: answer and status callback URLs under the channel's voice webhook `base`. */
export function callRequest(prepared: PreparedOutboundCall, base: string) {
  const url = (extra: string) => `${base}?call_id=${prepared.callId}${extra}`;
  return { from: prepared.from, to: prepared.to, callbackUrl: url(''), statusCallbackUrl: url('&event=status'), ringTimeoutSec: RING_TIMEOUT_SEC, machineDetection: true };
}

/**
 * Outside any transaction: decrypts the channel credential just for this request, places the call at
 * the provider (answer URL = the channel's voice webhook with the call id, status callback URL
 * likewise), records the provider call id in its own transaction. A provider refusal ends the call with
 * ended_reason 'failed' and rethrows a ProviderError.
 *
 * Idempotency: none of Twilio's, Plivo's or Exotel's call APIs takes an idempotency key, so the key is
 * honoured here: a call that already has a provider call id is not placed again (a retried dial).
 */
export async function placeOutboundCall(deps: Deps, prepared: PreparedOutboundCall, opts: { idempotencyKey?: string } = {}): Promise<{ providerCallId: string }> {
  const scope = { orgId: prepared.orgId };
  const { channel, placed } = await withOrg(deps.db, scope, async (tx) => {
    const call = await readCallState(tx, prepared.callId);
    if (!call || call.channel_id !== prepared.channelId) throw errors.notFound('call');
    return { channel: usableVoiceChannel(await getChannel(tx, prepared.channelId)), placed: opts.idempotencyKey ? await readProviderCallId(tx, prepared.callId) : null };
  });
  if (placed) return { providerCallId: placed };
  try {
    const base = await voiceWebhook(deps, prepared.orgId, channel);
    const creds = await decryptCredentials(deps, prepared.orgId, channel.id, channel.credentials);
    const client = providerClient(deps, channel.provider);
    const result = await client.placeCall(creds as never as ProviderCredentialsMap[typeof channel.provider], callRequest(prepared, base));
    await withOrg(deps.db, scope, (tx) => setProviderCallId(tx, prepared.callId, result.providerCallId));
    return { providerCallId: result.providerCallId };
  } catch (err) {
    await withOrg(deps.db, scope, (tx) => sessionRuntime(deps).endUnanswered(tx, prepared.callId, 'failed')).catch((e: unknown) =>
      deps.log.error({ err: e, call: prepared.callId }, 'outbound call: could not record the failure'),
    );
    if (err instanceof ProviderError) throw err;
    throw new ProviderError(prepared.provider as VoiceProvider, 0, `${prepared.provider}: the call could not be placed`, 'not_placed');
  }
}

/** The channel's voice webhook; Exotel's carries the channel's secret path token (decrypted here). */
export async function voiceWebhook(deps: Deps, orgId: string, channel: ChannelRow & { provider: VoiceProvider }): Promise<string> {
  if (!publicBase(deps.config)) throw new ProviderError(channel.provider, 0, 'CONVERSE_PUBLIC_URL is not set: providers cannot reach the answer URL', 'no_public_url');
  const token = channel.provider === 'exotel' ? await decryptField(deps, orgId, channel.id, channel.credentials, EXOTEL_TOKEN_FIELD) : undefined;
  return webhookUrl(deps.config, channel, token)!;
}
