import type { TwilioCredentials } from './credentials.js';
import { credentialValues } from './provider-error.js';
import { asRecord, asString, checkCallbackUrl, missingField, providerRequest, toE164, trimBase } from './http.js';
import type { AccountInfo, ProviderClient, ProviderClientOptions, PlaceCallInput, SendMessageInput } from './types.js';

export const TWILIO_API_BASE = 'https://api.twilio.com';

/** Twilio error bodies: `{code, message, more_info, status}`. */
const describeError = (body: unknown) => ({ code: asRecord(body).code, message: asRecord(body).message });

/**
 * Twilio REST API 2010-04-01 with Basic auth (account sid : auth token).
 * @example await createTwilioClient({ baseUrl: sim.baseUrls.twilio }).verifyCredentials(creds)
 */
export function createTwilioClient(opts: ProviderClientOptions = {}): ProviderClient<'twilio'> {
  const base = trimBase(opts.baseUrl ?? TWILIO_API_BASE);
  const fetchFn = opts.fetch ?? fetch;

  function call(creds: TwilioCredentials, method: 'GET' | 'POST', path: string, form?: Array<[string, string]>) {
    const account = encodeURIComponent(creds.account_sid);
    return providerRequest({
      provider: 'twilio',
      fetch: fetchFn,
      method,
      url: `${base}/2010-04-01/Accounts/${account}${path}`,
      auth: { basic: [creds.account_sid, creds.auth_token] },
      ...(form ? { form } : {}),
      secrets: credentialValues(creds),
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
      describeError,
    });
  }

  return {
    provider: 'twilio',
    capabilities: { voice: true, messaging: true },

    async verifyCredentials(creds): Promise<AccountInfo> {
      const body = asRecord(await call(creds, 'GET', '.json'));
      const name = asString(body.friendly_name);
      const status = asString(body.status);
      return { accountId: creds.account_sid, ...(name ? { name } : {}), ...(status ? { status } : {}) };
    },

    async placeCall(creds, input: PlaceCallInput) {
      const form: Array<[string, string]> = [
        ['To', toE164('twilio', input.to)],
        ['From', toE164('twilio', input.from)],
        ['Url', checkCallbackUrl('twilio', input.callbackUrl)],
        ['Method', 'POST'],
      ];
      if (input.statusCallbackUrl) {
        form.push(['StatusCallback', checkCallbackUrl('twilio', input.statusCallbackUrl)], ['StatusCallbackMethod', 'POST']);
        for (const event of ['initiated', 'ringing', 'answered', 'completed']) form.push(['StatusCallbackEvent', event]);
      }
      if (input.ringTimeoutSec) form.push(['Timeout', String(Math.round(input.ringTimeoutSec))]);
      if (input.machineDetection) form.push(['MachineDetection', 'Enable']);
      const body = asRecord(await call(creds, 'POST', '/Calls.json', form));
      const sid = asString(body.sid);
      if (!sid) throw missingField('twilio', 'sid');
      const status = asString(body.status);
      return { providerCallId: sid, ...(status ? { status } : {}) };
    },

    /** Twilio's "update a call" with new TwiML: the caller leaves our media stream and is dialled through. */
    async transferCall(creds, input) {
      const twiml = `<Response><Dial>${toE164('twilio', input.to)}</Dial></Response>`;
      await call(creds, 'POST', `/Calls/${encodeURIComponent(input.providerCallId)}.json`, [['Twiml', twiml]]);
    },

    async sendMessage(creds, input: SendMessageInput) {
      const address = (n: string) => `${input.channel === 'whatsapp' ? 'whatsapp:' : ''}${toE164('twilio', n)}`;
      const form: Array<[string, string]> = [
        ['To', address(input.to)],
        ['From', address(input.from)],
        ['Body', input.text],
      ];
      if (input.statusCallbackUrl) form.push(['StatusCallback', checkCallbackUrl('twilio', input.statusCallbackUrl)]);
      const body = asRecord(await call(creds, 'POST', '/Messages.json', form));
      const sid = asString(body.sid);
      if (!sid) throw missingField('twilio', 'sid');
      const status = asString(body.status);
      return { providerMessageId: sid, ...(status ? { status } : {}) };
    },
  };
}
