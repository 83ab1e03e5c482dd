/**
 * The session's `transfer` on a phone call, as each provider allows it (docs/voice.md "Transfer"):
 *
 * - Twilio: the live call is updated with TwiML that dials the number; its media stream ends with it.
 * - Plivo: "transfer a call" points the live call at `aleg_url` (the channel's voice webhook with
 *   `?call_id=…&event=transfer`, signed by Plivo when it fetches it), which Converse answers with
 *   `<Dial><Number>` for the number the session recorded (./hook.ts).
 * - Exotel: no API moves a call that is in a Voicebot applet. The stream is closed, Exotel continues
 *   the flow, and its next applets (a Passthru, then a Connect with a dynamic URL) ask Converse for
 *   the number the session recorded.
 *
 * The channel's credentials are decrypted just for the request, outside any transaction.
 */
import type { Deps } from '../../deps.js';
import { readProviderCallId } from '../../features/calls/store.js';
import { decryptCredentials, getChannel, providerClient } from '../../features/channels/public.js';
import { withOrg } from '../../platform/db/with-org.js';
import type { ProviderCredentialsMap } from '../../telephony/index.js';
import { voiceWebhook } from './outbound.js';
import type { TransferOutcome } from './transport.js';

const E164 = /^\+[1-9]\d{6,14}$/;

/** `?event=` of a provider's request for a transferred call's instructions (Plivo's aleg_url, Exotel's Connect applet). */
export const TRANSFER_EVENT = 'transfer';
/** `?event=` of Exotel's Passthru applet asking whether the call was transferred (its own value: Exotel's replay key tells the two requests apart by it). */
export const TRANSFER_CHECK_EVENT = 'transfer_check';

export async function transferCall(deps: Deps, scope: { orgId: string }, ids: { channelId: string; callId: string }, to: string | undefined): Promise<TransferOutcome> {
  if (!to || !E164.test(to)) return 'none';
  const { channel, providerCallId } = await withOrg(deps.db, scope, async (tx) => ({ channel: await getChannel(tx, ids.channelId), providerCallId: await readProviderCallId(tx, ids.callId) }));
  if (!channel || !providerCallId || (channel.provider !== 'twilio' && channel.provider !== 'plivo' && channel.provider !== 'exotel')) return 'none';
  if (channel.provider === 'exotel') return 'hand_back';
  const client = providerClient(deps, channel.provider);
  if (!client.transferCall) return 'none';
  const instructionsUrl = `${await voiceWebhook(deps, scope.orgId, { ...channel, provider: channel.provider })}?call_id=${ids.callId}&event=${TRANSFER_EVENT}`;
  const creds = await decryptCredentials(deps, scope.orgId, channel.id, channel.credentials);
  await client.transferCall(creds as never as ProviderCredentialsMap[typeof channel.provider], { providerCallId, to, instructionsUrl });
  return 'moved';
}
