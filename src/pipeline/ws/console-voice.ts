/**
 * Console voice URLs (`POST /sessions/voice-url`; docs/widget.md "The console's voice URL"): a console
 * user talks by voice to an agent or a flow of their org in test mode, over the widget WebSocket, without
 * a web channel.
 *
 * The token is a web-session token (platform/auth/session-tokens.ts) with its own purpose: it binds the
 * org (from the credential that minted it), the target, test mode and the Origin of the minting request,
 * lives CONSOLE_VOICE_TTL_SECONDS and is single-use (recorded with no channel). It opens exactly one
 * test session on that target; a channel's session token is not one (no purpose) and this is not a
 * channel's (no channel id).
 *
 * Origin: the console is served by this server, so the socket's Origin must be this server's own origin —
 * CONVERSE_PUBLIC_URL's, or the one whose host is the Host the request reached (the console's dev server
 * proxies with the browser's Host) — and the minting request's Origin when it had one. A page on any
 * other site cannot use a leaked URL from a browser; without a cookie involved, nothing is ambient.
 */
import type { Deps } from '../../deps.js';
import { agentExists } from '../../features/agents/public.js';
import { publicBase, spendChannelToken, sweepSessionTokenUses } from '../../features/channels/public.js';
import { getFlow } from '../../features/flows/service.js';
import { scopeOf, type Principal } from '../../platform/auth/principal.js';
import { verifySignedSession } from '../../platform/auth/session-tokens.js';
import { withOrg } from '../../platform/db/with-org.js';
import type { Tx } from '../../platform/db/types.js';
import { AppError, errors } from '../../platform/errors.js';

export const CONSOLE_VOICE_TTL_SECONDS = 120;
const PURPOSE = 'console_voice';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Target = { kind: 'agent' | 'flow'; id: string };

interface ConsoleVoiceClaims {
  purpose: typeof PURPOSE;
  org_id: string;
  target: Target;
  mode: 'test';
  /** The Origin of the minting request (the console's); null when minted without one (an API client). */
  origin: string | null;
  exp: number;
  jti: string;
}

/** Where the request came from, as the HTTP layer saw it. */
export interface RequestOrigin {
  origin: string | undefined;
  host: string | undefined;
}

/** Whether `origin` is this server's own: CONVERSE_PUBLIC_URL's, or the one of the Host the request reached. */
export function isOwnOrigin(deps: Pick<Deps, 'config'>, req: RequestOrigin): boolean {
  if (!req.origin) return false;
  let url: URL;
  try {
    url = new URL(req.origin);
  } catch {
    return false;
  }
  if (url.origin !== req.origin || (url.protocol !== 'http:' && url.protocol !== 'https:')) return false;
  const base = publicBase(deps.config);
  if (base && new URL(base).origin === url.origin) return true;
  return req.host !== undefined && url.host === req.host.toLowerCase();
}

/** Mints the URL: the target must be the caller's org's (404 otherwise, like a missing one). */
export async function createConsoleVoiceUrl(
  deps: Deps,
  principal: Principal,
  body: { agent_id?: string | undefined; flow_id?: string | undefined },
  req: RequestOrigin & { fallbackBase: string },
): Promise<{ url: string; token: string; expires_at: string }> {
  const target: Target = body.agent_id ? { kind: 'agent', id: body.agent_id } : { kind: 'flow', id: body.flow_id! };
  const exists = await withOrg(deps.db, scopeOf(principal), (tx) => targetExists(tx, target));
  if (!exists) throw errors.notFound(target.kind);
  if (req.origin !== undefined && !isOwnOrigin(deps, req)) throw errors.forbidden('Console voice URLs are for the console served by this server');
  const claims: Omit<ConsoleVoiceClaims, 'exp' | 'jti'> = { purpose: PURPOSE, org_id: principal.orgId, target, mode: 'test', origin: req.origin ?? null };
  const { token, expiresAt } = deps.webSessions.sign(claims, { ttlSeconds: CONSOLE_VOICE_TTL_SECONDS });
  const base = (publicBase(deps.config) ?? req.fallbackBase).replace(/^http/, 'ws');
  return { url: `${base}/ws/${target.kind}/${target.id}?token=${encodeURIComponent(token)}`, token, expires_at: expiresAt.toISOString() };
}

/** The token's claims when it is an authentic, unexpired console voice token; null for anything else. */
export function consoleVoiceClaims(deps: Pick<Deps, 'webSessions'>, token: unknown): ConsoleVoiceClaims | null {
  const c = verifySignedSession(deps.webSessions, token) as (Record<string, unknown> & Partial<ConsoleVoiceClaims>) | null;
  if (!c || c.purpose !== PURPOSE || c.mode !== 'test') return null;
  const t = c.target;
  const ok = typeof c.org_id === 'string' && UUID_RE.test(c.org_id) &&
    typeof t === 'object' && t !== null && (t.kind === 'agent' || t.kind === 'flow') && typeof t.id === 'string' && UUID_RE.test(t.id) &&
    (c.origin === null || typeof c.origin === 'string');
  return ok ? (c as ConsoleVoiceClaims) : null;
}

export type ConsoleAdmission = { ok: true; orgId: string } | { ok: false; reason: 'wrong_target' | 'origin_not_allowed' | 'no_target' | 'token_used' };

/**
 * Admits a socket presenting console voice claims: the path's target, this server's Origin (the minting
 * one, if bound), the target still in the org, and the token's first use (recorded in that transaction).
 */
export async function admitConsoleVoice(deps: Deps, claims: ConsoleVoiceClaims, req: RequestOrigin & { target: Target }): Promise<ConsoleAdmission> {
  if (claims.target.kind !== req.target.kind || claims.target.id !== req.target.id) return { ok: false, reason: 'wrong_target' };
  if (!isOwnOrigin(deps, req) || (claims.origin !== null && claims.origin !== req.origin)) return { ok: false, reason: 'origin_not_allowed' };
  return withOrg(deps.db, { orgId: claims.org_id }, async (tx): Promise<ConsoleAdmission> => {
    if (!(await targetExists(tx, claims.target))) return { ok: false, reason: 'no_target' };
    if (!(await spendChannelToken(tx, null, claims.jti, new Date(claims.exp * 1000)))) return { ok: false, reason: 'token_used' };
    await sweepSessionTokenUses(tx);
    return { ok: true, orgId: claims.org_id };
  });
}

async function targetExists(tx: Tx, target: Target): Promise<boolean> {
  if (target.kind === 'agent') return agentExists(tx, target.id);
  try {
    await getFlow(tx, target.id);
    return true;
  } catch (err) {
    if (err instanceof AppError && err.status === 404) return false;
    throw err;
  }
}
