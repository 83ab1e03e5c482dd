/**
 * The credential of a phone media stream: a short-lived signed token in the stream URL the answer
 * webhook returns (`wss://…/api/v1/voice/stream/{provider}/{token}`), bound to the org, the channel and
 * the call. Signed with the same derived key as the widget's session tokens (platform/auth/
 * session-tokens.ts) but with its own `purpose`, so neither is accepted in place of the other.
 *
 * A stream is admitted only when the token is authentic and unexpired, names the provider of the path,
 * the call is still in the token's org on the token's channel, is a voice call that has not begun, and
 * the token was never used (single use, recorded in the admitting transaction).
 */
import type { Deps } from '../../deps.js';
import { readCallState, readProviderCallId } from '../../features/calls/store.js';
import { getChannel, spendChannelToken } from '../../features/channels/public.js';
import { verifySignedSession, type WebSessionTokens } from '../../platform/auth/session-tokens.js';
import { withOrg } from '../../platform/db/with-org.js';
import type { SessionContext } from '../context/types.js';

const PURPOSE = 'voice_stream:v1';
/** The provider connects right after the answer webhook; two minutes is generous. */
export const STREAM_TOKEN_TTL_SECONDS = 120;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export type StreamProvider = 'twilio' | 'plivo' | 'exotel';

export interface StreamClaims {
  purpose: typeof PURPOSE;
  org_id: string;
  channel_id: string;
  call_id: string;
  provider: StreamProvider;
}

export function signStreamToken(tokens: WebSessionTokens, c: Omit<StreamClaims, 'purpose'>): string {
  return tokens.sign({ purpose: PURPOSE, ...c }, { ttlSeconds: STREAM_TOKEN_TTL_SECONDS }).token;
}

function verify(tokens: Pick<WebSessionTokens, 'key'>, token: unknown): (StreamClaims & { exp: number; jti: string }) | null {
  const c = verifySignedSession(tokens, token);
  if (!c || c.purpose !== PURPOSE) return null;
  const ok = typeof c.org_id === 'string' && UUID_RE.test(c.org_id) && typeof c.channel_id === 'string' && UUID_RE.test(c.channel_id) &&
    typeof c.call_id === 'string' && UUID_RE.test(c.call_id) && (c.provider === 'twilio' || c.provider === 'plivo' || c.provider === 'exotel');
  return ok ? (c as unknown as StreamClaims & { exp: number; jti: string }) : null;
}

export type StreamAdmission =
  | { ok: true; orgId: string; channelId: string; callId: string; providerCallId: string | null; context: SessionContext }
  | { ok: false; reason: 'bad_token' | 'wrong_provider' | 'no_call' | 'call_not_waiting' | 'token_used' };

export async function admitStream(deps: Pick<Deps, 'db' | 'webSessions'>, provider: string, token: unknown): Promise<StreamAdmission> {
  const claims = verify(deps.webSessions, token);
  if (!claims) return { ok: false, reason: 'bad_token' };
  if (claims.provider !== provider) return { ok: false, reason: 'wrong_provider' };
  return withOrg(deps.db, { orgId: claims.org_id }, async (tx): Promise<StreamAdmission> => {
    const channel = await getChannel(tx, claims.channel_id);
    const call = await readCallState(tx, claims.call_id);
    if (!channel || channel.type !== 'voice' || channel.provider !== claims.provider || !call || call.channel_id !== channel.id || call.channel !== 'voice') {
      return { ok: false, reason: 'no_call' };
    }
    if (call.status !== 'active' || call.state.not_started !== true) return { ok: false, reason: 'call_not_waiting' };
    if (!(await spendChannelToken(tx, channel.id, claims.jti, new Date(claims.exp * 1000)))) return { ok: false, reason: 'token_used' };
    const context = call.context as unknown as SessionContext;
    return { ok: true, orgId: claims.org_id, channelId: channel.id, callId: call.id, providerCallId: await readProviderCallId(tx, call.id), context };
  });
}
