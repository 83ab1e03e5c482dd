/**
 * One outbound SMS/WhatsApp message through the channel's provider: recorded as `sending` first (so a
 * fast delivery receipt finds it), then the provider request with the channel's credentials decrypted
 * for that request only (no transaction open), then the provider's id and first status, or the failure.
 */
import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.js';
import { decryptCredentials, getChannel, providerClient, webhookUrl, type ChannelRow } from '../../features/channels/public.js';
import { insertOutbound, settleOutbound, type OutboundStatus } from '../../features/messaging/public.js';
import { withOrg } from '../../platform/db/with-org.js';
import { ProviderError, type ProviderCredentialsMap, type ProviderName } from '../../telephony/index.js';

/** Longest text per message: Twilio and Plivo refuse more than 1600 characters, WhatsApp 4096. */
const MAX_CHARS = { sms: 1600, whatsapp: 4096 } as const;

/** The text cut into messages the provider accepts, at line or word boundaries when possible. */
export function splitText(text: string, channel: 'sms' | 'whatsapp'): string[] {
  const max = MAX_CHARS[channel];
  const out: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const window = rest.slice(0, max);
    const cut = Math.max(window.lastIndexOf('\n'), window.lastIndexOf(' '));
    const at = cut > max / 2 ? cut : max;
    out.push(rest.slice(0, at).trim());
    rest = rest.slice(at).trim();
  }
  if (rest) out.push(rest);
  return out;
}

export interface Outgoing {
  orgId: string;
  channel: ChannelRow;
  callId: string | null;
  to: string;
  text: string;
}

const FIRST_STATUS: Record<string, OutboundStatus> = { queued: 'queued', accepted: 'queued', sent: 'sent', delivered: 'delivered' };

/** Records a message that is not sent (opted-out recipient, unsupported target), so the call shows why. */
export async function recordUnsent(deps: Deps, m: Outgoing, why: string): Promise<void> {
  const id = randomUUID();
  await withOrg(deps.db, { orgId: m.orgId }, async (tx) => {
    await insertOutbound(tx, { id, callId: m.callId, channelId: m.channel.id, provider: m.channel.provider, to: m.to, text: m.text.slice(0, 4096) });
    await settleOutbound(tx, id, { providerMessageId: null, status: 'failed', error: why });
  });
}

/** Sends one message (already split). Never throws for a provider failure: it is recorded on the message. */
export async function sendMessage(deps: Deps, m: Outgoing): Promise<OutboundStatus> {
  const provider = m.channel.provider as ProviderName;
  const id = randomUUID();
  const text = m.text.slice(0, 4096);
  await withOrg(deps.db, { orgId: m.orgId }, (tx) => insertOutbound(tx, { id, callId: m.callId, channelId: m.channel.id, provider, to: m.to, text }));
  let result: { providerMessageId: string | null; status: OutboundStatus; error: string | null };
  try {
    const creds = await decryptCredentials(deps, m.orgId, m.channel.id, m.channel.credentials);
    const client = providerClient(deps, provider);
    // Twilio and Plivo post receipts where each message says; Meta posts them to the app's webhook.
    const statusCallbackUrl = provider === 'meta' ? null : webhookUrl(deps.config, m.channel);
    const sent = await client.sendMessage(creds as never as ProviderCredentialsMap[typeof provider], {
      from: m.channel.phone_number ?? '',
      to: m.to,
      text,
      channel: m.channel.type === 'whatsapp' ? 'whatsapp' : 'sms',
      ...(statusCallbackUrl ? { statusCallbackUrl } : {}),
    });
    result = { providerMessageId: sent.providerMessageId.slice(0, 200), status: FIRST_STATUS[sent.status ?? 'queued'] ?? 'queued', error: null };
  } catch (err) {
    // ProviderError text is scrubbed of the credentials (telephony/providers/provider-error.ts); anything
    // else (a credential that does not decrypt) is reported without its message.
    const error = err instanceof ProviderError ? err.message : 'the channel credentials could not be used';
    deps.log.warn({ org: m.orgId, channel: m.channel.id, call: m.callId, status: err instanceof ProviderError ? err.status : null, code: err instanceof ProviderError ? err.code : null }, 'message not sent');
    result = { providerMessageId: null, status: 'failed', error: error.slice(0, 500) };
  }
  await withOrg(deps.db, { orgId: m.orgId }, (tx) => settleOutbound(tx, id, result));
  return result.status;
}

/** The channel as stored now (credentials may have been replaced since the thread started). */
export const loadChannel = (deps: Deps, orgId: string, channelId: string) => withOrg(deps.db, { orgId }, (tx) => getChannel(tx, channelId));
