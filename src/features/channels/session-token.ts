/**
 * Short-lived tokens for the web widget's WebSocket URL (`POST /channels/{id}/session-url`), so no API
 * key ever reaches a browser.
 *
 * Format: `cvs1.<base64url(JSON claims)>.<base64url(HMAC-SHA256(key, "cvs1." + claims))>`. The key is
 * derived from the master keyring (`deriveKey(keyring, WEB_SESSION_KEY_PURPOSE)`): never stored, the same
 * in every instance, unchanged by master-key rotation (derivation uses the pinned `signing` key).
 * The claims bind the org, the channel, what the socket may talk to (an agent or a flow), the Origin the
 * URL was minted for (when the request had one) and the expiry.
 *
 * @example
 *   const claims = verifySessionToken(deps.webSessions, token, { origin: req.headers.origin });
 *   if (!claims) return socket.close(4401);
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const WEB_SESSION_KEY_PURPOSE = 'web-session-token:v1';
export const SESSION_TOKEN_TTL_SECONDS = 300;
const PREFIX = 'cvs1';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_TOKEN_CHARS = 2048;

export interface SessionClaims {
  org_id: string;
  channel_id: string;
  target: { kind: 'agent' | 'flow'; id: string };
  /** The browser origin the URL was minted for; null when minted server-to-server (no Origin header). */
  origin: string | null;
  /** Unix seconds. */
  exp: number;
  /** Random id: lets the WebSocket endpoint make a token single-use. */
  jti: string;
}

/** Signs and verifies session tokens with one derived key. Built once per process (see runtime.ts). */
export interface WebSessionTokens {
  sign(claims: Omit<SessionClaims, 'exp' | 'jti'>, opts?: { now?: number; ttlSeconds?: number }): { token: string; expiresAt: Date };
  /** @internal the HMAC key, for verifySessionToken. */
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
      const full: SessionClaims = { ...claims, exp: Math.floor(now / 1000) + ttl, jti: randomBytes(16).toString('base64url') };
      const body = `${PREFIX}.${Buffer.from(JSON.stringify(full)).toString('base64url')}`;
      return { token: `${body}.${mac(k, body)}`, expiresAt: new Date(full.exp * 1000) };
    },
  };
}

function mac(key: Buffer, body: string): string {
  return createHmac('sha256', key).update(body).digest('base64url');
}

/**
 * Verifies a session token. Returns its claims, or null for anything wrong: malformed, bad MAC, expired,
 * an expiry further out than the maximum TTL, or a token bound to an origin presented with another (or
 * no) `origin` — pass the connecting request's Origin header as is. The WebSocket endpoint must still check the channel exists in `org_id` and that the
 * connecting Origin is in the channel's current `allowed_origins`.
 */
export function verifySessionToken(tokens: Pick<WebSessionTokens, 'key'>, token: unknown, opts: { now?: number; origin?: string | undefined } = {}): SessionClaims | null {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS) return null;
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX) return null;
  const body = `${parts[0]}.${parts[1]}`;
  const expected = Buffer.from(mac(tokens.key, body));
  const given = Buffer.from(parts[2]!);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let claims: SessionClaims;
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as SessionClaims;
  } catch {
    return null;
  }
  if (!isClaims(claims)) return null;
  const nowSec = Math.floor((opts.now ?? Date.now()) / 1000);
  if (claims.exp <= nowSec || claims.exp > nowSec + SESSION_TOKEN_TTL_SECONDS + 60) return null;
  // A token minted for a browser origin is only good from that origin (a connection without an Origin
  // header is not a browser, and cannot present one minted for a page).
  if (claims.origin !== null && opts.origin !== claims.origin) return null;
  return claims;
}

function isClaims(c: unknown): c is SessionClaims {
  const v = c as SessionClaims;
  return (
    typeof v === 'object' && v !== null &&
    typeof v.org_id === 'string' && UUID_RE.test(v.org_id) &&
    typeof v.channel_id === 'string' && UUID_RE.test(v.channel_id) &&
    typeof v.target === 'object' && v.target !== null && (v.target.kind === 'agent' || v.target.kind === 'flow') &&
    typeof v.target.id === 'string' && UUID_RE.test(v.target.id) &&
    (v.origin === null || typeof v.origin === 'string') &&
    Number.isInteger(v.exp) && typeof v.jti === 'string'
  );
}
