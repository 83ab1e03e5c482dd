/**
 * Following a server-sent event stream of the API (escalations, campaign stats) with the bearer token.
 *
 * The browser's EventSource cannot send `Authorization`, so this reads the stream through fetch with the
 * in-memory access token (authedFetch refreshes it on a 401). A dropped connection reconnects with
 * exponential backoff (1 s doubling to 30 s, with jitter). The caller's `onEvent` tells the loop what an
 * event means: the stream is live (the backoff starts over), the server closed it because the access
 * token expired (refresh the session, then reconnect), or it is over for good.
 */
import { authedFetch, refreshSession } from '../auth/session';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'ended';
export const BACKOFF = { initialMs: 1_000, maxMs: 30_000 };

/** What an event means to the connection (nothing: just data). */
export type StreamDirective = 'live' | 'reconnect' | 'refresh' | 'end' | void;

export interface FollowOptions {
  onEvent(event: string, data: Record<string, unknown>): StreamDirective;
  onStatus(status: StreamStatus): void;
}

/**
 * Connects, reads until the stream ends, reconnects after a growing pause; until aborted or an event
 * says `end`. A refusal that retrying cannot change (403, 404: another org's or a deleted resource) ends it too.
 */
export async function followEventStream(url: string, opts: FollowOptions, signal: AbortSignal): Promise<void> {
  let delay = BACKOFF.initialMs;
  while (!signal.aborted) {
    let ended: Exclude<StreamDirective, 'live'> = 'reconnect';
    try {
      const res = await authedFetch(url, { headers: { accept: 'text/event-stream' }, signal });
      if (res.status === 403 || res.status === 404) ended = 'end';
      else if (res.ok && res.body) {
        ended = await read(res.body, signal, (event, data) => {
          const d = opts.onEvent(event, data);
          if (d === 'live') {
            delay = BACKOFF.initialMs;
            opts.onStatus('live');
            return undefined;
          }
          return d;
        });
      }
    } catch {
      // a dropped connection or an abort: the loop decides
    }
    if (signal.aborted) return;
    if (ended === 'end') return opts.onStatus('ended');
    opts.onStatus('reconnecting');
    if (ended === 'refresh') await refreshSession();
    await sleep(delay * (0.75 + Math.random() / 2), signal);
    delay = Math.min(delay * 2, BACKOFF.maxMs);
  }
}

/** Dispatches the stream's events until it ends or an event stops it; says why. */
async function read(body: ReadableStream<BufferSource>, signal: AbortSignal, onEvent: (event: string, data: Record<string, unknown>) => Exclude<StreamDirective, 'live'>): Promise<Exclude<StreamDirective, 'live'>> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  signal.addEventListener('abort', () => void reader.cancel().catch(() => undefined), { once: true });
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return 'reconnect';
    buffer += value.replace(/\r\n/g, '\n');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: ?(.*)$/m.exec(frame)?.[1];
      const data = frame.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, '')).join('\n');
      if (!event) continue; // heartbeat comments and the retry hint
      const stop = onEvent(event, data ? (JSON.parse(data) as Record<string, unknown>) : {});
      if (stop) {
        void reader.cancel().catch(() => undefined);
        return stop;
      }
    }
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
