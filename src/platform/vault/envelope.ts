/**
 * Envelope encryption of tenant secrets (provider credentials, tool/MCP auth headers).
 *
 * Ciphertext: `v1.<dek_id>.<nonce b64url>.<ct+tag b64url>` — AES-256-GCM under the org's data key,
 * random 12-byte nonce, AAD = JSON `["converse:v1", org_id, record_id, field, dek_id]` (unambiguous),
 * so a value copied to another org, row or field fails. Every failure is a VaultDecryptError.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DekCache } from './dek-cache.js';
import { DEK_ID_RE, newDataKey, unwrapDataKey, wrapDataKey, type WrappedKey } from './dek.js';
import { VaultDecryptError, VaultError } from './errors.js';
import type { Keyring } from './keyring-core.js';
import { rewrapDataKeys, type DataKeyRewrapStore, type RewrapOptions, type RewrapReport } from './rotation.js';

export type { WrappedKey } from './dek.js';

/**
 * Where wrapped data keys live (implemented by the storage layer, inside the org's transaction).
 * Every method must filter by `orgId` (and RLS binds it too). `insert` adds a key that becomes the
 * org's active one (the newest); it may reject a concurrent duplicate, the vault then re-reads.
 */
export interface DataKeyStore {
  getActive(orgId: string): Promise<WrappedKey | null>;
  get(orgId: string, dataKeyId: string): Promise<WrappedKey | null>;
  insert(orgId: string, key: WrappedKey): Promise<void>;
}

export interface SecretRef {
  orgId: string;
  recordId: string;
  field: string;
}

export interface Vault {
  encrypt(input: SecretRef & { plaintext: string }): Promise<string>;
  /** Throws VaultDecryptError on any failure; never returns a fallback. */
  decrypt(input: SecretRef & { ciphertext: string }): Promise<string>;
  /** Starts a new active data key for the org (old ones still decrypt). Returns its id. */
  rotateDataKey(orgId: string): Promise<string>;
  /** Drops cached data keys of an org (call after shredding/deleting it). */
  forget(orgId: string): void;
  /** Re-wraps every data key under the keyring's primary master key (see rotation.ts). */
  rewrapAll(store: DataKeyRewrapStore, opts?: RewrapOptions): Promise<RewrapReport>;
}

export interface VaultOptions {
  keyring: Keyring;
  store: DataKeyStore;
  /** Share one across vaults built per transaction; default: a private cache (60 s TTL, 256 keys). */
  cache?: DekCache;
}

const VERSION = 'v1';
const B64URL_RE = /^[A-Za-z0-9_-]+$/;

function aad(ref: SecretRef, dekId: string): Buffer {
  return Buffer.from(JSON.stringify(['converse:v1', ref.orgId, ref.recordId, ref.field, dekId]), 'utf8');
}

function checkRef(ref: SecretRef): void {
  for (const k of ['orgId', 'recordId', 'field'] as const) {
    if (typeof ref[k] !== 'string' || ref[k] === '') throw new VaultError(`vault: ${k} must be a non-empty string`);
  }
}

/** Strict base64url: rejects characters Buffer would skip and non-canonical trailing bits. */
function b64url(s: string): Buffer | null {
  if (!B64URL_RE.test(s)) return null;
  const buf = Buffer.from(s, 'base64url');
  return buf.toString('base64url') === s ? buf : null;
}

export function parseCiphertext(ciphertext: string): { dekId: string; nonce: Buffer; body: Buffer } | null {
  if (typeof ciphertext !== 'string') return null;
  const parts = ciphertext.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) return null;
  const [, dekId = '', n = '', b = ''] = parts;
  const nonce = b64url(n);
  const body = b64url(b);
  if (!DEK_ID_RE.test(dekId) || !nonce || nonce.length !== 12 || !body || body.length < 16) return null;
  return { dekId, nonce, body };
}

export function createVault({ keyring, store, cache = new DekCache() }: VaultOptions): Vault {
  const creating = new Map<string, Promise<{ id: string; key: Buffer }>>();

  /** Checks the row really is (orgId, dekId) — never trust the store blindly — then unwraps and caches. */
  function useStored(orgId: string, w: WrappedKey, dekId = w.id, field?: string): Buffer {
    if (w.org_id !== orgId || w.id !== dekId) throw new VaultDecryptError('unknown_data_key', orgId, field);
    let key: Buffer;
    try {
      key = unwrapDataKey(keyring, w);
    } catch (err) {
      throw err instanceof VaultDecryptError ? new VaultDecryptError(err.reason, orgId, field) : err;
    }
    cache.set(orgId, w.id, key);
    return key;
  }

  async function insertNew(orgId: string, acceptRace: boolean): Promise<{ id: string; key: Buffer }> {
    const { id, key } = newDataKey();
    try {
      await store.insert(orgId, wrapDataKey(keyring, orgId, id, key));
    } catch (err) {
      const raced = acceptRace ? await store.getActive(orgId) : null; // a concurrent writer may have won
      if (!raced) throw err;
      return { id: raced.id, key: cache.get(orgId, raced.id) ?? useStored(orgId, raced) };
    }
    cache.set(orgId, id, key);
    return { id, key };
  }

  async function activeKey(orgId: string): Promise<{ id: string; key: Buffer }> {
    const w = await store.getActive(orgId);
    if (w) return { id: w.id, key: cache.get(orgId, w.id) ?? useStored(orgId, w) };
    let pending = creating.get(orgId);
    if (!pending) {
      pending = insertNew(orgId, true).finally(() => creating.delete(orgId));
      creating.set(orgId, pending);
    }
    return pending;
  }

  return {
    async encrypt(input) {
      checkRef(input);
      if (typeof input.plaintext !== 'string') throw new VaultError('vault: plaintext must be a string');
      const { id, key } = await activeKey(input.orgId);
      const nonce = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 });
      c.setAAD(aad(input, id));
      const body = Buffer.concat([c.update(input.plaintext, 'utf8'), c.final(), c.getAuthTag()]);
      return `${VERSION}.${id}.${nonce.toString('base64url')}.${body.toString('base64url')}`;
    },

    async decrypt(input) {
      checkRef(input);
      const parsed = parseCiphertext(input.ciphertext);
      if (!parsed) throw new VaultDecryptError('malformed', input.orgId, input.field);
      const { dekId, nonce, body } = parsed;
      let key = cache.get(input.orgId, dekId);
      if (!key) {
        const w = await store.get(input.orgId, dekId);
        if (!w) throw new VaultDecryptError('unknown_data_key', input.orgId, input.field);
        key = useStored(input.orgId, w, dekId, input.field);
      }
      try {
        const d = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 });
        d.setAAD(aad(input, dekId));
        d.setAuthTag(body.subarray(body.length - 16));
        return Buffer.concat([d.update(body.subarray(0, body.length - 16)), d.final()]).toString('utf8');
      } catch {
        throw new VaultDecryptError('auth_failed', input.orgId, input.field);
      }
    },

    async rotateDataKey(orgId) {
      if (typeof orgId !== 'string' || orgId === '') throw new VaultError('vault: orgId must be a non-empty string');
      return (await insertNew(orgId, false)).id;
    },

    forget(orgId) {
      cache.forgetOrg(orgId);
    },

    rewrapAll(rewrapStore, opts) {
      return rewrapDataKeys(keyring, rewrapStore, opts);
    },
  };
}
