/** What the session transports may use of recorded provider callbacks (never ./repo.ts). In the caller's transaction. */
export { getChannelEvent, type ChannelEventRow } from './repo.js';
export type { HookResult, InboundHooks, RecordedCallback } from './service.js';
