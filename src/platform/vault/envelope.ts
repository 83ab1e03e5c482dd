/**
 * Envelope encryption of tenant secrets (provider credentials, tool/MCP auth headers) and tenant data
 * too large for text (call recordings).
 *
 * Ciphertext: `v1.<dek_id>.<nonce b64url>.<ct+tag b64url>` — AES-256-GCM under the org's data key,
 * random 12-byte nonce, AAD = JSON `["converse:v1", org_id, record_id, field, dek_id]` (unambiguous),
 * so a value copied to another org, row or field fails. Every failure is a VaultDecryptError.
 *
 * Binary form (`encryptBytes`, for bytea columns: no base64 growth): the bytes `v1b.<dek_id>.`, then
 * nonce (12) || ciphertext || tag (16); AAD as above with the tag `converse:v1b`, so a text ciphertext
 * and a binary one are never interchangeable.
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
  /** Binary data (e.g. a chunk of a call recording): 28 bytes plus the data key id longer than the plaintext. */
  encryptBytes(input: SecretRef & { plaintext: Uint8Array }): Promise<Buffer>;
  /** Throws VaultDecryptError on any failure; never returns a fallback. */
  decryptBytes(input: SecretRef & { ciphertext: Uint8Array }): Promise<Buffer>;
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

const BYTES_PREFIX = 'v1b.';

function aad(ref: SecretRef, dekId: string, tag = 'converse:v1'): Buffer {
  return Buffer.from(JSON.stringify([tag, ref.orgId, ref.recordId, ref.field, dekId]), 'utf8');
}

/** AES-256-GCM: ciphertext || tag. */
function seal(key: Buffer, nonce: Buffer, additional: Buffer, plaintext: Uint8Array): Buffer {
  const c = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 });
  c.setAAD(additional);
  return Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
}

/** Null when the tag does not verify. */
function open(key: Buffer, nonce: Buffer, additional: Buffer, body: Uint8Array): Buffer | null {
  try {
    const d = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 });
    d.setAAD(additional);
    d.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([d.update(body.subarray(0, body.length - 16)), d.final()]);
  } catch {
    return null;
  }
}

/** `v1b.<dek_id>.` + nonce + body, or null when it is not that shape. */
function parseBinaryCiphertext(ct: Uint8Array): { dekId: string; nonce: Buffer; body: Buffer } | null {
  if (!(ct instanceof Uint8Array)) return null;
  const buf = Buffer.from(ct.buffer, ct.byteOffset, ct.byteLength);
  if (buf.subarray(0, BYTES_PREFIX.length).toString('latin1') !== BYTES_PREFIX) return null;
  const dot = buf.indexOf(0x2e, BYTES_PREFIX.length);
  if (dot < 0 || dot > BYTES_PREFIX.length + 64) return null;
  const dekId = buf.subarray(BYTES_PREFIX.length, dot).toString('latin1');
  const nonce = buf.subarray(dot + 1, dot + 13);
  const body = buf.subarray(dot + 13);
  if (!DEK_ID_RE.test(dekId) || nonce.length !== 12 || body.length < 16) return null;
  return { dekId, nonce, body };
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

  /** The data key a ciphertext names: cached, else read from the store and checked. */
  async function keyFor(ref: SecretRef, dekId: string): Promise<Buffer> {
    const cached = cache.get(ref.orgId, dekId);
    if (cached) return cached;
    const w = await store.get(ref.orgId, dekId);
    if (!w) throw new VaultDecryptError('unknown_data_key', ref.orgId, ref.field);
    return useStored(ref.orgId, w, dekId, ref.field);
  }

  return {
    async encrypt(input) {
      checkRef(input);
      if (typeof input.plaintext !== 'string') throw new VaultError('vault: plaintext must be a string');
      const { id, key } = await activeKey(input.orgId);
      const nonce = randomBytes(12);
      const body = seal(key, nonce, aad(input, id), Buffer.from(input.plaintext, 'utf8'));
      return `${VERSION}.${id}.${nonce.toString('base64url')}.${body.toString('base64url')}`;
    },

    async decrypt(input) {
      checkRef(input);
      const parsed = parseCiphertext(input.ciphertext);
      if (!parsed) throw new VaultDecryptError('malformed', input.orgId, input.field);
      const plain = open(await keyFor(input, parsed.dekId), parsed.nonce, aad(input, parsed.dekId), parsed.body);
      if (!plain) throw new VaultDecryptError('auth_failed', input.orgId, input.field);
      return plain.toString('utf8');
    },

    async encryptBytes(input) {
      checkRef(input);
      if (!(input.plaintext instanceof Uint8Array)) throw new VaultError('vault: plaintext must be bytes');
      const { id, key } = await activeKey(input.orgId);
      const nonce = randomBytes(12);
      return Buffer.concat([Buffer.from(`${BYTES_PREFIX}${id}.`, 'latin1'), nonce, seal(key, nonce, aad(input, id, 'converse:v1b'), input.plaintext)]);
    },

    async decryptBytes(input) {
      checkRef(input);
      const parsed = parseBinaryCiphertext(input.ciphertext);
      if (!parsed) throw new VaultDecryptError('malformed', input.orgId, input.field);
      const plain = open(await keyFor(input, parsed.dekId), parsed.nonce, aad(input, parsed.dekId, 'converse:v1b'), parsed.body);
      if (!plain) throw new VaultDecryptError('auth_failed', input.orgId, input.field);
      return plain;
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
