/**
 * The live escalation stream (`GET /escalations/stream`, docs/escalations.md "Live updates").
 *
 * The stream authenticates like every request, with `Authorization: Bearer`: the browser's EventSource
 * cannot send that header, so this reads the server-sent events through fetch with the in-memory access
 * token (api/eventStream.ts, which also reconnects with backoff). One connection is shared by every page that listens (the API
 * allows 20 per organization): it opens with the first listener and closes a few seconds after the last
 * one leaves, so moving from the queue to an escalation keeps it. A dropped connection reconnects with
 * exponential backoff (1 s doubling to 30 s, with jitter); `closed` with `credential_invalid` (the access
 * token expired) refreshes the session first. Events are not replayed, so listeners are told each time
 * the stream is (again) live and re-read the current state then.
 */
import { currentIdentity, subscribe } from '../auth/session';
import type { Row } from './client';
import { followEventStream, type StreamStatus } from './eventStream';

export type Escalation = Row<'/api/v1/escalations'>;
export type EscalationEventType = 'created' | 'claimed' | 'message' | 'released' | 'closed';
export interface EscalationEvent {
  type: EscalationEventType;
  escalation: Escalation;
  messages?: Array<{ role: string; text: string; at: string }>;
}
export type { StreamStatus };

export interface StreamListener {
  onEvent?(event: EscalationEvent): void;
  /** The stream is live (again): anything may have changed while it was not. */
  onLive?(): void;
  onStatus?(status: StreamStatus): void;
}

const STREAM_URL = '/api/v1/escalations/stream';
const EVENTS = new Set<string>(['created', 'claimed', 'message', 'released', 'closed']);
const LINGER_MS = 5_000;

const listeners = new Set<StreamListener>();
let status: StreamStatus = 'connecting';
let running: AbortController | null = null;
let lingering: ReturnType<typeof setTimeout> | null = null;

const setStatus = (s: StreamStatus) => {
  status = s;
  listeners.forEach((l) => l.onStatus?.(s));
};

const ownerOf = () => {
  const id = currentIdentity();
  return id ? `${id.user.id}:${id.organization.id}` : '';
};
let owner = '';

function start(): void {
  running?.abort();
  running = new AbortController();
  owner = ownerOf();
  void run(running.signal);
}

// A stream belongs to one user in one organization (the server checks it against the credential it was
// opened with): switching organization or user opens a new one with the new credential.
subscribe(() => {
  if (running && ownerOf() !== owner) start();
});

/** Starts listening; returns the function that stops. */
export function listenToEscalations(listener: StreamListener): () => void {
  listeners.add(listener);
  listener.onStatus?.(status);
  if (lingering) {
    clearTimeout(lingering);
    lingering = null;
  }
  if (!running) start();
  return () => {
    listeners.delete(listener);
    if (listeners.size > 0 || lingering) return;
    lingering = setTimeout(() => {
      lingering = null;
      if (listeners.size > 0) return;
      running?.abort();
      running = null;
      status = 'connecting';
    }, LINGER_MS);
  };
}

const run = (signal: AbortSignal) =>
  followEventStream(
    STREAM_URL,
    {
      onStatus: setStatus,
      onEvent: (event, payload) => {
        if (event === 'ready') {
          listeners.forEach((l) => l.onLive?.());
          return 'live';
        }
        // `closed` without an escalation is the server closing the stream, not an escalation closing.
        if (event === 'closed' && !('escalation' in payload)) return payload.reason === 'credential_invalid' ? 'refresh' : 'reconnect';
        if (EVENTS.has(event)) {
          const e = { type: event as EscalationEventType, ...(payload as Omit<EscalationEvent, 'type'>) };
          listeners.forEach((l) => l.onEvent?.(e));
        }
      },
    },
    signal,
  );
