import type { MetaCredentials } from './credentials.js';
import { ProviderError, credentialValues } from './provider-error.js';
import { asRecord, asString, missingField, providerRequest, toE164, trimBase } from './http.js';
import type { AccountInfo, ProviderClient, ProviderClientOptions, SendMessageInput } from './types.js';

/** Graph API origin plus version; override `baseUrl` to pin another version or point at a simulator. */
export const META_GRAPH_BASE = 'https://graph.facebook.com/v21.0';

/** Graph API error bodies: `{error: {message, type, code, error_subcode, fbtrace_id}}`. */
const describeError = (body: unknown) => {
  const error = asRecord(asRecord(body).error);
  return { code: error.code, message: error.message };
};

/**
 * WhatsApp Cloud API (Graph API) with a Bearer access token. Text messages only; outbound voice calls
 * are not supported through this adapter (WhatsApp calling needs a WebRTC/SDP session).
 */
export function createMetaClient(opts: ProviderClientOptions = {}): ProviderClient<'meta'> {
  const base = trimBase(opts.baseUrl ?? META_GRAPH_BASE);
  const fetchFn = opts.fetch ?? fetch;

  function call(creds: MetaCredentials, method: 'GET' | 'POST', path: string, json?: unknown) {
    return providerRequest({
      provider: 'meta',
      fetch: fetchFn,
      method,
      url: `${base}/${encodeURIComponent(creds.phone_number_id)}${path}`,
      auth: { bearer: creds.access_token },
      ...(json !== undefined ? { json } : {}),
      secrets: credentialValues(creds),
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
      describeError,
    });
  }

  return {
    provider: 'meta',
    capabilities: { voice: false, messaging: true },

    async verifyCredentials(creds): Promise<AccountInfo> {
      const body = asRecord(await call(creds, 'GET', '?fields=id,display_phone_number,verified_name'));
      const name = asString(body.verified_name) ?? asString(body.display_phone_number);
      return { accountId: creds.phone_number_id, ...(name ? { name } : {}) };
    },

    async placeCall() {
      throw new ProviderError('meta', 0, 'meta: outbound calls are not supported', 'unsupported_operation');
    },

    async sendMessage(creds, input: SendMessageInput) {
      const body = asRecord(
        await call(creds, 'POST', '/messages', {
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to: toE164('meta', input.to).slice(1),
          type: 'text',
          text: { preview_url: false, body: input.text },
        }),
      );
      const messages = body.messages;
      const id = Array.isArray(messages) ? asString(asRecord(messages[0]).id) : undefined;
      if (!id) throw missingField('meta', 'messages[0].id');
      return { providerMessageId: id, status: 'accepted' };
    },
  };
}
