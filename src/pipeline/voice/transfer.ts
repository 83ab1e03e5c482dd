/**
 * The session's `transfer` on a phone call: the provider's own transfer (Twilio: the live call gets new
 * TwiML that dials the number; the media stream ends with it). The channel's credentials are decrypted
 * just for the request, outside any transaction. Providers without a transfer API answer false, and the
 * call then simply ends after the agent's last words.
 */
import type { Deps } from '../../deps.js';
import { readProviderCallId } from '../../features/calls/store.js';
import { decryptCredentials, getChannel, providerClient } from '../../features/channels/public.js';
import { withOrg } from '../../platform/db/with-org.js';
import type { ProviderCredentialsMap } from '../../telephony/index.js';

const E164 = /^\+[1-9]\d{6,14}$/;

export async function transferCall(deps: Deps, scope: { orgId: string }, ids: { channelId: string; callId: string }, to: string | undefined): Promise<boolean> {
  if (!to || !E164.test(to)) return false;
  const { channel, providerCallId } = await withOrg(deps.db, scope, async (tx) => ({ channel: await getChannel(tx, ids.channelId), providerCallId: await readProviderCallId(tx, ids.callId) }));
  if (!channel || !providerCallId || (channel.provider !== 'twilio' && channel.provider !== 'plivo' && channel.provider !== 'exotel')) return false;
  const client = providerClient(deps, channel.provider);
  if (!client.transferCall) return false;
  const creds = await decryptCredentials(deps, scope.orgId, channel.id, channel.credentials);
  await client.transferCall(creds as never as ProviderCredentialsMap[typeof channel.provider], { providerCallId, to });
  return true;
}
