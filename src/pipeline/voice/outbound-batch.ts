/**
 * Outbound phone calls in batches (the campaign dialer): the two steps of ./outbound.ts for many calls
 * of one target at a time, with the same checks, so a batch costs a few statements and one credential
 * decryption instead of a few of each per call.
 *
 *   withOrg(tx => prepareOutboundCalls(deps, tx, orgId, target, calls))  the call rows, one context
 *   const line = await openOutboundLine(deps, batch)                       the credential, decrypted once
 *   line.place(call) for each call, concurrently                           one provider request each
 *   withOrg(tx => recordPlacements(deps, tx, placements))                  provider ids, failures
 *
 * The line holds the decrypted credential in memory for this batch only: it is opened after the
 * preparing transaction committed (never inside one) and is dropped with the batch, never cached.
 *
 * Idempotency: the calls of a batch were created by the caller for this batch, which places each of
 * them at most once (the dialer commits an attempt per call before the line opens), so there is no
 * provider call id to look up first, unlike placeOutboundCall's retried dial.
 */
import type { Deps } from '../../deps.js';
import { setProviderCallIds } from '../../features/calls/store.js';
import { decryptCredentials, getChannel, providerClient, type ChannelRow } from '../../features/channels/public.js';
import { listedOnDnc } from '../../features/dnc/public.js';
import type { Tx } from '../../platform/db/types.js';
import { errors } from '../../platform/errors.js';
import { ProviderError, type ProviderCredentialsMap } from '../../telephony/index.js';
import { sessionRuntime } from '../index.js';
import { callRequest, callTarget, E164, usableVoiceChannel, voiceWebhook, type OutboundCallInput, type PreparedOutboundCall, type VoiceProvider } from './outbound.js';

/** What the calls of a batch share: who answers, the line they go out on, their campaign. */
export type OutboundBatchTarget = Pick<OutboundCallInput, 'agent_id' | 'flow_id' | 'channel_id' | 'campaign_id'>;

export interface PreparedOutboundBatch {
  orgId: string;
  /** The line as read in the preparing transaction (credentials still encrypted). */
  channel: ChannelRow & { provider: VoiceProvider; phone_number: string };
  /** In the order of the `calls` given. */
  calls: PreparedOutboundCall[];
}

/**
 * prepareOutboundCall for many numbers at once, inside the caller's org transaction: the same checks
 * (the channel is this org's usable voice line, every number E.164 and off the do-not-contact list,
 * one of agent or flow), all before anything is written, so a batch is prepared whole or not at all.
 */
export async function prepareOutboundCalls(
  deps: Deps,
  tx: Tx,
  orgId: string,
  target: OutboundBatchTarget,
  calls: ReadonlyArray<{ to: string; variables?: Record<string, unknown> | undefined }>,
): Promise<PreparedOutboundBatch> {
  if (tx.orgId !== orgId) throw new Error('prepareOutboundCalls: the transaction is not the org\'s');
  const channel = usableVoiceChannel(await getChannel(tx, target.channel_id));
  if (calls.some((c) => !E164.test(c.to))) throw errors.validation('The number to call must be in E.164 form', [{ path: 'body.to', message: 'e.g. +15551234567' }]);
  if (calls.length > 0 && (await listedOnDnc(tx, calls.map((c) => c.to))).size > 0) {
    throw errors.unprocessable('The number is on the organization\'s do-not-contact list', [{ path: 'body.to', message: 'on the do-not-contact list' }]);
  }
  const ids = await sessionRuntime(deps).prepareMany(
    tx,
    { ...callTarget(target, channel), channel: 'voice', channel_id: channel.id, direction: 'outbound', from_number: channel.phone_number, campaign_id: target.campaign_id ?? null },
    calls.map((c) => ({ to_number: c.to, variables: c.variables ?? {} })),
  );
  return { orgId, channel, calls: ids.map((callId, i) => ({ orgId, callId, channelId: channel.id, provider: channel.provider, from: channel.phone_number, to: calls[i]!.to })) };
}

export interface OutboundLine {
  /** One provider request (network; never inside a transaction). Rejects with a ProviderError. */
  place(call: PreparedOutboundCall): Promise<{ providerCallId: string }>;
}

/**
 * Outside any transaction, right before the requests: the batch's channel credential decrypted once,
 * and its webhook base. Rejects (ProviderError) when the line cannot be used at all.
 */
export async function openOutboundLine(deps: Deps, batch: PreparedOutboundBatch): Promise<OutboundLine> {
  const { orgId, channel } = batch;
  const notPlaced = (err: unknown) => (err instanceof ProviderError ? err : new ProviderError(channel.provider, 0, `${channel.provider}: the call could not be placed`, 'not_placed'));
  try {
    const base = await voiceWebhook(deps, orgId, channel);
    const creds = (await decryptCredentials(deps, orgId, channel.id, channel.credentials)) as never as ProviderCredentialsMap[typeof channel.provider];
    const client = providerClient(deps, channel.provider);
    return {
      place: (call) => client.placeCall(creds, callRequest(call, base)).then((r) => ({ providerCallId: r.providerCallId }), (err: unknown) => Promise.reject(notPlaced(err))),
    };
  } catch (err) {
    throw notPlaced(err);
  }
}

export type Placement = { call: PreparedOutboundCall; providerCallId: string } | { call: PreparedOutboundCall; error: unknown };

/**
 * Inside the org's transaction, after the requests: the provider's ids of the calls it took (one
 * statement); a call it refused is ended with ended_reason 'failed', as placeOutboundCall does.
 */
export async function recordPlacements(deps: Deps, tx: Tx, placements: readonly Placement[]): Promise<void> {
  await setProviderCallIds(tx, placements.flatMap((p) => ('providerCallId' in p ? [{ callId: p.call.callId, providerCallId: p.providerCallId }] : [])));
  for (const p of placements) if ('error' in p) await sessionRuntime(deps).endUnanswered(tx, p.call.callId, 'failed');
}
