/**
 * Every recorded turn of every session, published once it is stored: how a transport learns of turns it
 * did not run itself. A person writing into an escalated session (POST /escalations/{id}/messages) runs a
 * `human_message` turn from an HTTP request; the widget connection of that session, or the SMS thread's
 * sender, receives the reply through here.
 *
 * Across processes (PostgreSQL mode, ./fanout.ts): a transport's connection and the request that runs
 * the turn may be on different processes. Every published turn is also handed to `onPublish` observers
 * (the fan-out sends (org, session, turn) over LISTEN/NOTIFY); another process re-reads the turn inside
 * that org's transaction and hands it to `deliverRemote`, which reaches the session's own subscribers
 * only. `subscribeAll` transports (SMS/WhatsApp sending through a provider's REST API) deliver from the
 * process that ran the turn, so they never see remote updates (no message is sent twice).
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
  /** The turn's number in the call's records (0 = the start): how another process finds the turn's transcript. */
  turn?: number;
  /**
   * Set on a turn another process ran (./fanout.ts): re-read from the database, its reply carries the
   * turn's messages and status (no variables beyond the stored ones, no `awaiting`) and `outputs` is empty.
   */
  remote?: true;
}

export type SessionListener = (update: SessionUpdate) => void | Promise<void>;
export type ListenerErrorHandler = (err: unknown, update: SessionUpdate) => void;

export class SessionBus {
  private readonly bySession = new Map<string, Set<SessionListener>>();
  private readonly all = new Set<SessionListener>();
  private readonly published = new Set<(update: SessionUpdate) => void>();

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
    this.deliver([...(this.bySession.get(`${update.orgId}:${update.sessionId}`) ?? []), ...this.all], update);
    for (const observer of this.published) {
      try {
        observer(update);
      } catch (err) {
        this.onError(err, update);
      }
    }
  }

  /** Every locally published turn, after its listeners (the cross-process fan-out). */
  onPublish(observer: (update: SessionUpdate) => void): () => void {
    this.published.add(observer);
    return () => this.published.delete(observer);
  }

  /** A turn another process ran: to that session's subscribers only (never `subscribeAll`, never `onPublish`). */
  deliverRemote(update: SessionUpdate & { remote: true }): void {
    this.deliver([...(this.bySession.get(`${update.orgId}:${update.sessionId}`) ?? [])], update);
  }

  /** Whether this process has a subscriber of that session (a remote turn is read only then). */
  has(orgId: string, sessionId: string): boolean {
    return (this.bySession.get(`${orgId}:${sessionId}`)?.size ?? 0) > 0;
  }

  private deliver(listeners: readonly SessionListener[], update: SessionUpdate): void {
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
