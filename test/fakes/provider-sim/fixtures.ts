import type { ExotelCredentials, MetaCredentials, PlivoCredentials, TwilioCredentials } from '../../../src/telephony/providers/index.js';

/**
 * Sample credentials. Secrets are distinctive canary strings so tests can assert they never appear in
 * errors, logs or responses.
 */
export const twilioCreds: TwilioCredentials = { account_sid: `AC${'0123456789abcdef'.repeat(2)}`, auth_token: 'canaryTwilioAuthToken0001' };
export const plivoCreds: PlivoCredentials = { auth_id: 'MAZDQ1ZDU2ZTQ2NJK9RW', auth_token: 'canaryPlivoAuthToken0002' };
export const exotelCreds: ExotelCredentials = {
  account_sid: 'converse-sim1',
  api_key: 'canaryExotelApiKey0003',
  api_token: 'canaryExotelApiToken0004',
  subdomain: 'api.in.exotel.com',
};
export const metaCreds: MetaCredentials = {
  access_token: 'EAAcanaryMetaAccessToken0005',
  phone_number_id: '106540352242922',
  app_secret: 'canaryMetaAppSecret0006',
  verify_token: 'canaryMetaVerifyToken0007',
};

export const allSecrets = [
  twilioCreds.auth_token,
  plivoCreds.auth_token,
  exotelCreds.api_key,
  exotelCreds.api_token,
  metaCreds.access_token,
  metaCreds.app_secret,
  metaCreds.verify_token,
];

export const simAccounts = { twilio: [twilioCreds], plivo: [plivoCreds], exotel: [exotelCreds], meta: [metaCreds] };

/** Numbers in ranges reserved for fiction/testing where possible. */
export const OUR_NUMBER = '+14155550100';
export const CALLEE = '+919876543210';

/** The secrets (from `allSecrets`) that appear in `text`; tests expect this to be empty. */
export function leakedSecrets(text: string): string[] {
  return allSecrets.filter((s) => text.includes(s) || text.includes(encodeURIComponent(s)) || text.includes(Buffer.from(s).toString('base64')));
}

/** Everything an error exposes that might end up in a log or response. */
export function errorSurface(err: unknown): string {
  const e = err as Error;
  return [e.message, e.stack ?? '', JSON.stringify(e), String(e), JSON.stringify((e as { cause?: unknown }).cause ?? null)].join('\n');
}
