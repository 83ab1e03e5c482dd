/**
 * Channel credentials: per-provider validation, verification against the provider, and envelope
 * encryption per field. Plaintext exists only in memory between the request and `encrypt`, and between
 * `decrypt` and the outbound call or signature check that needs it; none of this runs inside a database
 * transaction (the vault opens its own; see platform/vault/db-store.ts).
 */
import type { Deps } from '../../deps.js';
import { errors } from '../../platform/errors.js';
import {
  createExotelWebhookToken,
  createProviderClient,
  credentialHint,
  ProviderError,
  providerCredentialSchemas,
  type ProviderClient,
  type ProviderCredentialsMap,
  type ProviderName,
} from '../../telephony/index.js';
import type { EncryptedCredentials } from './repo.js';
import type { TelephonyProvider } from './schemas.js';

/** Not a user credential: the random token in Exotel's callback URL path (Exotel does not sign). */
export const EXOTEL_TOKEN_FIELD = 'webhook_token';
const aadField = (field: string) => `credentials.${field}`;

export type PlainCredentials = Record<string, string>;

/** Strict per-provider schema; details name fields and rules, never values. */
export function parseCredentials(provider: TelephonyProvider, raw: unknown): PlainCredentials {
  const parsed = providerCredentialSchemas[provider].safeParse(raw ?? {});
  if (!parsed.success) {
    throw errors.validation(
      `The credentials are not valid ${provider} credentials`,
      parsed.error.issues.map((i) => ({ path: ['body', 'credentials', ...i.path.map(String)].join('.'), message: i.message })),
    );
  }
  return parsed.data as PlainCredentials;
}

export const hintFor = (provider: TelephonyProvider, creds: PlainCredentials): string | null => credentialHint(provider, creds) ?? null;

// Provider hosts are public in production; tests and local simulators need
// CONVERSE_ALLOW_PRIVATE_NETWORK plus CONVERSE_PROVIDER_BASE_URLS.
export function providerClient<P extends ProviderName>(deps: Deps, provider: P): ProviderClient<P> {
  const baseUrl = deps.config.providerBaseUrls[provider];
  return createProviderClient(provider, { fetch: deps.safeFetch, ...(baseUrl ? { baseUrl } : {}) });
}

/**
 * One cheap authenticated lookup at the provider (network: never inside a transaction). A rejection is
 * a 422 with fixed text: provider error bodies can echo the credentials, so none of their text is used.
 */
export async function verifyCredentials(deps: Deps, provider: TelephonyProvider, creds: PlainCredentials): Promise<void> {
  try {
    await providerClient(deps, provider).verifyCredentials(creds as never as ProviderCredentialsMap[typeof provider]);
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    deps.log.info({ provider, status: err.status, code: err.code }, 'channel credentials not verified');
    if (err.status === 401 || err.status === 403 || err.status === 404) {
      throw errors.unprocessable(`${provider} rejected these credentials`, [{ path: 'body.credentials', message: `the provider answered HTTP ${err.status}` }]);
    }
    const why = err.status === 0 ? (err.code === 'timeout' ? 'timed out' : 'could not be reached') : `answered HTTP ${err.status}`;
    throw errors.unprocessable(`The credentials could not be verified: ${provider} ${why}`);
  }
}

/** Encrypts each field under the org's data key, bound to (org, channel id, field). */
export async function encryptCredentials(deps: Deps, orgId: string, channelId: string, creds: PlainCredentials): Promise<EncryptedCredentials> {
  const out: EncryptedCredentials = {};
  for (const [field, plaintext] of Object.entries(creds)) {
    out[field] = await deps.vault.encrypt({ orgId, recordId: channelId, field: aadField(field), plaintext });
  }
  return out;
}

/** A fresh Exotel path token, encrypted like the credentials. Returns the plaintext once (for the URL). */
export async function newExotelToken(deps: Deps, orgId: string, channelId: string): Promise<{ token: string; encrypted: EncryptedCredentials }> {
  const token = createExotelWebhookToken();
  return { token, encrypted: await encryptCredentials(deps, orgId, channelId, { [EXOTEL_TOKEN_FIELD]: token }) };
}

/** Decrypts one stored field. Throws VaultDecryptError (ids only) when it is missing or does not decrypt. */
export async function decryptField(deps: Deps, orgId: string, channelId: string, stored: EncryptedCredentials, field: string): Promise<string> {
  const ciphertext = Object.hasOwn(stored, field) ? stored[field] : undefined;
  if (typeof ciphertext !== 'string') throw new Error(`channel credential "${field}" is not configured`);
  return deps.vault.decrypt({ orgId, recordId: channelId, field: aadField(field), ciphertext });
}

/** Every user credential of a channel, decrypted (for an outbound provider call). */
export async function decryptCredentials(deps: Deps, orgId: string, channelId: string, stored: EncryptedCredentials): Promise<PlainCredentials> {
  const out: PlainCredentials = {};
  for (const field of Object.keys(stored)) {
    if (field !== EXOTEL_TOKEN_FIELD) out[field] = await decryptField(deps, orgId, channelId, stored, field);
  }
  return out;
}
