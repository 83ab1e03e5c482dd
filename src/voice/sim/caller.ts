/**
 * A simulated phone caller on a provider media stream (used by tests, bench/voice.ts and
 * `converse call-sim`): it plays the provider's side of the WebSocket (Twilio Media Streams, Plivo's
 * bidirectional stream or Exotel's voicebot stream) — or, as `widget`, a browser on the web widget's
 * WebSocket (binary PCM Int16 LE 16 kHz both ways, JSON text frames) — and sends a real-time line — scripted lines
 * synthesized with espeak-ng, silence in between, like a phone line that never stops — and collects
 * what the agent says, as audio bursts it can transcribe with pocketsphinx.
 *
 * Nothing here knows Converse's internals: only the provider protocol and audio.
 */
import WebSocket from 'ws';
import { muLawDecode, muLawEncode } from '../media/mulaw.js';
import { concatPcm, pcmFromBytes, pcmToBytes } from '../media/pcm.js';
import type { SttEngine } from '../stt/types.js';
import type { TtsEngine } from '../tts/types.js';

export type SimProvider = 'twilio' | 'plivo' | 'exotel' | 'widget';

export interface CallerOptions {
  /** The stream URL from the answer markup, or a widget session URL (rewritten to where the server listens, if needed). */
  url: string;
  provider: SimProvider;
  /** The provider's call id the start event carries (unused by `widget`). */
  providerCallId: string;
  /** `widget`: the page's Origin header. */
  origin?: string;
  tts: TtsEngine;
  /** The caller's voice (espeak-ng's en-us+f2 by default). */
  voice?: string;
  /** A gap in agent audio this long closes an agent utterance. */
  utteranceGapMs?: number;
}

export interface AgentUtterance {
  pcm: Int16Array;
  /** Wall time of its first audio. */
  at: number;
}

/** Phone lines are 8 kHz; the widget is 16 kHz. */
const rateOf = (provider: SimProvider): number => (provider === 'widget' ? 16_000 : 8000);
/** The line is not digital silence: a faint hiss, as on a real phone line. */
const LINE_NOISE = 40;

export class SimulatedCaller {
  private readonly ws: WebSocket;
  private readonly streamId = `MZ${Math.random().toString(16).slice(2).padEnd(32, '0').slice(0, 32)}`;
  private outgoing: Int16Array[] = [];
  private sentFrames = 0;
  private startedAt = 0;
  private ticker: NodeJS.Timeout | undefined;
  private current: Int16Array[] = [];
  private lastAudioAt = 0;
  private seq = 0;
  private noiseState = 1;
  readonly utterances: AgentUtterance[] = [];
  /** Wall times the server told us to drop buffered audio (barge-in). */
  readonly clears: number[] = [];
  readonly marks: string[] = [];
  /** Resolves with the close code when the server (or we) closed the stream. */
  readonly closed: Promise<number>;
  private waiters: Array<() => void> = [];
  /** Wall time the current spoken line's first frame went out. */
  lastLineStartedAt = 0;
  /** `widget`: every JSON frame the server sent (session, message, transcript, clear, ended, error…). */
  readonly frames: Array<Record<string, unknown>> = [];
  private readonly rate: number;
  /** 20 ms of audio. */
  private readonly frame: number;

  private constructor(private readonly opts: CallerOptions) {
    this.rate = rateOf(opts.provider);
    this.frame = this.rate / 50;
    this.ws = new WebSocket(opts.url, opts.origin ? { headers: { origin: opts.origin } } : {});
    this.closed = new Promise((resolve) => this.ws.on('close', (code) => {
      this.stopTicker();
      this.flushUtterance();
      resolve(code);
    }));
    this.ws.on('error', () => {});
    this.ws.on('message', (data, isBinary) => {
      if (isBinary) this.heard(pcmFromBytes(new Uint8Array(data as Buffer)));
      else this.receive(String(data));
    });
  }

  /** Connects and sends the provider's opening events. Resolves once the socket is open. */
  static async connect(opts: CallerOptions): Promise<SimulatedCaller> {
    const c = new SimulatedCaller(opts);
    await new Promise<void>((resolve, reject) => {
      c.ws.once('open', () => resolve());
      c.ws.once('close', () => reject(new Error('the stream was closed before it opened')));
      c.ws.once('error', reject);
    });
    c.open();
    return c;
  }

  private open(): void {
    const { provider, providerCallId } = this.opts;
    if (provider === 'twilio') {
      this.send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
      this.send({ event: 'start', sequenceNumber: String(++this.seq), streamSid: this.streamId, start: { streamSid: this.streamId, callSid: providerCallId, accountSid: 'AC-sim', tracks: ['inbound'], customParameters: {}, mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: this.rate, channels: 1 } } });
    } else if (provider === 'exotel') {
      this.send({ event: 'connected' });
      this.send({ event: 'start', sequence_number: ++this.seq, stream_sid: this.streamId, start: { stream_sid: this.streamId, call_sid: providerCallId, media_format: { encoding: 'raw/slin', sample_rate: String(this.rate) } } });
    } else if (provider === 'plivo') {
      this.send({ event: 'start', sequenceNumber: ++this.seq, start: { callId: providerCallId, streamId: this.streamId, tracks: ['inbound'], mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: this.rate } } });
    }
    this.startedAt = Date.now();
    this.ticker = setInterval(() => this.tick(), 20);
  }

  private send(m: unknown): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(m));
  }

  /** Real time: every frame due since the start goes out (catching up after a late timer). */
  private tick(): void {
    const due = Math.floor((Date.now() - this.startedAt) / 20);
    while (this.sentFrames < due && this.ws.readyState === WebSocket.OPEN) {
      this.sendFrame(this.nextFrame());
      this.sentFrames++;
    }
    if (this.outgoing.length === 0) this.wake();
  }

  private nextFrame(): Int16Array {
    const head = this.outgoing[0];
    if (!head) {
      return Int16Array.from({ length: this.frame }, () => {
        this.noiseState = (this.noiseState * 1664525 + 1013904223) >>> 0;
        return Math.round(((this.noiseState / 2 ** 32) * 2 - 1) * LINE_NOISE);
      });
    }
    if (head.length <= this.frame) {
      this.outgoing.shift();
      const f = new Int16Array(this.frame);
      f.set(head);
      return f;
    }
    this.outgoing[0] = head.subarray(this.frame);
    return head.slice(0, this.frame);
  }

  private sendFrame(pcm: Int16Array): void {
    const p = this.opts.provider;
    if (p === 'widget') return void (this.ws.readyState === WebSocket.OPEN && this.ws.send(pcmToBytes(pcm), { binary: true }));
    const payload = Buffer.from(p === 'exotel' ? pcmToBytes(pcm) : muLawEncode(pcm)).toString('base64');
    const ts = String(this.sentFrames * 20);
    if (p === 'twilio') this.send({ event: 'media', sequenceNumber: String(++this.seq), streamSid: this.streamId, media: { track: 'inbound', chunk: String(this.sentFrames + 1), timestamp: ts, payload } });
    else if (p === 'exotel') this.send({ event: 'media', sequence_number: ++this.seq, stream_sid: this.streamId, media: { chunk: this.sentFrames + 1, timestamp: ts, payload } });
    else this.send({ event: 'media', streamId: this.streamId, media: { track: 'inbound', timestamp: ts, chunk: this.sentFrames + 1, payload } });
  }

  private receive(text: string): void {
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    if (this.opts.provider === 'widget') this.frames.push(m);
    const event = m.event ?? (this.opts.provider === 'widget' ? m.type : undefined);
    if (event === 'media' || event === 'playAudio') {
      const payload = (m.media as { payload?: string } | undefined)?.payload;
      if (!payload) return;
      const bytes = new Uint8Array(Buffer.from(payload, 'base64'));
      this.heard(this.opts.provider === 'exotel' ? pcmFromBytes(bytes) : muLawDecode(bytes));
    } else if (event === 'clear' || event === 'clearAudio') {
      this.clears.push(Date.now());
      this.flushUtterance();
    } else if (event === 'mark' || event === 'checkpoint') {
      this.marks.push(String((m.mark as { name?: string } | undefined)?.name ?? m.name ?? ''));
    }
  }

  /** Agent audio arrived: part of the current utterance, or the start of a new one after a gap. */
  private heard(pcm: Int16Array): void {
    const now = Date.now();
    if (this.current.length > 0 && now - this.lastAudioAt > (this.opts.utteranceGapMs ?? 700)) this.flushUtterance();
    if (this.current.length === 0) this.utterances.push({ pcm: new Int16Array(0), at: now });
    this.current.push(pcm);
    this.utterances[this.utterances.length - 1]!.pcm = concatPcm(this.current);
    this.lastAudioAt = now;
  }

  private flushUtterance(): void {
    this.current = [];
  }

  /** Says a line: synthesized now, sent in real time; resolves once its last frame went out. */
  async say(text: string): Promise<void> {
    const chunks: Int16Array[] = [];
    for await (const c of this.opts.tts.synthesize(text, { sampleRate: this.rate, ...(this.opts.voice ? { voice: this.opts.voice } : {}) })) chunks.push(c);
    await this.play(concatPcm(chunks));
  }

  /** Sends audio in real time after what is already queued. */
  async play(pcm: Int16Array): Promise<void> {
    this.outgoing.push(pcm);
    this.lastLineStartedAt = Date.now();
    while (this.outgoing.length > 0 && this.ws.readyState === WebSocket.OPEN) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** A key press (DTMF), as the provider reports it (the widget: a `dtmf` frame). */
  press(digit: string): void {
    if (this.opts.provider === 'widget') this.send({ type: 'dtmf', digits: digit });
    else if (this.opts.provider === 'twilio') this.send({ event: 'dtmf', streamSid: this.streamId, sequenceNumber: String(++this.seq), dtmf: { track: 'inbound_track', digit } });
    else if (this.opts.provider === 'exotel') this.send({ event: 'dtmf', stream_sid: this.streamId, sequence_number: ++this.seq, dtmf: { digit, duration: '250' } });
    else this.send({ event: 'dtmf', streamId: this.streamId, dtmf: { digit } });
  }

  /** `widget`: a typed message during the call. */
  type(text: string): void {
    this.send({ type: 'message', text });
  }

  /**
   * Waits until the agent has said `count` more utterances than `since` and then stopped talking (no
   * audio for the utterance gap); returns them.
   */
  async agentSays(opts: { since: number; count?: number; timeoutMs?: number }): Promise<AgentUtterance[]> {
    const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
    const want = opts.since + (opts.count ?? 1);
    const gap = this.opts.utteranceGapMs ?? 700;
    for (;;) {
      const quiet = Date.now() - this.lastAudioAt > gap;
      if (this.utterances.length >= want && quiet) return this.utterances.slice(opts.since);
      if (Date.now() > deadline) throw new Error(`the agent did not speak (${this.utterances.length - opts.since} of ${opts.count ?? 1} utterances heard)`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Transcribes agent audio (8 kHz phone audio unless told) with a recognizer primed with the lines the agent may say. */
  static async transcribe(stt: SttEngine, pcm: Int16Array, expectedLines: readonly string[], sampleRate = 8000): Promise<string> {
    const session = await stt.start({ sampleRate, grammar: { kind: 'free' }, languageModel: { texts: expectedLines } });
    try {
      session.write(pcm);
      return (await session.finish()).text;
    } finally {
      session.close();
    }
  }

  /** The caller hangs up: the provider's stop event (the widget: none), then the socket closes. */
  async hangup(): Promise<void> {
    if (this.opts.provider === 'twilio') this.send({ event: 'stop', sequenceNumber: String(++this.seq), streamSid: this.streamId, stop: { accountSid: 'AC-sim', callSid: this.opts.providerCallId } });
    else if (this.opts.provider === 'exotel') this.send({ event: 'stop', stream_sid: this.streamId, stop: { call_sid: this.opts.providerCallId, reason: 'callended' } });
    else if (this.opts.provider === 'plivo') this.send({ event: 'stop', streamId: this.streamId });
    this.stopTicker();
    this.ws.close(1000);
    await this.closed;
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    this.wake();
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Audio time sent so far (ms). */
  get sentMs(): number {
    return this.sentFrames * 20;
  }

  /** `widget`: resolves with the first JSON frame from `from` on that matches. */
  async frameWhere(pred: (f: Record<string, unknown>) => boolean, opts: { from?: number; timeoutMs?: number } = {}): Promise<Record<string, unknown>> {
    const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
    for (;;) {
      const hit = this.frames.slice(opts.from ?? 0).find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no such frame; got ${JSON.stringify(this.frames)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
