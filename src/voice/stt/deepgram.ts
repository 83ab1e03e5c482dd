import WebSocket from 'ws';
import { pcmToBytes } from '../media/pcm.js';
import { SpeechProviderError } from '../cloud/errors.js';
import { connectListen, listenUrl, PROVIDER, type DeepgramOptions } from './deepgram-socket.js';
import type { SttEngine, SttResult, SttSession, SttStartOptions } from './types.js';

/**
 * Deepgram live streaming recognition over its WebSocket API: `wss://api.deepgram.com/v1/listen` with
 * `encoding=linear16&sample_rate=…&channels=1&model=…&interim_results=true&endpointing=…`,
 * `Authorization: Token <key>`, caller audio as binary frames. Deepgram answers with JSON `Results`
 * messages: interim hypotheses (`is_final: false`, passed to `onPartial`) and final segments
 * (`is_final: true`, `speech_final` at its own end of speech).
 *
 * One connection per session (a call). The transport's VAD still decides where an utterance ends:
 * `finish` sends `{"type":"Finalize"}`, Deepgram flushes what it holds and marks that result
 * `from_finalize: true`, and the utterance is every final segment since the previous `finish`.
 * `{"type":"KeepAlive"}` goes out while no audio flows (Deepgram closes an idle stream after 10 s), and
 * `close` sends `{"type":"CloseStream"}`. A stream Deepgram drops fails the utterance it was hearing;
 * the next audio opens a new one. Recognition is open-vocabulary: `setGrammar` changes nothing.
 */
export function createDeepgramEngine(options: DeepgramOptions): SttEngine {
  const sessions = new Set<DeepgramSession>();
  return {
    name: 'deepgram',
    async start(start: SttStartOptions): Promise<SttSession> {
      const url = listenUrl(options, start.sampleRate);
      const socket = await connectListen(url, options);
      const session = new DeepgramSession(socket, start, () => connectListen(url, options), options, () => sessions.delete(session));
      sessions.add(session);
      return session;
    },
    async close() {
      for (const s of sessions) s.close();
    },
  };
}

interface DeepgramResults {
  type: 'Results';
  is_final?: boolean;
  speech_final?: boolean;
  from_finalize?: boolean;
  channel?: { alternatives?: Array<{ transcript?: string; confidence?: number }> };
}

interface PendingFinish {
  resolve: (r: SttResult) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  startedAt: number;
}

/** Audio kept while a dropped stream reconnects: 10 s at 16 kHz. */
const MAX_BACKLOG_BYTES = 10 * 16000 * 2;

class DeepgramSession implements SttSession {
  private socket: WebSocket | null;
  private reconnecting: Promise<void> | null = null;
  private backlog: Uint8Array[] = [];
  private backlogBytes = 0;
  private finals: string[] = [];
  private confidences: number[] = [];
  private interim = '';
  private lastPartial = '';
  private hasAudio = false; // audio written since the last finish
  private pending: PendingFinish | null = null;
  private finishing: Promise<unknown> = Promise.resolve();
  /** Why the current utterance was lost; the next `finish` reports it once. */
  private failure: Error | null = null;
  private isClosed = false;
  private lastSentAt = Date.now();
  private readonly keepAlive: NodeJS.Timeout;

  constructor(
    socket: WebSocket,
    private readonly start: SttStartOptions,
    private readonly reconnect: () => Promise<WebSocket>,
    private readonly options: DeepgramOptions,
    private readonly onClosed: () => void,
  ) {
    this.socket = socket;
    this.attach(socket);
    const every = options.keepAliveMs ?? 4000;
    this.keepAlive = setInterval(() => {
      if (Date.now() - this.lastSentAt >= every) this.send(JSON.stringify({ type: 'KeepAlive' }));
    }, Math.max(50, Math.floor(every / 2)));
    this.keepAlive.unref();
  }

  private attach(socket: WebSocket): void {
    socket.on('message', (data, isBinary) => {
      if (socket === this.socket && !isBinary) this.onMessage(data.toString());
    });
    socket.on('error', () => {}); // 'close' follows and reports
    socket.on('close', (code, reason) => {
      if (socket === this.socket) this.onDrop(code, reason.toString());
    });
  }

  write(pcm: Int16Array): void {
    // A lost utterance stays lost (its `finish` reports why); audio flows again from the next one.
    if (this.isClosed || this.failure || pcm.length === 0) return;
    this.hasAudio = true;
    if (this.socket) return this.send(pcmToBytes(pcm));
    // The stream dropped between utterances: reconnect (once per utterance: a failure stops the
    // writes until `finish`) and send what arrived meanwhile.
    this.buffer(pcmToBytes(pcm));
    if (this.reconnecting) return;
    this.reconnecting = this.reconnect().then(
      (socket) => {
        this.reconnecting = null;
        if (this.isClosed) return void socket.terminate();
        this.socket = socket;
        this.attach(socket);
        for (const bytes of this.backlog) this.send(bytes);
        this.backlog = [];
        this.backlogBytes = 0;
      },
      (err: Error) => {
        this.reconnecting = null;
        this.failure = err;
        this.backlog = [];
        this.backlogBytes = 0;
      },
    );
  }

  private buffer(bytes: Uint8Array): void {
    if (this.backlogBytes + bytes.length > MAX_BACKLOG_BYTES) return;
    this.backlog.push(bytes);
    this.backlogBytes += bytes.length;
  }

  finish(): Promise<SttResult> {
    const run = this.finishing.then(() => this.finishUtterance());
    this.finishing = run.catch(() => {});
    return run;
  }

  private async finishUtterance(): Promise<SttResult> {
    await this.reconnecting;
    const failure = this.failure;
    if (failure) {
      this.failure = null;
      this.resetUtterance();
      throw failure;
    }
    const startedAt = performance.now();
    if (!this.hasAudio || !this.socket) {
      this.resetUtterance();
      return { text: '', confidence: 0, finalizeMs: 0 };
    }
    return new Promise<SttResult>((resolve, reject) => {
      // Deepgram answers Finalize with a `from_finalize` result; if that never comes the segments
      // already final are the transcript rather than a stalled turn.
      const timer = setTimeout(() => this.completeFinish(), this.options.finalizeTimeoutMs ?? 3000);
      this.pending = { resolve, reject, timer, startedAt };
      this.send(JSON.stringify({ type: 'Finalize' }));
    });
  }

  async setGrammar(): Promise<void> {
    // Open vocabulary: Deepgram needs no per-prompt grammar.
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    clearInterval(this.keepAlive);
    this.completeFinish();
    const socket = this.socket;
    this.socket = null;
    if (socket?.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: 'CloseStream' }));
      // Deepgram sends its Metadata and closes; a server that does not is closed from here.
      setTimeout(() => socket.terminate(), 2000).unref();
    }
    this.onClosed();
  }

  private send(data: Uint8Array | string): void {
    if (this.socket?.readyState !== WebSocket.OPEN) return;
    this.socket.send(data);
    this.lastSentAt = Date.now();
  }

  private onMessage(text: string): void {
    let message: DeepgramResults;
    try {
      message = JSON.parse(text) as DeepgramResults;
    } catch {
      return;
    }
    if (message.type !== 'Results') return; // Metadata, SpeechStarted, UtteranceEnd
    const best = message.channel?.alternatives?.[0];
    const transcript = (best?.transcript ?? '').trim();
    if (message.is_final) {
      if (transcript) {
        this.finals.push(transcript);
        this.confidences.push(best?.confidence ?? 0);
      }
      this.interim = '';
    } else {
      this.interim = transcript;
    }
    if (message.from_finalize && this.pending) {
      this.completeFinish();
      return;
    }
    const partial = [...this.finals, this.interim].filter(Boolean).join(' ');
    if (partial && partial !== this.lastPartial) {
      this.lastPartial = partial;
      this.start.onPartial?.({ text: partial });
    }
  }

  private resetUtterance(): void {
    this.finals = [];
    this.confidences = [];
    this.interim = '';
    this.lastPartial = '';
    this.hasAudio = false;
  }

  /** Resolves the pending `finish` with the segments so far and starts the next utterance. */
  private completeFinish(): void {
    const pending = this.pending;
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pending = null;
    const text = this.finals.join(' ');
    const confidence = this.confidences.length ? this.confidences.reduce((a, b) => a + b, 0) / this.confidences.length : 0;
    this.resetUtterance();
    pending.resolve({ text, confidence, finalizeMs: Math.round(performance.now() - pending.startedAt) });
  }

  /**
   * Deepgram closed the stream (1008 undecodable audio, 1011 e.g. NET-0001 after 10 s without audio,
   * or the network): the utterance in progress is lost and its `finish` fails; the next audio opens a
   * new stream.
   */
  private onDrop(code: number, reason: string): void {
    this.socket = null;
    if (this.isClosed) return;
    const token = /^[A-Z]{2,5}-\d{4}$/.test(reason) ? `, ${reason}` : '';
    const failure = new SpeechProviderError(PROVIDER, code === 1008 ? 'protocol' : 'unavailable', `the provider closed the stream (code ${code}${token})`);
    if (this.pending) {
      clearTimeout(this.pending.timer);
      this.pending.reject(failure);
      this.pending = null;
      this.resetUtterance();
    } else if (this.hasAudio) {
      this.failure = failure;
    }
  }
}
