import type { ExotelCredentials } from './credentials.js';
import { credentialValues } from './provider-error.js';
import { asRecord, asString, checkCallbackUrl, missingField, providerRequest, toE164, trimBase } from './http.js';
import type { AccountInfo, ProviderClient, ProviderClientOptions, PlaceCallInput, SendMessageInput } from './types.js';

export const EXOTEL_DEFAULT_HOST = 'api.exotel.com';

/** Exotel error bodies: `{RestException: {Status, Code?, Message}}`. */
const describeError = (body: unknown) => {
  const ex = asRecord(asRecord(body).RestException);
  return { code: ex.Code, message: ex.Message };
};

/**
 * Exotel API v1 with Basic auth (api key : api token) on the account's regional host (`subdomain`).
 * Calls use "Calls/connect": Exotel first dials `From` (the callee) and, once answered, runs the flow
 * at `Url` with our ExoPhone as `CallerId`. Exotel's callbacks are unsigned: see signatures/exotel.ts.
 */
export function createExotelClient(opts: ProviderClientOptions = {}): ProviderClient<'exotel'> {
  const fetchFn = opts.fetch ?? fetch;

  function call(creds: ExotelCredentials, method: 'GET' | 'POST', path: string, form?: Array<[string, string]>) {
    const base = trimBase(opts.baseUrl ?? `https://${creds.subdomain ?? EXOTEL_DEFAULT_HOST}`);
    return providerRequest({
      provider: 'exotel',
      fetch: fetchFn,
      method,
      url: `${base}/v1/Accounts/${encodeURIComponent(creds.account_sid)}${path}`,
      auth: { basic: [creds.api_key, creds.api_token] },
      ...(form ? { form } : {}),
      secrets: credentialValues(creds),
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
      describeError,
    });
  }

  return {
    provider: 'exotel',
    capabilities: { voice: true, messaging: true },

    async verifyCredentials(creds): Promise<AccountInfo> {
      const account = asRecord(asRecord(await call(creds, 'GET', '')).Account);
      const name = asString(account.FriendlyName);
      const status = asString(account.Status);
      return { accountId: creds.account_sid, ...(name ? { name } : {}), ...(status ? { status } : {}) };
    },

    async placeCall(creds, input: PlaceCallInput) {
      const form: Array<[string, string]> = [
        ['From', toE164('exotel', input.to)],
        ['CallerId', toE164('exotel', input.from)],
        ['Url', checkCallbackUrl('exotel', input.callbackUrl)],
        ['CallType', 'trans'],
      ];
      if (input.statusCallbackUrl) form.push(['StatusCallback', checkCallbackUrl('exotel', input.statusCallbackUrl)]);
      if (input.ringTimeoutSec) form.push(['TimeOut', String(Math.round(input.ringTimeoutSec))]);
      const callObj = asRecord(asRecord(await call(creds, 'POST', '/Calls/connect.json', form)).Call);
      const sid = asString(callObj.Sid);
      if (!sid) throw missingField('exotel', 'Call.Sid');
      const status = asString(callObj.Status);
      return { providerCallId: sid, ...(status ? { status } : {}) };
    },

    async sendMessage(creds, input: SendMessageInput) {
      const form: Array<[string, string]> = [
        ['From', toE164('exotel', input.from)],
        ['To', toE164('exotel', input.to)],
        ['Body', input.text],
      ];
      if (input.statusCallbackUrl) form.push(['StatusCallback', checkCallbackUrl('exotel', input.statusCallbackUrl)]);
      const sms = asRecord(asRecord(await call(creds, 'POST', '/Sms/send.json', form)).SMSMessage);
      const sid = asString(sms.Sid);
      if (!sid) throw missingField('exotel', 'SMSMessage.Sid');
      const status = asString(sms.Status);
      return { providerMessageId: sid, ...(status ? { status } : {}) };
    },
  };
}
