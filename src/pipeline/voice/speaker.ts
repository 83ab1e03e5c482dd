/**
 * The agent's voice on one call: text in (streamed deltas or whole lines), audio out through the
 * transport, one piece at a time in order. Streaming: a line's complete sentences are synthesized as
 * soon as they arrive, so the first audio leaves while an agent turn is still writing the rest.
 *
 * Playback is modelled with a clock: the far end (a phone provider, the widget) plays audio in real
 * time, so the agent is "speaking" until the audio sent so far has had time to play. That is what
 * barge-in needs to know, and what `drained` waits for before a call is hung up.
 */
import type { TtsEngine, TtsStream } from '../../voice/tts/types.js';
import type { VoiceTransport } from './transport.js';

interface Piece {
  line: number;
  text: string;
}

interface Line {
  interruptible: boolean;
  /** Wall time (ms) at which its last audio sent so far will have played. */
  playedAt: number;
  /** Pieces still queued or being synthesized. */
  pending: number;
}

export interface SpeakerEvents {
  /** The first audio of a piece left (wall time, ms): the turn's first-audio mark. */
  onFirstAudio?(piece: { line: number; startedAt: number; sentAt: number }): void;
  onError?(err: unknown): void;
}

const SENTENCE_END = /[.!?…]["')\]]*\s/;

export class AgentSpeaker {
  private readonly queue: Piece[] = [];
  private readonly lines = new Map<number, Line>();
  private current: { stream: TtsStream; line: number } | null = null;
  private running = false;
  private playbackEndsAt = 0;
  private nextLine = 0;
  /** Text of open lines not yet handed to synthesis (streamed deltas wait for a sentence end). */
  private readonly buffered = new Map<number, string>();
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly tts: TtsEngine,
    /** The agent's voice (engine-specific); null: the engine's default. */
    public voice: string | null,
    private readonly transport: VoiceTransport,
    private readonly events: SpeakerEvents = {},
    private readonly now: () => number = Date.now,
  ) {}

  /** Opens a line (one transcript entry of the agent); text arrives with `append`, `close` ends it. */
  open(interruptible = true): number {
    const line = this.nextLine++;
    this.lines.set(line, { interruptible, playedAt: 0, pending: 0 });
    this.buffered.set(line, '');
    return line;
  }

  /** Streamed text of a line: complete sentences go to synthesis now, the rest waits. */
  append(line: number, text: string): void {
    if (!this.buffered.has(line)) return;
    let rest = this.buffered.get(line)! + text;
    for (let m = SENTENCE_END.exec(rest); m; m = SENTENCE_END.exec(rest)) {
      const cut = m.index + m[0].length;
      this.enqueue(line, rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    this.buffered.set(line, rest);
  }

  /** The line is complete: what is left goes to synthesis. */
  close(line: number, interruptible?: boolean): void {
    const l = this.lines.get(line);
    if (l && interruptible !== undefined) l.interruptible = interruptible;
    const rest = this.buffered.get(line);
    this.buffered.delete(line);
    if (rest?.trim()) this.enqueue(line, rest);
    this.settleIfIdle();
  }

  /** A whole line at once. */
  say(text: string, interruptible = true): number {
    const line = this.open(interruptible);
    this.append(line, text);
    this.close(line);
    return line;
  }

  /** Whether agent audio is playing, or about to (queued, synthesizing, text still streaming in). */
  isSpeaking(): boolean {
    return this.running || this.queue.length > 0 || this.buffered.size > 0 || this.now() < this.playbackEndsAt;
  }

  /** Whether what is playing now may be cut by the caller (a flow line can be marked not interruptible). */
  isInterruptible(): boolean {
    const now = this.now();
    for (const [, l] of this.lines) if ((l.pending > 0 || l.playedAt > now) && !l.interruptible) return false;
    return true;
  }

  /**
   * Barge-in: stops synthesis, drops what is queued and tells the far end to drop what it buffered.
   * Returns the lines cut short (audio not fully played), oldest first.
   */
  interrupt(): number[] {
    const now = this.now();
    const cut = [...this.lines].filter(([id, l]) => l.pending > 0 || l.playedAt > now || this.buffered.has(id)).map(([id]) => id);
    this.queue.length = 0;
    this.buffered.clear();
    this.current?.stream.cancel();
    this.playbackEndsAt = now;
    for (const id of cut) this.lines.delete(id);
    this.transport.clearAudio();
    this.settleIfIdle();
    return cut;
  }

  /** Resolves once everything said so far has been sent and has had time to play. */
  async drained(): Promise<void> {
    while (this.running || this.queue.length > 0 || this.buffered.size > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    const wait = this.playbackEndsAt - this.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }

  /** Stops everything (the call is over). */
  stop(): void {
    this.queue.length = 0;
    this.buffered.clear();
    this.current?.stream.cancel();
    this.settleIfIdle();
  }

  private enqueue(line: number, text: string): void {
    if (!text.trim()) return;
    const l = this.lines.get(line);
    if (!l) return;
    l.pending++;
    this.queue.push({ line, text });
    if (!this.running) void this.run();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      for (let piece = this.queue.shift(); piece; piece = this.queue.shift()) await this.play(piece);
    } finally {
      this.running = false;
      this.settleIfIdle();
    }
  }

  private async play(piece: Piece): Promise<void> {
    const rate = this.transport.sampleRate;
    const startedAt = this.now();
    let first = true;
    try {
      const stream = this.tts.synthesize(piece.text, { sampleRate: rate, ...(this.voice ? { voice: this.voice } : {}) });
      this.current = { stream, line: piece.line };
      for await (const pcm of stream) {
        const line = this.lines.get(piece.line);
        if (!line) break; // interrupted
        const now = this.now();
        this.transport.sendAudio(pcm);
        this.playbackEndsAt = Math.max(this.playbackEndsAt, now) + (pcm.length * 1000) / rate;
        line.playedAt = this.playbackEndsAt;
        if (first) {
          first = false;
          this.events.onFirstAudio?.({ line: piece.line, startedAt, sentAt: now });
        }
      }
    } catch (err) {
      this.events.onError?.(err);
    } finally {
      this.current = null;
      const line = this.lines.get(piece.line);
      if (line) line.pending--;
    }
  }

  private settleIfIdle(): void {
    if (this.running || this.queue.length > 0 || this.buffered.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
    // Lines fully played are forgotten (keeps the map small on long calls).
    const now = this.now();
    for (const [id, l] of this.lines) if (l.pending === 0 && l.playedAt <= now && l.playedAt > 0) this.lines.delete(id);
  }
}
