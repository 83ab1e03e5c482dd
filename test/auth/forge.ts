import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { base64url, decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { deriveKey, type Keyring } from '../../src/platform/vault/keyring.js';

/**
 * Token forgery for attack tests. With the server's own signing key (derived from the test keyring
 * exactly as the app derives it) a test can mint a token that differs from a genuine one in one field,
 * so each rejection is proven to come from that field and nothing else.
 */
export interface Forger {
  /** The server's private and public signing keys. */
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Claims and header of a genuine token, to start from. */
  parts(token: string): { header: Record<string, unknown>; claims: Record<string, unknown> };
  /** Signs `claims` with `header` (alg EdDSA with the server key unless `key` is given). */
  sign(header: Record<string, unknown>, claims: Record<string, unknown>, key?: KeyObject | Uint8Array): Promise<string>;
  /** Unsigned token: header.payload.<signature as given>. */
  raw(header: Record<string, unknown>, claims: Record<string, unknown>, signature?: string): string;
}

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function createForger(keyring: Keyring): Forger {
  const seed = deriveKey(keyring, 'access-token-signing:v1');
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey(privateKey);
  const enc = (v: unknown) => base64url.encode(JSON.stringify(v));
  return {
    privateKey,
    publicKey,
    parts: (token) => ({ header: decodeProtectedHeader(token) as Record<string, unknown>, claims: decodeJwt(token) as Record<string, unknown> }),
    sign: (header, claims, key = privateKey) => new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(key),
    raw: (header, claims, signature = '') => `${enc(header)}.${enc(claims)}.${signature}`,
  };
}

/** An Ed25519 key pair that the server has never seen. */
export function attackerKeys(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ed25519');
}
