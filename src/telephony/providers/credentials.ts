import { z } from 'zod';
import type { ProviderName } from './types.js';

/*
 * Credential shapes per provider, as written to `channels.credentials` (write-only, stored encrypted).
 * Formats are checked loosely where the provider does not document a fixed one, strictly where a value
 * decides where we send requests (Exotel's API host) so credentials cannot be pointed at another host.
 */
const secret = (max = 512) => z.string().min(8).max(max);

export const TwilioCredentials = z.strictObject({
  account_sid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be a Twilio Account SID (AC + 32 hex)'),
  auth_token: secret(128),
});
export type TwilioCredentials = z.infer<typeof TwilioCredentials>;

export const PlivoCredentials = z.strictObject({
  auth_id: z.string().regex(/^[A-Za-z0-9]{10,64}$/, 'must be a Plivo Auth ID'),
  auth_token: secret(128),
});
export type PlivoCredentials = z.infer<typeof PlivoCredentials>;

export const ExotelCredentials = z.strictObject({
  account_sid: z.string().regex(/^[A-Za-z0-9_-]{2,64}$/, 'must be an Exotel account SID'),
  api_key: z.string().min(4).max(256),
  api_token: secret(256),
  /** The regional API host, e.g. api.exotel.com (Singapore) or api.in.exotel.com (Mumbai). */
  subdomain: z
    .string()
    .regex(/^([a-z0-9-]+\.)+exotel\.(com|in)$/, 'must be an Exotel API host such as api.in.exotel.com')
    .optional(),
});
export type ExotelCredentials = z.infer<typeof ExotelCredentials>;

export const MetaCredentials = z.strictObject({
  access_token: secret(1024),
  phone_number_id: z.string().regex(/^\d{5,32}$/, 'must be a WhatsApp phone number id'),
  app_secret: secret(256),
  verify_token: secret(256),
});
export type MetaCredentials = z.infer<typeof MetaCredentials>;

export const providerCredentialSchemas = {
  twilio: TwilioCredentials,
  plivo: PlivoCredentials,
  exotel: ExotelCredentials,
  meta: MetaCredentials,
} as const;

const HINT_FIELD: Record<ProviderName, string> = {
  twilio: 'account_sid',
  plivo: 'auth_id',
  exotel: 'account_sid',
  meta: 'phone_number_id',
};

/**
 * A non-secret hint for API responses: the last 4 characters of the provider's account identifier
 * (never of a token or secret), e.g. `...f00d`. Returns `undefined` when the identifier is missing.
 */
export function credentialHint(provider: ProviderName, creds: Readonly<Record<string, unknown>>): string | undefined {
  const id = creds[HINT_FIELD[provider]];
  if (typeof id !== 'string' || id.length < 4) return undefined;
  return `...${id.slice(-4)}`;
}
