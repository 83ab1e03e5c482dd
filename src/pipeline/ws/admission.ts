/**
 * Who may open a widget socket: a web channel's session token (features/channels: the channel's org,
 * its allowed origins) or a console voice token (./console-voice.ts: test mode, no channel). Each token
 * kind is checked only by its own rules; nothing of the session is loaded before one admits it.
 */
import type { Deps } from '../../deps.js';
import { admitWebSession } from '../../features/channels/public.js';
import { admitConsoleVoice, consoleVoiceClaims, type RequestOrigin } from './console-voice.js';

export type SocketAdmission =
  /** `channelId` null: a console voice session (test mode, not resumable). */
  | { ok: true; orgId: string; channelId: string | null }
  | { ok: false; reason: string };

export async function admitSocket(deps: Deps, req: RequestOrigin & { token: unknown; target: { kind: 'agent' | 'flow'; id: string } }): Promise<SocketAdmission> {
  const console = consoleVoiceClaims(deps, req.token);
  if (console) {
    const a = await admitConsoleVoice(deps, console, req);
    return a.ok ? { ok: true, orgId: a.orgId, channelId: null } : a;
  }
  const a = await admitWebSession(deps, { token: req.token, target: req.target, origin: req.origin });
  return a.ok ? { ok: true, orgId: a.orgId, channelId: a.channelId } : a;
}
