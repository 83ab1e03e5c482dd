/**
 * The session runtime's public API (RUNTIME.md). Transports — the HTTP routes in ./http/, and later the
 * widget WebSocket, SMS/WhatsApp threads, phone media streams and `converse chat` — call only these.
 *
 * @example
 *   const s = await startSession(deps, { orgId }, { agent_id });
 *   const r = await sendToSession(deps, { orgId }, s.id, { type: 'text', text: 'hello' }, { onDelta: (t) => process.stdout.write(t) });
 *   await endSession(deps, { orgId }, s.id);
 */
import type { Deps } from '../deps.js';
import type { OrgScope } from '../platform/db/with-org.js';
import { startEngine, stepEngine } from './engine/index.js';
import { attachMessagingTransport } from './messaging/transport.js';
import { attachSessionFanout } from './session/fanout.js';
import type { Engine } from './session/drive.js';
import { SessionRuntime, type StartSessionInput } from './session/runtime.js';
import type { SessionSink } from './session/transport.js';
import type { CallerEvent } from './types.js';

export { SessionRuntime, type SessionRuntimeOptions, type StartSessionInput } from './session/runtime.js';
export type { SessionReply, ReplyMessage } from './session/reply.js';
export type { SessionSink } from './session/transport.js';
export { SessionBus, type SessionUpdate, type SessionListener } from './session/bus.js';
export type { SessionContext } from './context/types.js';

/** The pure flow engine (./engine) as the runtime drives it. */
export const flowEngine: Engine = { start: startEngine, step: stepEngine };

const runtimes = new WeakMap<Deps, SessionRuntime>();

/**
 * The process's runtime for these Deps (one per Deps, so every transport shares it). Tests and tools
 * that need other options (a model resolver, turn limits) build their own `new SessionRuntime(...)`.
 */
export function sessionRuntime(deps: Deps): SessionRuntime {
  let rt = runtimes.get(deps);
  if (!rt) {
    rt = new SessionRuntime(deps, { engine: flowEngine });
    runtimes.set(deps, rt);
    // Live SMS/WhatsApp turns go out to the person in the thread, whichever transport or request ran them.
    attachMessagingTransport(deps, rt.bus);
    // PostgreSQL mode: turns reach the session's subscribers on other processes, and theirs this one.
    attachSessionFanout(deps, rt.bus);
  }
  return rt;
}

export const startSession = (deps: Deps, scope: OrgScope, input: StartSessionInput, sink?: SessionSink) => sessionRuntime(deps).start(scope, input, sink);
export const sendToSession = (deps: Deps, scope: OrgScope, id: string, event: CallerEvent, sink?: SessionSink) => sessionRuntime(deps).send(scope, id, event, sink);
export const endSession = (deps: Deps, scope: OrgScope, id: string, sink?: SessionSink, reason?: 'idle_timeout' | 'opted_out') => sessionRuntime(deps).end(scope, id, sink, reason);
export const getSession = (deps: Deps, scope: OrgScope, id: string) => sessionRuntime(deps).get(scope, id);
