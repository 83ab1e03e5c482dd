/**
 * A call's recording as it happens: the caller's audio and the agent's, mixed on the call's timeline
 * into one mono track, G.711 μ-law at 8 kHz, handed out in chunks of at most a minute (docs/voice.md
 * "Recordings"). No I/O: the owner stores the chunks (src/pipeline/voice/recording.ts).
 *
 * The timeline. Caller audio arrives in real time (a phone line never stops; the widget sends while the
 * microphone is on), so it is laid end to end — except after a pause in its arrival (the widget's
 * microphone off), when it resumes at the wall-clock position. Agent audio leaves faster than real time
 * (synthesis runs ahead; the far end buffers and plays it), so a piece is placed where it starts to play:
 * after the agent audio before it, or now if that has played out — the same model as the speaker's
 * playback clock. A barge-in drops the agent audio not yet played at that moment.
 *
 * Memory is bounded whatever the call's length: the samples not yet handed out (a chunk, plus a few
 * seconds for agent audio placed ahead and late caller frames) and the agent audio queued ahead of
 * playback (capped at MAX_AGENT_AHEAD_S). At 8 kHz that is about 1 MB for the mix plus what the agent
 * queued; everything older was mixed, encoded (one byte per sample) and handed out.
 */
import { muLawEncode } from './media/mulaw.js';
import { resample, Resampler } from './media/resample.js';

export const RECORDING_RATE = 8000;
/** Samples per chunk: one minute (480,000 μ-law bytes). */
export const CHUNK_SAMPLES = 60 * RECORDING_RATE;
/** Recording stops (the call goes on) after this long: 4 hours, 115.2 MB of μ-law. */
export const MAX_RECORDING_SECONDS = 4 * 3600;
/** The clock never runs further than this behind the wall clock (late or paused caller audio). */
const SLACK_SAMPLES = 0.3 * RECORDING_RATE;
/** Mixed audio is handed out this far behind the clock, so late caller frames still land in place. */
const MARGIN_SAMPLES = 2 * RECORDING_RATE;
/** Agent audio queued ahead of playback beyond this is not recorded (a runaway synthesis). */
const MAX_AGENT_AHEAD_S = 300;

export interface RecordingChunk {
  seq: number;
  /** μ-law bytes, one per sample at 8 kHz. */
  data: Uint8Array;
}

interface Segment {
  start: number;
  pcm: Int16Array;
}

export interface CallRecorderOptions {
  /** Rate of the PCM the call exchanges (8000 phone, 16000 widget); recorded at 8 kHz. */
  sampleRate: number;
  onChunk(chunk: RecordingChunk): void;
  now?: () => number;
  /** For tests; default one minute. */
  chunkSamples?: number;
  maxSeconds?: number;
}

export class CallRecorder {
  private readonly now: () => number;
  private readonly startedAt: number;
  private readonly chunkSamples: number;
  private readonly maxSamples: number;
  private readonly callerResampler: Resampler | null;
  /** Caller samples from `committed` on (mixed in when handed out). */
  private callerBuf: Int16Array;
  private callerEnd = 0;
  private agent: Segment[] = [];
  private agentEnd = 0;
  /** Samples handed out so far: the timeline position where the buffer starts. */
  private committed = 0;
  private seq = 0;
  private done = false;

  constructor(private readonly opts: CallRecorderOptions) {
    this.now = opts.now ?? Date.now;
    this.startedAt = this.now();
    this.chunkSamples = opts.chunkSamples ?? CHUNK_SAMPLES;
    this.maxSamples = (opts.maxSeconds ?? MAX_RECORDING_SECONDS) * RECORDING_RATE;
    this.callerResampler = opts.sampleRate === RECORDING_RATE ? null : new Resampler(opts.sampleRate, RECORDING_RATE);
    this.callerBuf = new Int16Array(this.chunkSamples * 2 + MARGIN_SAMPLES);
  }

  /** Caller audio as it arrives. */
  callerAudio(pcm: Int16Array): void {
    if (this.done) return;
    const audio = this.callerResampler ? this.callerResampler.process(pcm) : pcm;
    if (audio.length === 0) return;
    // Arrival paused (or lags): resume where the wall clock is, never before what was handed out.
    const wall = this.wall();
    let at = Math.max(this.callerEnd, this.committed);
    if (at + audio.length < wall - SLACK_SAMPLES) at = wall - audio.length;
    this.ensureRoom(at + audio.length);
    if (this.done) return;
    const from = Math.max(0, this.committed - at);
    this.callerBuf.set(audio.subarray(from), at + from - this.committed);
    this.callerEnd = at + audio.length;
    this.handOutDue();
  }

  /** Agent audio sent now: it plays after the agent audio before it. */
  agentAudio(pcm: Int16Array): void {
    if (this.done || pcm.length === 0) return;
    const audio = this.opts.sampleRate === RECORDING_RATE ? pcm.slice() : resample(pcm, this.opts.sampleRate, RECORDING_RATE);
    const start = Math.max(this.agentEnd, this.clock(), this.committed);
    if (start - this.clock() > MAX_AGENT_AHEAD_S * RECORDING_RATE) return;
    this.agent.push({ start, pcm: audio });
    this.agentEnd = start + audio.length;
    this.handOutDue();
  }

  /** Barge-in: agent audio that has not played yet is not heard, so it is not recorded. */
  clearAgent(): void {
    const cut = Math.max(this.clock(), this.committed);
    this.agent = this.agent.filter((s) => s.start < cut).map((s) => (s.start + s.pcm.length > cut ? { start: s.start, pcm: s.pcm.subarray(0, cut - s.start) } : s));
    this.agentEnd = Math.min(this.agentEnd, cut);
  }

  /**
   * The call is over: everything up to now (agent audio still queued past now never played) is handed
   * out. Idempotent; the recorder takes nothing after it.
   */
  finish(): void {
    if (this.done) return;
    const end = Math.min(this.maxSamples, Math.max(this.clock(), this.committed));
    while (this.committed < end && !this.done) this.handOut(Math.min(this.chunkSamples, end - this.committed));
    this.done = true;
    this.agent = [];
    this.callerBuf = new Int16Array(0);
  }

  /** The call's position in recorded samples: the caller's audio, or the wall clock when that lags. */
  private clock(): number {
    return Math.max(this.callerEnd, this.wall() - SLACK_SAMPLES);
  }

  private wall(): number {
    return Math.floor(((this.now() - this.startedAt) * RECORDING_RATE) / 1000);
  }

  /** Hands out full chunks once the clock is a margin past them. */
  private handOutDue(): void {
    while (!this.done && this.clock() - this.committed >= this.chunkSamples + MARGIN_SAMPLES) this.handOut(this.chunkSamples);
  }

  /** Makes the caller buffer reach `end` (handing out what it must: caller audio far ahead of the clock). */
  private ensureRoom(end: number): void {
    while (!this.done && end - this.committed > this.callerBuf.length) this.handOut(this.chunkSamples);
  }

  private handOut(samples: number): void {
    const n = Math.min(samples, this.maxSamples - this.committed);
    if (n <= 0) {
      this.done = true;
      return;
    }
    const mix = new Int32Array(n);
    for (let i = 0; i < n; i++) mix[i] = this.callerBuf[i]!;
    const end = this.committed + n;
    for (const s of this.agent) {
      const from = Math.max(s.start, this.committed);
      const to = Math.min(s.start + s.pcm.length, end);
      for (let t = from; t < to; t++) mix[t - this.committed]! += s.pcm[t - s.start]!;
    }
    const pcm = new Int16Array(n);
    for (let i = 0; i < n; i++) pcm[i] = Math.max(-32768, Math.min(32767, mix[i]!));
    this.agent = this.agent.filter((s) => s.start + s.pcm.length > end);
    this.callerBuf.copyWithin(0, n);
    this.callerBuf.fill(0, this.callerBuf.length - n);
    this.committed = end;
    this.opts.onChunk({ seq: this.seq++, data: muLawEncode(pcm) });
    if (this.committed >= this.maxSamples) this.done = true;
  }
}
