/**
 * Server-sent events for one turn: `delta` events ({text, message}) as text is produced, then `done`
 * with the same body the JSON response has (or `error` with the API error body if the turn failed
 * after streaming began). A failure before anything was streamed is an ordinary HTTP error response.
 */
import { PassThrough } from 'node:stream';
import { AppError } from '../../platform/errors.js';
import type { SessionReply } from '../session/reply.js';
import type { SessionSink } from '../session/transport.js';

// Structural types, so this adapter needs nothing from Fastify (only routes and platform/http import it).
interface StreamRequest {
  headers: { accept?: string | undefined };
  log: { error(obj: unknown, msg: string): void };
}
interface StreamReply {
  header(name: string, value: string): StreamReply;
}

export const wantsEventStream = (request: StreamRequest): boolean => /\btext\/event-stream\b/.test(request.headers.accept ?? '');

export async function streamTurn(request: StreamRequest, reply: StreamReply, run: (sink: SessionSink) => Promise<SessionReply>): Promise<PassThrough> {
  const stream = new PassThrough();
  const write = (event: string, data: unknown) => {
    if (!stream.writableEnded) stream.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  let started = false;
  let markStarted!: () => void;
  const firstDelta = new Promise<void>((resolve) => (markStarted = resolve));
  const sink: SessionSink = {
    onDelta: (text, message) => {
      write('delta', { text, message });
      if (!started) {
        started = true;
        markStarted();
      }
    },
  };
  const done = run(sink).then(
    (body) => {
      write('done', body);
      stream.end();
    },
    (err: unknown) => {
      if (!started) throw err;
      request.log.error({ err }, 'session turn failed while streaming');
      write('error', err instanceof AppError ? err.toBody() : { error: { code: 'internal_error', message: 'Internal error' } });
      stream.end();
    },
  );
  await Promise.race([firstDelta, done]);
  void reply.header('content-type', 'text/event-stream; charset=utf-8').header('x-accel-buffering', 'no');
  return stream;
}
