/**
 * Every recorded turn of every session, published once it is stored: how a transport learns of turns it
 * did not run itself. A person writing into an escalated session (POST /escalations/{id}/messages) runs a
 * `human_message` turn from an HTTP request; the widget connection of that session, or the SMS thread's
 * sender, receives the reply through here.
 *
 * In-process only: a subscriber sees the turns run by this process. With several API processes, a
 * transport's connection and the request that runs the turn may be on different processes; the
 * scale-out path (ARCHITECTURE.md) is PostgreSQL LISTEN/NOTIFY carrying (org, session, version), with
 * the subscriber re-reading the turn inside its own org's transaction.
 *
 * Isolation: a subscription names its org and session; `subscribeAll` is for transports that route by
 * the update's own org and channel (never by anything the caller sent).
 */
import type { Output, SessionChannel, SessionMode } from '../types.js';
import type { SessionReply } from './reply.js';

export interface SessionUpdate {
  orgId: string;
  sessionId: string;
  channel: SessionChannel;
  channelId: string | null;
  mode: SessionMode;
  /** What caused the turn: `start`, or the caller event's type (`text`, `dtmf`, `human_message`, `hangup`, …). */
  cause: string;
  reply: SessionReply;
  /** The turn's engine outputs as produced (actions with their own fields, e.g. a send_message's text and recipient). */
  outputs: readonly Output[];
}

export type SessionListener = (update: SessionUpdate) => void | Promise<void>;
export type ListenerErrorHandler = (err: unknown, update: SessionUpdate) => void;

export class SessionBus {
  private readonly bySession = new Map<string, Set<SessionListener>>();
  private readonly all = new Set<SessionListener>();

  constructor(private readonly onError: ListenerErrorHandler = () => undefined) {}

  /** Turns of one session of one org. Returns the unsubscribe function. */
  subscribe(orgId: string, sessionId: string, listener: SessionListener): () => void {
    const key = `${orgId}:${sessionId}`;
    let set = this.bySession.get(key);
    if (!set) this.bySession.set(key, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.bySession.get(key) === set) this.bySession.delete(key);
    };
  }

  /** Every turn of every org (transports that route by `update.orgId` and `update.channel`). */
  subscribeAll(listener: SessionListener): () => void {
    this.all.add(listener);
    return () => this.all.delete(listener);
  }

  /** Called by the runtime after a turn is stored. Listeners never break the turn: errors go to onError. */
  publish(update: SessionUpdate): void {
    const listeners = [...(this.bySession.get(`${update.orgId}:${update.sessionId}`) ?? []), ...this.all];
    for (const listener of listeners) {
      try {
        const r = listener(update);
        if (r && typeof (r as Promise<void>).catch === 'function') (r as Promise<void>).catch((err: unknown) => this.onError(err, update));
      } catch (err) {
        this.onError(err, update);
      }
    }
  }

  /** Subscriptions open (tests and /metrics). */
  get size(): number {
    let n = this.all.size;
    for (const s of this.bySession.values()) n += s.size;
    return n;
  }
}
