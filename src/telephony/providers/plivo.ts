import type { PlivoCredentials } from './credentials.js';
import { credentialValues } from './provider-error.js';
import { asRecord, asString, checkCallbackUrl, missingField, providerRequest, toE164, trimBase } from './http.js';
import type { AccountInfo, ProviderClient, ProviderClientOptions, PlaceCallInput, SendMessageInput } from './types.js';

export const PLIVO_API_BASE = 'https://api.plivo.com';

/** Plivo error bodies: `{api_id, error}` where error is a string or an object of field messages. */
const describeError = (body: unknown) => {
  const error = asRecord(body).error;
  return { message: typeof error === 'string' ? error : error === undefined ? undefined : JSON.stringify(error) };
};

/** Plivo takes numbers with the country code and no "+". */
const plivoNumber = (raw: string) => toE164('plivo', raw).slice(1);

/**
 * Plivo REST API v1 with Basic auth (auth id : auth token). Paths end in "/" as Plivo requires.
 * @example await createPlivoClient().placeCall(creds, { from, to, callbackUrl })
 */
export function createPlivoClient(opts: ProviderClientOptions = {}): ProviderClient<'plivo'> {
  const base = trimBase(opts.baseUrl ?? PLIVO_API_BASE);
  const fetchFn = opts.fetch ?? fetch;

  function call(creds: PlivoCredentials, method: 'GET' | 'POST', path: string, json?: unknown) {
    return providerRequest({
      provider: 'plivo',
      fetch: fetchFn,
      method,
      url: `${base}/v1/Account/${encodeURIComponent(creds.auth_id)}/${path}`,
      auth: { basic: [creds.auth_id, creds.auth_token] },
      ...(json !== undefined ? { json } : {}),
      secrets: credentialValues(creds),
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
      describeError,
    });
  }

  return {
    provider: 'plivo',
    capabilities: { voice: true, messaging: true },

    async verifyCredentials(creds): Promise<AccountInfo> {
      const body = asRecord(await call(creds, 'GET', ''));
      const name = asString(body.name);
      const status = asString(body.account_type);
      return { accountId: creds.auth_id, ...(name ? { name } : {}), ...(status ? { status } : {}) };
    },

    async placeCall(creds, input: PlaceCallInput) {
      const request: Record<string, unknown> = {
        from: plivoNumber(input.from),
        to: plivoNumber(input.to),
        answer_url: checkCallbackUrl('plivo', input.callbackUrl),
        answer_method: 'POST',
      };
      if (input.statusCallbackUrl) {
        request.hangup_url = checkCallbackUrl('plivo', input.statusCallbackUrl);
        request.hangup_method = 'POST';
      }
      if (input.ringTimeoutSec) request.ring_timeout = Math.round(input.ringTimeoutSec);
      if (input.machineDetection) request.machine_detection = 'true';
      const body = asRecord(await call(creds, 'POST', 'Call/', request));
      const id = asString(body.request_uuid);
      if (!id) throw missingField('plivo', 'request_uuid');
      return { providerCallId: id, status: 'queued' };
    },

    /**
     * Plivo's "transfer a call": the live call (its A leg) leaves our stream and runs the XML Plivo
     * fetches from `aleg_url` (Converse answers it with `<Dial><Number>`). Plivo answers 202.
     */
    async transferCall(creds, input) {
      const request = { legs: 'aleg', aleg_url: checkCallbackUrl('plivo', input.instructionsUrl), aleg_method: 'POST' };
      await call(creds, 'POST', `Call/${encodeURIComponent(input.providerCallId)}/`, request);
    },

    async sendMessage(creds, input: SendMessageInput) {
      const request: Record<string, unknown> = { src: plivoNumber(input.from), dst: plivoNumber(input.to), text: input.text };
      if (input.statusCallbackUrl) {
        request.url = checkCallbackUrl('plivo', input.statusCallbackUrl);
        request.method = 'POST';
      }
      const body = asRecord(await call(creds, 'POST', 'Message/', request));
      const ids = body.message_uuid;
      const id = Array.isArray(ids) ? asString(ids[0]) : undefined;
      if (!id) throw missingField('plivo', 'message_uuid');
      return { providerMessageId: id, status: 'queued' };
    },
  };
}
