/**
 * Data keys (DEKs): 32 random bytes per organization, stored only wrapped (AES-256-GCM) under a master
 * key. Wrap AAD = `converse:dek:<org_id>:<dek_id>`, so a wrapped key moved to another org or id fails.
 * Wrapped form: `w1.` + base64url(nonce 12 || ciphertext 32 || tag 16).
 */
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { VaultDecryptError } from './errors.js';
import type { Keyring } from './keyring-core.js';

/** A stored data key row. The storage layer keeps it in a tenant table keyed (org_id, id). */
export interface WrappedKey {
  id: string;
  org_id: string;
  master_key_id: string;
  wrapped: string;
  created_at: Date;
}

export const DEK_BYTES = 32;
export const DEK_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;
const WRAP_PREFIX = 'w1.';

function wrapAad(orgId: string, dekId: string): Buffer {
  return Buffer.from(`converse:dek:${orgId}:${dekId}`, 'utf8');
}

export function newDataKey(): { id: string; key: Buffer } {
  return { id: randomUUID(), key: randomBytes(DEK_BYTES) };
}

/** Wraps `dek` under master key `masterKeyId` (default: the keyring's primary). */
export function wrapDataKey(keyring: Keyring, orgId: string, dekId: string, dek: Buffer, masterKeyId = keyring.primaryId): WrappedKey {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', keyring.wrapKey(masterKeyId), nonce, { authTagLength: 16 });
  c.setAAD(wrapAad(orgId, dekId));
  const body = Buffer.concat([nonce, c.update(dek), c.final(), c.getAuthTag()]);
  return { id: dekId, org_id: orgId, master_key_id: masterKeyId, wrapped: WRAP_PREFIX + body.toString('base64url'), created_at: new Date() };
}

/** Unwraps a stored data key; throws VaultDecryptError (ids only) on any failure. */
export function unwrapDataKey(keyring: Keyring, w: WrappedKey): Buffer {
  if (!keyring.has(w.master_key_id)) throw new VaultDecryptError('master_key_missing', w.org_id);
  const body = w.wrapped.startsWith(WRAP_PREFIX) ? Buffer.from(w.wrapped.slice(WRAP_PREFIX.length), 'base64url') : Buffer.alloc(0);
  if (body.length !== 12 + DEK_BYTES + 16) throw new VaultDecryptError('data_key_unwrap_failed', w.org_id);
  try {
    const d = createDecipheriv('aes-256-gcm', keyring.wrapKey(w.master_key_id), body.subarray(0, 12), { authTagLength: 16 });
    d.setAAD(wrapAad(w.org_id, w.id));
    d.setAuthTag(body.subarray(12 + DEK_BYTES));
    return Buffer.concat([d.update(body.subarray(12, 12 + DEK_BYTES)), d.final()]);
  } catch {
    throw new VaultDecryptError('data_key_unwrap_failed', w.org_id);
  }
}
