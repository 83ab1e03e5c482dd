/**
 * A local stand-in for Deepgram's live streaming API (`wss /v1/listen`), at the protocol level, on
 * 127.0.0.1: the handshake checks `Authorization: Token <key>` (a wrong key gets Deepgram's 401 with
 * `{"err_code":"INVALID_AUTH"}`) and the query (`encoding=linear16`, `sample_rate`, `channels=1`);
 * binary frames are caller audio. Like Deepgram it hears speech by its level: while speech arrives it
 * sends interim `Results` (`is_final: false`) with more and more words of the next scripted
 * transcript, and after `endpointing` ms of silence a final one (`is_final` and `speech_final`).
 * `{"type":"Finalize"}` flushes the utterance in progress with `from_finalize: true`, `KeepAlive`
 * keeps an idle stream open (otherwise it closes with 1011 `NET-0001` after `idleTimeoutMs`), and
 * `CloseStream` answers with `Metadata` and closes. `GET /v1/projects` serves provider tests.
 *
 * @example
 * const dg = await startFakeDeepgram({ apiKey: 'dg-key' });
 * dg.enqueue('one two three');            // what the next utterance "says"
 * createDeepgramEngine({ apiKey: 'dg-key', baseUrl: dg.url });
 * dg.connections[0].query.sample_rate; dg.connections[0].controls; await dg.close();
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { closeServer, describeRequest, http, listen, sendJson, type FakeHttpRequest } from './http.js';

export interface FakeDeepgramOptions {
  apiKey: string;
  /** Closes a stream with no audio and no KeepAlive for this long (Deepgram: 10 s). */
  idleTimeoutMs?: number;
  /** Audio between interim results, ms. */
  interimEveryMs?: number;
}

export interface FakeDeepgramConnection {
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  /** Audio bytes received. */
  audioBytes: number;
  /** Control messages received, in order (`KeepAlive`, `Finalize`, `CloseStream`). */
  controls: string[];
  /** Results sent, in order. */
  sent: Array<Record<string, unknown>>;
  closedWith?: number;
}

export interface FakeDeepgram {
  /** Base URL to configure: `${origin}/v1`. */
  url: string;
  connections: FakeDeepgramConnection[];
  /** Refused handshakes and HTTP requests. */
  requests: FakeHttpRequest[];
  /** The transcripts of the next utterances, in order (then empty transcripts). */
  enqueue(...transcripts: string[]): void;
  /** Closes every open stream from the server side with a code and reason. */
  drop(code: number, reason: string): void;
  close(): Promise<void>;
}

const SPEECH_RMS = 500; // about -36 dBFS: the level that counts as speech
const ENCODINGS = new Set(['linear16']);

export async function startFakeDeepgram(options: FakeDeepgramOptions): Promise<FakeDeepgram> {
  const queue: string[] = [];
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true });
  const server = http.createServer((req, res) => {
    const request = describeRequest(req, undefined);
    state.requests.push(request);
    if (request.method === 'GET' && request.path === '/v1/projects') {
      if (req.headers.authorization !== `Token ${options.apiKey}`) return sendJson(res, 401, invalidAuth());
      return sendJson(res, 200, { projects: [{ project_id: randomUUID(), name: 'fake project' }] });
    }
    sendJson(res, 404, { err_code: 'NOT_FOUND', err_msg: 'Not found', request_id: randomUUID() });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const request = describeRequest(req, undefined);
    const refuse = (status: number, body: unknown) => {
      state.requests.push(request);
      const text = JSON.stringify(body);
      socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\ncontent-type: application/json\r\ndg-error: ${(body as { err_msg: string }).err_msg}\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`);
    };
    if (request.path !== '/v1/listen') return refuse(404, { err_code: 'NOT_FOUND', err_msg: 'Not found', request_id: randomUUID() });
    if (req.headers.authorization !== `Token ${options.apiKey}`) return refuse(401, invalidAuth());
    const q = request.query;
    const rate = Number(q.sample_rate);
    if (!ENCODINGS.has(q.encoding ?? '') || !(rate >= 8000 && rate <= 48000) || (q.channels ?? '1') !== '1') {
      return refuse(400, { err_code: 'Bad Request', err_msg: 'Bad Request: failed to process audio: unsupported encoding or sample rate', request_id: randomUUID() });
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      serveStream(ws, { query: q, headers: req.headers, audioBytes: 0, controls: [], sent: [] }, rate);
    });
  });

  function serveStream(ws: WebSocket, conn: FakeDeepgramConnection, rate: number): void {
    state.connections.push(conn);
    const requestId = randomUUID();
    const endpointingMs = q(conn.query.endpointing, 10);
    const interimEveryMs = options.interimEveryMs ?? 100;
    const interim = conn.query.interim_results === 'true';
    let words: string[] | null = null; // the utterance being heard
    let heardMs = 0; // speech in this utterance
    let silenceMs = 0; // silence since the last speech
    let sinceInterimMs = 0;
    let audioSeconds = 0;
    let idle: NodeJS.Timeout | undefined;
    const armIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(() => ws.close(1011, 'NET-0001'), options.idleTimeoutMs ?? 10_000);
    };
    armIdle();

    const send = (msg: Record<string, unknown>) => {
      conn.sent.push(msg);
      ws.send(JSON.stringify(msg));
    };
    const results = (text: string, flags: { is_final: boolean; speech_final: boolean; from_finalize?: boolean }) =>
      send({
        type: 'Results',
        channel_index: [0, 1],
        duration: heardMs / 1000,
        start: audioSeconds - heardMs / 1000,
        ...flags,
        from_finalize: flags.from_finalize ?? false,
        channel: { alternatives: [{ transcript: text, confidence: text ? 0.97 : 0, words: text ? text.split(' ').map((word) => ({ word, confidence: 0.97 })) : [] }] },
        metadata: { request_id: requestId, model_info: { name: conn.query.model ?? 'nova-3' } },
      });
    // Words heard so far: one per 150 ms of speech, at least one.
    const soFar = () => (words ? words.slice(0, Math.max(1, Math.min(words.length, Math.floor(heardMs / 150)))).join(' ') : '');
    const endUtterance = (flags: { speech_final: boolean; from_finalize?: boolean }) => {
      results(words ? words.join(' ') : '', { is_final: true, ...flags });
      words = null;
      heardMs = 0;
      silenceMs = 0;
    };

    ws.on('message', (data, isBinary) => {
      armIdle();
      if (!isBinary) {
        let type = '';
        try {
          type = String((JSON.parse(data.toString()) as { type?: unknown }).type);
        } catch {
          return ws.close(1008, 'DATA-0000');
        }
        conn.controls.push(type);
        if (type === 'Finalize') endUtterance({ speech_final: false, from_finalize: true });
        if (type === 'CloseStream') {
          send({ type: 'Metadata', request_id: requestId, duration: audioSeconds, channels: 1 });
          ws.close(1000);
        }
        return;
      }
      const bytes = data as Buffer;
      conn.audioBytes += bytes.length;
      const samples = new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length - (bytes.length % 2)));
      const ms = (samples.length / rate) * 1000;
      audioSeconds += ms / 1000;
      let sum = 0;
      for (const s of samples) sum += s * s;
      const isSpeech = samples.length > 0 && Math.sqrt(sum / samples.length) >= SPEECH_RMS;
      if (isSpeech) {
        words ??= (queue.shift() ?? '').split(/\s+/).filter(Boolean);
        heardMs += ms;
        silenceMs = 0;
        sinceInterimMs += ms;
        if (interim && sinceInterimMs >= interimEveryMs) {
          sinceInterimMs = 0;
          results(soFar(), { is_final: false, speech_final: false });
        }
      } else if (words) {
        silenceMs += ms;
        if (silenceMs >= endpointingMs) endUtterance({ speech_final: true });
      }
    });
    ws.on('close', (code) => {
      clearTimeout(idle);
      conn.closedWith = code;
    });
  }

  const origin = await listen(server);
  const state: FakeDeepgram = {
    url: `${origin}/v1`,
    connections: [],
    requests: [],
    enqueue: (...transcripts) => void queue.push(...transcripts),
    drop: (code, reason) => {
      for (const ws of sockets) ws.close(code, reason);
    },
    close: async () => {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await closeServer(server);
    },
  };
  return state;
}

const invalidAuth = () => ({ err_code: 'INVALID_AUTH', err_msg: 'Invalid credentials.', request_id: randomUUID() });
const q = (v: string | undefined, fallback: number) => (v !== undefined && Number.isFinite(Number(v)) ? Number(v) : fallback);
