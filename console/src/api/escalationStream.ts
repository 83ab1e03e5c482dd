/**
 * The live escalation stream (`GET /escalations/stream`, docs/escalations.md "Live updates").
 *
 * The stream authenticates like every request, with `Authorization: Bearer`: the browser's EventSource
 * cannot send that header, so this reads the server-sent events through fetch with the in-memory access
 * token (authFetch refreshes it on a 401). One connection is shared by every page that listens (the API
 * allows 20 per organization): it opens with the first listener and closes a few seconds after the last
 * one leaves, so moving from the queue to an escalation keeps it. A dropped connection reconnects with
 * exponential backoff (1 s doubling to 30 s, with jitter); `closed` with `credential_invalid` (the access
 * token expired) refreshes the session first. Events are not replayed, so listeners are told each time
 * the stream is (again) live and re-read the current state then.
 */
import { authedFetch, currentIdentity, refreshSession, subscribe } from '../auth/session';
import type { Row } from './client';

export type Escalation = Row<'/api/v1/escalations'>;
export type EscalationEventType = 'created' | 'claimed' | 'message' | 'released' | 'closed';
export interface EscalationEvent {
  type: EscalationEventType;
  escalation: Escalation;
  messages?: Array<{ role: string; text: string; at: string }>;
}
export type StreamStatus = 'connecting' | 'live' | 'reconnecting';

export interface StreamListener {
  onEvent?(event: EscalationEvent): void;
  /** The stream is live (again): anything may have changed while it was not. */
  onLive?(): void;
  onStatus?(status: StreamStatus): void;
}

const STREAM_URL = '/api/v1/escalations/stream';
const EVENTS = new Set<string>(['created', 'claimed', 'message', 'released', 'closed']);
const LINGER_MS = 5_000;
export const BACKOFF = { initialMs: 1_000, maxMs: 30_000 };

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

/** Connects, reads until the stream ends, reconnects after a growing pause; until aborted. */
async function run(signal: AbortSignal): Promise<void> {
  let delay = BACKOFF.initialMs;
  while (!signal.aborted) {
    let ended: 'credential_invalid' | 'other' = 'other';
    try {
      const res = await authedFetch(STREAM_URL, { headers: { accept: 'text/event-stream' }, signal });
      if (res.ok && res.body) {
        ended = await read(res.body, signal, () => {
          delay = BACKOFF.initialMs;
          setStatus('live');
          listeners.forEach((l) => l.onLive?.());
        });
      }
    } catch {
      // a dropped connection or an abort: the loop decides
    }
    if (signal.aborted) return;
    setStatus('reconnecting');
    if (ended === 'credential_invalid') await refreshSession();
    await sleep(delay * (0.75 + Math.random() / 2), signal);
    delay = Math.min(delay * 2, BACKOFF.maxMs);
  }
}

/** Dispatches the stream's events until it ends; says why it ended when the server said. */
async function read(body: ReadableStream<BufferSource>, signal: AbortSignal, onReady: () => void): Promise<'credential_invalid' | 'other'> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  signal.addEventListener('abort', () => void reader.cancel().catch(() => undefined), { once: true });
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return 'other';
    buffer += value.replace(/\r\n/g, '\n');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: ?(.*)$/m.exec(frame)?.[1];
      const data = frame.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, '')).join('\n');
      if (!event) continue; // heartbeat comments and the retry hint
      const payload = data ? (JSON.parse(data) as Record<string, unknown>) : {};
      if (event === 'ready') onReady();
      else if (event === 'closed' && !('escalation' in payload)) return payload.reason === 'credential_invalid' ? 'credential_invalid' : 'other';
      else if (EVENTS.has(event)) {
        const e = { type: event as EscalationEventType, ...(payload as Omit<EscalationEvent, 'type'>) };
        listeners.forEach((l) => l.onEvent?.(e));
      }
    }
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
