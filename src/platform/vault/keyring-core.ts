/**
 * Master keyring: pure parsing, key ids, derivation. No file or environment access here (see keyring.ts).
 *
 * Accepted text (from CONVERSE_MASTER_KEY or the file named by CONVERSE_MASTER_KEY_FILE):
 *   - a bare key: base64 (or base64url) of exactly 32 random bytes, e.g. `openssl rand -base64 32`;
 *     its id is `mk_` + the first 8 hex chars of sha256(key bytes);
 *   - a JSON keyring: `{"primary":"<id>","signing":"<id>","keys":{"<id>":"<base64 32 bytes>",...}}`.
 *     `primary` wraps new data keys; `signing` (optional, defaults to `primary`) is the key that
 *     `deriveKey` derives from, pinned so that master-key rotation does not change derived keys.
 */
import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { KeyringError } from './errors.js';

export const MASTER_KEY_BYTES = 32;
const ID_RE = /^[A-Za-z0-9_-]{1,64}$/;
const PURPOSE_RE = /^[A-Za-z0-9][A-Za-z0-9:._-]{0,127}$/;
const HKDF_SALT = Buffer.from('converse:hkdf:v1');
const WRAP_INFO = Buffer.from('converse:wrap:v1'); // never reachable from deriveKey (prefix differs)
/** Key bytes live here, not on the instance: nothing outside this module can reach them. */
const RAW_KEYS = new WeakMap<Keyring, ReadonlyMap<string, Buffer>>();

/** Validated on-disk shape. `signing` stays undefined when the source did not name one. */
export interface KeyringDoc {
  primary: string;
  signing?: string;
  keys: Record<string, string>; // id -> canonical base64
}

/** Loaded master keys. Key bytes are private: JSON.stringify / util.inspect show ids only. */
export class Keyring {
  readonly #wrapKeys = new Map<string, Buffer>();

  constructor(
    keys: ReadonlyMap<string, Buffer>,
    readonly primaryId: string,
    readonly signingId: string,
    /** Non-fatal problems the caller should log (e.g. a group-readable key file). */
    readonly warnings: readonly string[] = [],
  ) {
    if (!keys.has(primaryId)) throw new KeyringError(`keyring: primary "${primaryId}" is not among its keys`);
    if (!keys.has(signingId)) throw new KeyringError(`keyring: signing "${signingId}" is not among its keys`);
    RAW_KEYS.set(this, new Map(keys));
  }

  get ids(): string[] {
    return [...rawKeys(this).keys()];
  }

  has(id: string): boolean {
    return rawKeys(this).has(id);
  }

  /** @internal AES-256-GCM key that wraps data keys under master key `id`. */
  wrapKey(id: string): Buffer {
    let k = this.#wrapKeys.get(id);
    if (!k) {
      k = Buffer.from(hkdfSync('sha256', rawKey(this, id), HKDF_SALT, WRAP_INFO, 32));
      this.#wrapKeys.set(id, k);
    }
    return k;
  }

  toJSON(): { primary: string; signing: string; ids: string[] } {
    return { primary: this.primaryId, signing: this.signingId, ids: this.ids };
  }

  [inspect.custom](): string {
    return `Keyring { primary: ${this.primaryId}, signing: ${this.signingId}, ids: [${this.ids.join(', ')}] }`;
  }
}

function rawKeys(keyring: Keyring): ReadonlyMap<string, Buffer> {
  const keys = RAW_KEYS.get(keyring);
  if (!keys) throw new KeyringError('keyring: not a loaded keyring');
  return keys;
}

function rawKey(keyring: Keyring, id: string): Buffer {
  const key = rawKeys(keyring).get(id);
  if (!key) throw new KeyringError(`keyring: unknown master key id "${id}"`);
  return key;
}

/** `mk_` + first 8 hex chars of sha256(key). */
export function masterKeyId(key: Buffer): string {
  return 'mk_' + createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** Strictly decodes a base64/base64url 32-byte key. `where` names the source, never its content. */
export function decodeMasterKey(text: string, where: string): Buffer {
  const s = text.trim().replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s)) {
    throw new KeyringError(`${where}: master key is not base64 (expected 32 random bytes, e.g. \`openssl rand -base64 32\`)`);
  }
  const buf = Buffer.from(s, 'base64');
  if (buf.length !== MASTER_KEY_BYTES) {
    const hex = /^[0-9a-fA-F]{64}$/.test(s) ? ' (this looks like hex; base64-encode the 32 bytes instead)' : '';
    throw new KeyringError(`${where}: master key must decode to ${MASTER_KEY_BYTES} bytes, got ${buf.length}${hex}`);
  }
  if (buf.toString('base64').replace(/=+$/, '') !== s.replace(/=+$/, '')) {
    throw new KeyringError(`${where}: master key is not canonical base64`);
  }
  if (buf.every((b) => b === buf[0])) throw new KeyringError(`${where}: master key has no entropy (all bytes equal)`);
  return buf;
}

/** Parses and validates keyring text (bare key or JSON). Errors never quote the input. */
export function parseKeyringDoc(text: string, where: string): KeyringDoc {
  const t = text.trim();
  if (t === '') throw new KeyringError(`${where}: empty`);
  if (!t.startsWith('{')) {
    const key = decodeMasterKey(t, where);
    const id = masterKeyId(key);
    return { primary: id, keys: { [id]: key.toString('base64') } };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(t);
  } catch {
    throw new KeyringError(`${where}: keyring is not valid JSON`); // JSON.parse messages quote input
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new KeyringError(`${where}: keyring must be a JSON object`);
  const obj = raw as Record<string, unknown>;
  const extra = Object.keys(obj).filter((k) => !['primary', 'signing', 'keys'].includes(k));
  if (extra.length > 0) throw new KeyringError(`${where}: unknown keyring field(s): ${extra.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}`);
  const { primary, signing, keys } = obj;
  if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) throw new KeyringError(`${where}: "keys" must be an object of id -> base64 key`);
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  for (const [id, value] of Object.entries(keys as Record<string, unknown>)) {
    if (!ID_RE.test(id)) throw new KeyringError(`${where}: invalid key id (use 1-64 of A-Z a-z 0-9 _ -)`);
    if (typeof value !== 'string') throw new KeyringError(`${where}: key "${id}" must be a base64 string`);
    const b64 = decodeMasterKey(value, `${where}: key "${id}"`).toString('base64');
    if (seen.has(b64)) throw new KeyringError(`${where}: key "${id}" repeats the bytes of another key id`);
    seen.add(b64);
    out[id] = b64;
  }
  if (typeof primary !== 'string' || !(primary in out)) throw new KeyringError(`${where}: "primary" must name one of "keys"`);
  if (signing !== undefined && (typeof signing !== 'string' || !(signing in out))) {
    throw new KeyringError(`${where}: "signing" must name one of "keys"`);
  }
  return signing === undefined ? { primary, keys: out } : { primary, signing, keys: out };
}

export function keyringFromDoc(doc: KeyringDoc, warnings: string[] = []): Keyring {
  const keys = new Map(Object.entries(doc.keys).map(([id, b64]) => [id, Buffer.from(b64, 'base64')] as const));
  if (doc.signing === undefined && keys.size > 1) {
    warnings.push('keyring has no "signing" id: derived keys follow "primary" and change when it changes');
  }
  return new Keyring(keys, doc.primary, doc.signing ?? doc.primary, warnings);
}

/** Parses keyring text (either form) into a Keyring. */
export function parseKeyring(text: string, where = 'master key'): Keyring {
  return keyringFromDoc(parseKeyringDoc(text, where));
}

/** Pretty JSON for a keyring document (always the JSON form, always with `signing`). */
export function serializeKeyringDoc(doc: KeyringDoc): string {
  return JSON.stringify({ primary: doc.primary, signing: doc.signing ?? doc.primary, keys: doc.keys }, null, 2) + '\n';
}

/** A fresh one-key keyring document. */
export function newKeyringDoc(): KeyringDoc {
  const key = randomBytes(MASTER_KEY_BYTES);
  const id = masterKeyId(key);
  return { primary: id, signing: id, keys: { [id]: key.toString('base64') } };
}

/**
 * Rotation on text: adds a fresh key, makes it primary, keeps every old key, and pins `signing`
 * to the previous signing key (or the previous primary) so derived keys do not change.
 */
export function rotateKeyringText(text: string, where = 'keyring'): { text: string; newKeyId: string } {
  const doc = parseKeyringDoc(text, where);
  let key: Buffer;
  let id: string;
  do {
    key = randomBytes(MASTER_KEY_BYTES);
    id = masterKeyId(key);
  } while (id in doc.keys);
  const next: KeyringDoc = { primary: id, signing: doc.signing ?? doc.primary, keys: { ...doc.keys, [id]: key.toString('base64') } };
  return { text: serializeKeyringDoc(next), newKeyId: id };
}

/**
 * HKDF-SHA256 from the master key `keyId`: salt `converse:hkdf:v1`, info `converse:derive:<purpose>`.
 * Same (key, purpose) → same bytes in every process; different purposes are independent.
 */
export function deriveFromKeyId(keyring: Keyring, keyId: string, purpose: string, length = 32): Buffer {
  if (!PURPOSE_RE.test(purpose)) throw new KeyringError('deriveKey: purpose must be 1-128 of A-Z a-z 0-9 : . _ - (e.g. "jwt-signing:v1")');
  if (!Number.isInteger(length) || length < 16 || length > 255 * 32) throw new KeyringError('deriveKey: length must be 16..8160 bytes');
  const info = Buffer.from(`converse:derive:${purpose}`);
  return Buffer.from(hkdfSync('sha256', rawKey(keyring, keyId), HKDF_SALT, info, length));
}

/**
 * Derives from the keyring's pinned `signing` key (not the primary), so `converse keys rotate`
 * leaves derived keys (e.g. the JWT signing seed) unchanged. Changing `signing` changes them.
 */
export function deriveKey(keyring: Keyring, purpose: string, length = 32): Buffer {
  return deriveFromKeyId(keyring, keyring.signingId, purpose, length);
}
