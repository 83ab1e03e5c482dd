/**
 * What the widget endpoint keeps per process: open connections per channel (the connection cap), the
 * connection each live session is attached to (a resume replaces it), and the timers that end a session
 * whose connection dropped and did not come back within the resume window.
 */
import type { Deps } from '../../deps.js';
import type { WidgetLimits } from '../../config.js';
import { endSession } from '../index.js';

export interface Attached {
  /** Closes a connection whose session was resumed by another one. */
  replaced(): void;
}

const key = (orgId: string, id: string) => `${orgId}:${id}`;

export class WidgetHub {
  private readonly perChannel = new Map<string, number>();
  private readonly live = new Map<string, Attached>();
  private readonly orphans = new Map<string, NodeJS.Timeout>();

  constructor(private readonly deps: Deps, readonly limits: WidgetLimits) {}

  /** Takes a connection slot on the channel; false when it is full. */
  open(orgId: string, channelId: string): boolean {
    const k = key(orgId, channelId);
    const n = this.perChannel.get(k) ?? 0;
    if (n >= this.limits.maxConnectionsPerChannel) return false;
    this.perChannel.set(k, n + 1);
    return true;
  }

  release(orgId: string, channelId: string): void {
    const k = key(orgId, channelId);
    const n = (this.perChannel.get(k) ?? 1) - 1;
    if (n <= 0) this.perChannel.delete(k);
    else this.perChannel.set(k, n);
  }

  /** The session now talks through `conn`: a pending end is cancelled, a previous connection closed. */
  attach(orgId: string, sessionId: string, conn: Attached): void {
    const k = key(orgId, sessionId);
    const timer = this.orphans.get(k);
    if (timer) clearTimeout(timer);
    this.orphans.delete(k);
    const before = this.live.get(k);
    this.live.set(k, conn);
    if (before && before !== conn) before.replaced();
  }

  /**
   * `conn` dropped. Unless another connection took the session over (or it has ended), the session
   * waits `resumeSeconds` for a resume and is then ended as a hang-up.
   */
  detach(orgId: string, sessionId: string, conn: Attached, ended: boolean): void {
    const k = key(orgId, sessionId);
    if (this.live.get(k) !== conn) return;
    this.live.delete(k);
    if (ended) return;
    const timer = setTimeout(() => {
      this.orphans.delete(k);
      endSession(this.deps, { orgId }, sessionId).catch((err: unknown) => this.deps.log.warn({ err, call: sessionId, org: orgId }, 'ending an abandoned widget session failed'));
    }, this.limits.resumeSeconds * 1000);
    timer.unref();
    this.orphans.set(k, timer);
  }

  /** Server shutdown: pending ends are dropped (the sessions stay resumable on another instance). */
  shutdown(): void {
    for (const t of this.orphans.values()) clearTimeout(t);
    this.orphans.clear();
  }
}
