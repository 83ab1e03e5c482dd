/**
 * The web widget's session tokens (`POST /channels/{id}/session-url`), so no API key ever reaches a
 * browser. Signing, the MAC and the expiry are platform/auth/session-tokens.ts; this module holds the
 * channel rules: the claims bind the org, the channel, what the socket may talk to (an agent or a flow),
 * and the Origin the URL was minted for (when the request had one).
 *
 * @example
 *   const claims = verifySessionToken(deps.webSessions, token, { origin: req.headers.origin });
 *   if (!claims) return socket.close(4401);
 */
import { bindingMac, verifyBindingMac, verifySignedSession, type SignedSessionFields, type WebSessionTokens } from '../../platform/auth/session-tokens.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface SessionClaims extends SignedSessionFields {
  org_id: string;
  channel_id: string;
  target: { kind: 'agent' | 'flow'; id: string };
  /** The browser origin the URL was minted for; null when minted server-to-server (no Origin header). */
  origin: string | null;
}

/** Signs a widget session token (the claims minus exp/jti, which the platform adds). */
export function signSessionToken(tokens: WebSessionTokens, claims: Omit<SessionClaims, 'exp' | 'jti'>, opts?: { now?: number; ttlSeconds?: number }): { token: string; expiresAt: Date } {
  return tokens.sign(claims, opts);
}

/**
 * Verifies a session token. Returns its claims, or null for anything wrong: malformed, bad MAC, expired,
 * an expiry further out than the maximum TTL, or a token bound to an origin presented with another (or
 * no) `origin` — pass the connecting request's Origin header as is. The WebSocket endpoint must still check the channel exists in `org_id` and that the
 * connecting Origin is in the channel's current `allowed_origins`.
 */
export function verifySessionToken(tokens: Pick<WebSessionTokens, 'key'>, token: unknown, opts: { now?: number; origin?: string | undefined } = {}): SessionClaims | null {
  const claims = verifySignedSession(tokens, token, opts);
  if (!claims || !isClaims(claims)) return null;
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

const RESUME_LABEL = 'widget-resume:v1';

export interface ResumeBinding {
  org_id: string;
  channel_id: string;
  session_id: string;
}

/**
 * The credential a widget connection needs to resume its session after a drop (docs/widget.md "Resume"),
 * besides a fresh session token: a MAC over org, channel and session, so it resumes that session through
 * that channel only, and is worthless for any other.
 */
export const resumeToken = (tokens: Pick<WebSessionTokens, 'key'>, b: ResumeBinding): string =>
  bindingMac(tokens, RESUME_LABEL, [b.org_id, b.channel_id, b.session_id]);

export const verifyResumeToken = (tokens: Pick<WebSessionTokens, 'key'>, b: ResumeBinding, given: unknown): boolean =>
  verifyBindingMac(tokens, RESUME_LABEL, [b.org_id, b.channel_id, b.session_id], given);
