/**
 * Admission of a widget WebSocket connection (the socket itself is src/pipeline/ws/): everything is
 * checked before anything of the session is loaded, and the org is the one of the verified channel.
 *
 * A connection is admitted only when the session token is authentic and unexpired, names the target the
 * socket path names, was minted for the connecting Origin (when it was minted from a browser), the
 * channel still exists in the token's org as a web channel pointing at that target, the Origin is
 * exactly one of the channel's allowed_origins, and the token was never used before (single use:
 * recorded in the same transaction).
 */
import type { Deps } from '../../deps.js';
import { withOrg } from '../../platform/db/with-org.js';
import * as repo from './repo.js';
import { verifySessionToken, type SessionClaims } from './session-token.js';

export interface AdmitRequest {
  token: unknown;
  /** What the socket path names: /ws/agent/{id} or /ws/flow/{id}. */
  target: SessionClaims['target'];
  /** The connecting request's Origin header, as sent. */
  origin: string | undefined;
  now?: number;
}

export type Admission =
  | { ok: true; orgId: string; channelId: string; target: SessionClaims['target'] }
  | { ok: false; reason: 'bad_token' | 'wrong_target' | 'no_origin' | 'no_channel' | 'origin_not_allowed' | 'token_used' };

export async function admitWebSession(deps: Pick<Deps, 'db' | 'webSessions'>, req: AdmitRequest): Promise<Admission> {
  const claims = verifySessionToken(deps.webSessions, req.token, { origin: req.origin, ...(req.now === undefined ? {} : { now: req.now }) });
  if (!claims) return { ok: false, reason: 'bad_token' };
  if (claims.target.kind !== req.target.kind || claims.target.id !== req.target.id) return { ok: false, reason: 'wrong_target' };
  const origin = req.origin;
  if (origin === undefined) return { ok: false, reason: 'no_origin' };
  return withOrg(deps.db, { orgId: claims.org_id }, async (tx): Promise<Admission> => {
    const row = await repo.getChannel(tx, claims.channel_id);
    if (!row || row.type !== 'web') return { ok: false, reason: 'no_channel' };
    // The channel may have been pointed elsewhere since the token was minted.
    const current = row.agent_id ? { kind: 'agent', id: row.agent_id } : { kind: 'flow', id: row.flow_id };
    if (current.kind !== claims.target.kind || current.id !== claims.target.id) return { ok: false, reason: 'wrong_target' };
    if (!row.allowed_origins.includes(origin)) return { ok: false, reason: 'origin_not_allowed' };
    if (!(await repo.spendSessionToken(tx, row.id, claims.jti, new Date(claims.exp * 1000)))) return { ok: false, reason: 'token_used' };
    await repo.sweepSessionTokenUses(tx);
    return { ok: true, orgId: claims.org_id, channelId: row.id, target: claims.target };
  });
}
