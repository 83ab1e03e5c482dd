/**
 * The voice calls whose media stream this process holds, by org and call: how a provider's status
 * callback ("completed": the caller hung up) reaches the live loop. In-process, like the widget's hub;
 * a call lives on the process holding its stream (RUNTIME.md "Persistence and processes").
 */
import type { Deps } from '../../deps.js';
import type { VoiceCall } from './call.js';

const registries = new WeakMap<Deps, Map<string, VoiceCall>>();

function registry(deps: Deps): Map<string, VoiceCall> {
  let r = registries.get(deps);
  if (!r) registries.set(deps, (r = new Map()));
  return r;
}

const key = (orgId: string, callId: string) => `${orgId}:${callId}`;

/** False when the call already has a live stream here (a second stream for one call is refused). */
export function holdCall(deps: Deps, orgId: string, callId: string, call: VoiceCall): boolean {
  const r = registry(deps);
  if (r.has(key(orgId, callId))) return false;
  r.set(key(orgId, callId), call);
  return true;
}

export function releaseCall(deps: Deps, orgId: string, callId: string, call: VoiceCall): void {
  const r = registry(deps);
  if (r.get(key(orgId, callId)) === call) r.delete(key(orgId, callId));
}

export const liveCall = (deps: Deps, orgId: string, callId: string): VoiceCall | undefined => registry(deps).get(key(orgId, callId));

export const liveCallCount = (deps: Deps): number => registry(deps).size;

/** Every live call (server shutdown). */
export const liveCalls = (deps: Deps): VoiceCall[] => [...registry(deps).values()];
