/**
 * Signed, short-lived web-session tokens: the primitives. A feature defines what the claims mean and
 * checks them (the web widget's are in features/channels/session-token.ts); this module only signs,
 * authenticates and enforces the expiry.
 *
 * Format: `cvs1.<base64url(JSON claims)>.<base64url(HMAC-SHA256(key, "cvs1." + claims))>`. The key is
 * derived from the master keyring (`deriveKey(keyring, WEB_SESSION_KEY_PURPOSE)`): never stored, the same
 * in every instance, unchanged by master-key rotation (derivation uses the pinned `signing` key).
 * Every token carries `exp` (unix seconds, at most SESSION_TOKEN_TTL_SECONDS ahead) and a random `jti`
 * (lets a consumer make a token single-use).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const WEB_SESSION_KEY_PURPOSE = 'web-session-token:v1';
export const SESSION_TOKEN_TTL_SECONDS = 300;
const PREFIX = 'cvs1';
const MAX_TOKEN_CHARS = 2048;

/** What every token carries besides the caller's claims. */
export interface SignedSessionFields {
  /** Unix seconds. */
  exp: number;
  /** Random id: lets the consumer make a token single-use. */
  jti: string;
}

/** Signs session tokens with one derived key. Built once per process (see deps.ts buildDeps). */
export interface WebSessionTokens {
  sign(claims: object, opts?: { now?: number; ttlSeconds?: number }): { token: string; expiresAt: Date };
  /** @internal the HMAC key, for verifySignedSession. */
  readonly key: Buffer;
}

export function createWebSessionTokens(key: Buffer): WebSessionTokens {
  if (key.length < 32) throw new Error('web session token key must be at least 32 bytes');
  const k = Buffer.from(key);
  return {
    key: k,
    sign(claims, opts = {}) {
      const now = opts.now ?? Date.now();
      const ttl = Math.min(opts.ttlSeconds ?? SESSION_TOKEN_TTL_SECONDS, SESSION_TOKEN_TTL_SECONDS);
      const full: SignedSessionFields = { ...claims, exp: Math.floor(now / 1000) + ttl, jti: randomBytes(16).toString('base64url') };
      const body = `${PREFIX}.${Buffer.from(JSON.stringify(full)).toString('base64url')}`;
      return { token: `${body}.${mac(k, body)}`, expiresAt: new Date(full.exp * 1000) };
    },
  };
}

function mac(key: Buffer, body: string): string {
  return createHmac('sha256', key).update(body).digest('base64url');
}

/**
 * Authenticates a token. Returns its decoded claims (not yet checked for shape: the feature does that),
 * or null for anything wrong: malformed, bad MAC, not an object, expired, or an expiry further out than
 * the maximum TTL.
 */
export function verifySignedSession(tokens: Pick<WebSessionTokens, 'key'>, token: unknown, opts: { now?: number } = {}): (Record<string, unknown> & SignedSessionFields) | null {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS) return null;
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX) return null;
  const body = `${parts[0]}.${parts[1]}`;
  const expected = Buffer.from(mac(tokens.key, body));
  const given = Buffer.from(parts[2]!);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return null;
  const c = claims as Record<string, unknown> & SignedSessionFields;
  if (!Number.isInteger(c.exp) || typeof c.jti !== 'string') return null;
  const nowSec = Math.floor((opts.now ?? Date.now()) / 1000);
  if (c.exp <= nowSec || c.exp > nowSec + SESSION_TOKEN_TTL_SECONDS + 60) return null;
  return c;
}

/**
 * A MAC over a label and some ids (e.g. a widget session's resume credential, bound to org, channel and
 * session): unguessable without the key, checked without storage. The JSON framing keeps it apart from
 * token bodies (which start with `cvs1.`) and makes the fields unambiguous.
 */
export function bindingMac(tokens: Pick<WebSessionTokens, 'key'>, label: string, fields: readonly string[]): string {
  return mac(tokens.key, JSON.stringify([label, ...fields]));
}

/** Constant-time check of a `bindingMac`; false for anything that is not one. */
export function verifyBindingMac(tokens: Pick<WebSessionTokens, 'key'>, label: string, fields: readonly string[], given: unknown): boolean {
  if (typeof given !== 'string' || given.length > 128) return false;
  const expected = Buffer.from(bindingMac(tokens, label, fields));
  const got = Buffer.from(given);
  return got.length === expected.length && timingSafeEqual(got, expected);
}
