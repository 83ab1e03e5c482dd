import type { Deps } from '../../deps.js';
import { scopeOf, type Principal } from '../../platform/auth/principal.js';
import { withOrg } from '../../platform/db/with-org.js';
import { errors } from '../../platform/errors.js';
import { publicBase } from './present.js';
import { signSessionToken } from './session-token.js';
import * as repo from './repo.js';

export interface SessionUrlRequest {
  /** The request's Origin header, if any (a browser always sends one; a server-to-server call none). */
  origin: string | undefined;
  /** Used only when CONVERSE_PUBLIC_URL is unset (development): where the caller reached us. */
  fallbackBase: string;
}

/**
 * Mints a short-lived signed WebSocket URL for a web channel (API.md: "no API key in the browser").
 * A request carrying an Origin header must come from one of the channel's allowed_origins, and the
 * token is then bound to that origin; without an Origin (a site's backend calling with its API key) the
 * token is unbound and the WebSocket endpoint checks the connecting origin against allowed_origins.
 */
export async function createSessionUrl(deps: Deps, principal: Principal, id: string, req: SessionUrlRequest): Promise<{ url: string; expires_at: string }> {
  const row = await withOrg(deps.db, scopeOf(principal), (tx) => repo.getChannel(tx, id));
  if (!row) throw errors.notFound('channel');
  if (row.type !== 'web') throw errors.unprocessable('Session URLs are for web channels');
  const target = row.agent_id ? { kind: 'agent' as const, id: row.agent_id } : row.flow_id ? { kind: 'flow' as const, id: row.flow_id } : null;
  if (!target) throw errors.unprocessable('The channel has no agent or flow to talk to');
  const origin = req.origin === undefined ? null : req.origin;
  if (origin !== null && !row.allowed_origins.includes(origin)) throw errors.forbidden('This origin is not allowed for the channel');

  const { token, expiresAt } = signSessionToken(deps.webSessions, { org_id: principal.orgId, channel_id: row.id, target, origin });
  const base = (publicBase(deps.config) ?? req.fallbackBase).replace(/^http/, 'ws');
  const url = `${base}/ws/${target.kind}/${target.id}?token=${encodeURIComponent(token)}`;
  return { url, expires_at: expiresAt.toISOString() };
}
