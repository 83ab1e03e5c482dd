/**
 * The live side of the queue: every change of an escalation (created, claimed, a message in the
 * session, released, closed) is published here after its transaction committed, and the console's
 * `GET /escalations/stream` connections of THAT organization receive it. Subscriptions are keyed by the
 * org of the subscriber's verified credential; an event is delivered only to its own org's set.
 *
 * Across processes (PostgreSQL mode, ./fanout.ts): `publish` also hands the events to `onPublish`
 * observers, which send (org_id, escalation_id, event type[, turn]) — never content — over
 * LISTEN/NOTIFY; each other process re-reads the escalation inside that org's transaction and hands it
 * to `deliver`, which reaches its own streams of that org only (docs/escalations.md "Running several
 * processes").
 */
import type { Deps } from '../../deps.js';
import { attachEscalationFanout } from './fanout.js';
import type { EscalationOut } from './schemas.js';

export type EscalationEventType = 'created' | 'claimed' | 'message' | 'released' | 'closed';

export interface EscalationEvent {
  type: EscalationEventType;
  escalation: EscalationOut;
  /** For `message`: the transcript entries of the turn (the caller's words or the person's). */
  messages?: Array<{ role: string; text: string; at: string }>;
  /** For `message`: the turn of the call those entries belong to (how another process re-reads them). */
  turn?: number;
}

export interface StreamSubscriber {
  send(event: EscalationEvent): void;
  /** Ends the connection (server shutdown), telling the client why. */
  close(reason: string): void;
}

export class EscalationHub {
  private readonly byOrg = new Map<string, Set<StreamSubscriber>>();
  private readonly published = new Set<(orgId: string, events: readonly EscalationEvent[]) => void>();

  /** Adds a subscriber of `orgId` unless that org already has `max`; returns its unsubscribe, or null when full. */
  subscribe(orgId: string, sub: StreamSubscriber, max: number): (() => void) | null {
    let set = this.byOrg.get(orgId);
    if ((set?.size ?? 0) >= max) return null;
    if (!set) this.byOrg.set(orgId, (set = new Set()));
    set.add(sub);
    return () => {
      set.delete(sub);
      if (set.size === 0 && this.byOrg.get(orgId) === set) this.byOrg.delete(orgId);
    };
  }

  /** Events of a change this process committed: its own streams of the org, then the observers (the fan-out). */
  publish(orgId: string, events: readonly EscalationEvent[]): void {
    this.deliver(orgId, events);
    if (events.length > 0) for (const observer of this.published) observer(orgId, events);
  }

  onPublish(observer: (orgId: string, events: readonly EscalationEvent[]) => void): () => void {
    this.published.add(observer);
    return () => this.published.delete(observer);
  }

  /** To this process's streams of `orgId` only (also events another process published, re-read here). */
  deliver(orgId: string, events: readonly EscalationEvent[]): void {
    const set = this.byOrg.get(orgId);
    if (!set) return;
    for (const event of events) for (const sub of [...set]) sub.send(event);
  }

  /** Ends every connection (server shutdown: open streams would otherwise hold the close). */
  closeAll(reason: string): void {
    for (const set of [...this.byOrg.values()]) for (const sub of [...set]) sub.close(reason);
  }

  connections(orgId: string): number {
    return this.byOrg.get(orgId)?.size ?? 0;
  }
}

const hubs = new WeakMap<Deps, EscalationHub>();

/** The process's hub for these Deps (the session runtime, the routes and the streams share it). */
export function escalationHub(deps: Deps): EscalationHub {
  let hub = hubs.get(deps);
  if (!hub) {
    hubs.set(deps, (hub = new EscalationHub()));
    attachEscalationFanout(deps, hub);
  }
  return hub;
}
