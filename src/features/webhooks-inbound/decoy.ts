import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';

/**
 * Stand-ins so a webhook for an unknown channel does the same work as one for a known channel with a bad
 * signature: the same transactions (under an org id no organization has, so RLS finds nothing), an
 * AES-256-GCM decryption of a secret the size of a provider auth token (what the vault does on a cached
 * data key), and the same signature computation. docs/channels.md has the measurements.
 */
export const DECOY_ORG_ID = randomUUID();
export const DECOY_CHANNEL_ID = randomUUID();

const key = randomBytes(32);
const nonce = randomBytes(12);
const secret = randomBytes(24).toString('base64url');
const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 });
cipher.setAAD(Buffer.from(`${DECOY_ORG_ID}.${DECOY_CHANNEL_ID}.credentials.auth_token`));
const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final(), cipher.getAuthTag()]);

/** A random per-process secret no provider signs with, decrypted like a channel's secret. */
export async function decryptDecoySecret(): Promise<string> {
  const d = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 });
  d.setAAD(Buffer.from(`${DECOY_ORG_ID}.${DECOY_CHANNEL_ID}.credentials.auth_token`));
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()]).toString('utf8');
}
