/**
 * The voice turn loop of one call, for any media transport (RUNTIME.md "Voice on the same engine"):
 *
 *   caller PCM → 20 ms frames → VAD (per-agent thresholds) → STT constrained by the awaited grammar →
 *   speech_final → session runtime → say (streamed deltas) → TTS → agent PCM → transport
 *
 * plus the greeting (`begin`), barge-in (caller speech or a key while the agent talks stops its audio;
 * the cut lines are marked `interrupted` in the transcript), DTMF, silence, the call's maximum duration,
 * hang-up from either side, the latency marks of every spoken turn (stored with the turn), and the
 * call's recording when the agent records calls (./recording.ts).
 *
 * Caller events reach the runtime one at a time through `chain`; audio is handled as it arrives.
 */
import type { Deps } from '../../deps.js';
import { markAgentLinesInterrupted, setVoiceMarks, type VoiceMarks } from '../../features/calls/store.js';
import { withOrg, type OrgScope } from '../../platform/db/with-org.js';
import { AppError } from '../../platform/errors.js';
import { FrameChunker } from '../../voice/media/pcm.js';
import type { RecognitionGrammar, SttEngine, SttResult, SttSession } from '../../voice/stt/types.js';
import type { TtsEngine } from '../../voice/tts/types.js';
import { VoiceActivityDetector } from '../../voice/vad.js';
import type { SessionContext } from '../context/types.js';
import type { SessionReply } from '../session/reply.js';
import type { SessionRuntime, TurnOptions } from '../session/runtime.js';
import type { SessionSink } from '../session/transport.js';
import type { CallerEvent, Output } from '../types.js';
import { domainTexts, voiceTuning, type VoiceTuning } from './settings.js';
import { CallRecording } from './recording.js';
import { AgentSpeaker } from './speaker.js';
import type { VoiceTransport } from './transport.js';

export interface VoiceCallOptions {
  scope: OrgScope;
  callId: string;
  transport: VoiceTransport;
  runtime: SessionRuntime;
  engines: { stt: SttEngine; tts: TtsEngine };
  /** The call's frozen context (read when the stream was admitted): tuning, voice, vocabulary. */
  context: SessionContext;
  /** Told once when the call is over (either side), with the session's ended reason. */
  onEnded?: (reason: string) => void;
  /** What the recognizer heard in each caller utterance it turned into a turn (the widget's `transcript` frames). */
  onHeard?: (text: string) => void;
  /** Speech synthesis failed (logged either way; the widget tells its client when the packages are missing). */
  onSpeechError?: (err: unknown) => void;
}

/** Audio kept from before speech_start, so the recognizer hears the word's onset. */
const PRE_ROLL_MS = 200;
/** At most this much caller speech (20 ms frames) waits for a recognizer that is still loading. */
const MAX_EARLY_FRAMES = 1500;

type Marks = { turn: number | null; speechEndAt: number | null; sttMs: number | null; firstAudio: Promise<{ startedAt: number; sentAt: number } | null> };

export class VoiceCall {
  private readonly speaker: AgentSpeaker;
  /** Null unless the agent records calls (`settings.voice.record`). */
  private readonly recording: CallRecording | null;
  /** The recording's last chunks being written, once the call closed. */
  private recordingStored: Promise<void> = Promise.resolve();
  private readonly chunker: FrameChunker;
  private readonly vad: VoiceActivityDetector;
  private stt: SttSession | null = null;
  /** Caller audio of an utterance that began before recognition was ready (the decoder is still loading). */
  private early: Int16Array[] = [];
  private readonly tuning: VoiceTuning;
  private readonly context: SessionContext;
  private chain: Promise<unknown> = Promise.resolve();
  private preRoll: Int16Array[] = [];
  private inUtterance = false;
  private grammar: RecognitionGrammar = { kind: 'free' };
  private pendingGrammar: RecognitionGrammar | null = null;
  private awaitingDtmfOnly = false;
  private digits = '';
  private digitTimer: NodeJS.Timeout | undefined;
  private silenceTimer: NodeJS.Timeout | undefined;
  private maxTimer: NodeJS.Timeout | undefined;
  private finished = false;
  private began = false;
  /** First audio of the current turn (resolved by the speaker), for its latency marks. */
  private firstAudio: ((v: { startedAt: number; sentAt: number } | null) => void) | null = null;

  constructor(private readonly deps: Deps, private readonly opts: VoiceCallOptions) {
    const rate = opts.transport.sampleRate;
    this.chunker = new FrameChunker(rate);
    this.context = opts.context;
    this.tuning = voiceTuning(opts.context);
    this.vad = new VoiceActivityDetector({ sampleRate: rate, ...this.tuning.vad });
    this.recording = this.tuning.record ? new CallRecording(deps, opts.scope, opts.callId, rate) : null;
    this.speaker = new AgentSpeaker(opts.engines.tts, null, this.recording ? this.recording.tap(opts.transport) : opts.transport, {
      onFirstAudio: (a) => {
        this.firstAudio?.(a);
        this.firstAudio = null;
      },
      onError: (err) => {
        deps.log.warn({ err, call: opts.callId }, 'voice: speech synthesis failed');
        opts.onSpeechError?.(err);
      },
    });
  }

  get ended(): boolean {
    return this.finished;
  }

  /** Starts recognition and the conversation (greeting / the flow's first lines), side by side. */
  async begin(): Promise<void> {
    const { scope, callId, runtime } = this.opts;
    this.useAgentVoice();
    const marks = this.newMarks(null);
    let turn = 0;
    const recognizer = this.startRecognizer();
    const reply = await runtime.begin(scope, callId, this.sink(), { inTurn: async (_tx, t) => void (turn = t.turn) });
    this.began = true;
    this.armMaxDuration(reply.context.limits.max_duration_ms);
    marks.turn = turn;
    this.recordMarks(marks);
    if (await this.recognizerReady(recognizer)) await this.afterTurn(reply);
  }

  /**
   * Joins a conversation already under way (a widget session switching to voice): the lines of its
   * last turn (`last`: what the caller is being asked, when the transport knows it) are spoken, and
   * recognition waits with that turn's grammar. The maximum duration counts from `startedAt`.
   * Rejects (recognition unavailable) with the call closed.
   */
  async attach(last: SessionReply | null, startedAt: number): Promise<void> {
    this.useAgentVoice();
    this.began = true;
    const recognizer = this.startRecognizer();
    this.armMaxDuration(startedAt + this.context.limits.max_duration_ms - Date.now());
    for (const m of last?.messages ?? []) if (m.role !== 'system') this.speaker.say(m.text);
    try {
      if (!(await this.recognizerReady(recognizer))) return;
    } catch (err) {
      this.close();
      throw err;
    }
    if (last && last.status !== 'ended') await this.afterTurn(last);
    else this.armSilence();
  }

  /** A typed message or keyed digits during the call (the widget): a turn like a spoken one, its reply spoken. */
  input(event: Extract<CallerEvent, { type: 'text' | 'dtmf' }>): Promise<void> {
    if (this.finished || !this.began) return Promise.resolve();
    this.clearSilence();
    if (this.speaker.isSpeaking() && this.tuning.bargeIn && this.speaker.isInterruptible()) this.bargeIn();
    return this.enqueue(() => this.turn(event, null));
  }

  /** Resolves once the agent audio sent so far has played. */
  drained(): Promise<void> {
    return this.speaker.drained();
  }

  private useAgentVoice(): void {
    const speech = this.context.agent_id ? this.context.agents[this.context.agent_id]?.speech : undefined;
    if (speech?.voice) this.speaker.voice = speech.voice;
  }

  private startRecognizer(): Promise<SttSession> {
    const recognizer = this.opts.engines.stt.start({ sampleRate: this.opts.transport.sampleRate, grammar: { kind: 'free' }, languageModel: { texts: domainTexts(this.context) } });
    recognizer.catch(() => {});
    return recognizer;
  }

  private armMaxDuration(ms: number): void {
    this.maxTimer = setTimeout(() => this.enqueue(() => this.turn({ type: 'timer', name: 'max_duration' }, null)), Math.max(0, ms) + 50);
    this.maxTimer.unref();
  }

  /** The recognizer is loaded: the audio heard meanwhile goes in. False when the call ended meanwhile. */
  private async recognizerReady(recognizer: Promise<SttSession>): Promise<boolean> {
    const stt = await recognizer;
    if (this.finished) {
      stt.close();
      return false;
    }
    this.stt = stt;
    for (const f of this.early) stt.write(f);
    this.early = [];
    return true;
  }

  /** Caller audio: PCM Int16 at the transport's rate, any chunk size. */
  pushAudio(pcm: Int16Array): void {
    if (this.finished) return;
    this.recording?.heard(pcm); // from the first frame, while the session is still beginning
    if (!this.began) return;
    for (const frame of this.chunker.push(pcm)) this.frame(frame);
  }

  /** A key the caller pressed (providers send them one at a time). */
  dtmf(key: string): void {
    if (this.finished || !this.began || !/^[0-9*#A-D]$/.test(key)) return;
    this.clearSilence();
    if (this.speaker.isSpeaking() && this.tuning.bargeIn && this.speaker.isInterruptible()) this.bargeIn();
    if (this.awaitingDtmfOnly) return void this.enqueue(() => this.turn({ type: 'dtmf', digits: key }, null));
    if (key === '#') return this.flushDigits();
    this.digits += key;
    if (this.digitTimer) clearTimeout(this.digitTimer);
    this.digitTimer = setTimeout(() => this.flushDigits(), this.tuning.dtmfTimeoutMs);
    this.digitTimer.unref();
  }

  /** The far end hung up (stream stopped or closed). */
  callerHangup(): Promise<void> {
    if (this.finished) return Promise.resolve();
    this.speaker.stop();
    return this.enqueue(async () => {
      if (this.finished) return;
      try {
        const reply = await this.opts.runtime.end(this.opts.scope, this.opts.callId);
        this.finish(reply.ended_reason ?? 'caller_hangup', false);
      } catch (err) {
        // A call that never began (no stream media) is ended by the provider's status callback instead.
        if (!(err instanceof AppError)) throw err;
        this.finish('caller_hangup', false);
      }
    });
  }

  /** Resolves once the recording of a closed call is stored (server shutdown waits for it). */
  stored(): Promise<void> {
    return this.recordingStored;
  }

  /** Releases timers and the recognizer, and stores the rest of the recording (idempotent). */
  close(): void {
    if (!this.finished && this.recording) this.recordingStored = this.recording.finish();
    this.finished = true;
    for (const t of [this.digitTimer, this.silenceTimer, this.maxTimer]) if (t) clearTimeout(t);
    this.speaker.stop();
    this.stt?.close();
    this.stt = null;
  }

  private frame(frame: Int16Array): void {
    for (const e of this.vad.push(frame)) {
      if (e.type === 'speech_start') {
        this.clearSilence();
        if (this.speaker.isSpeaking() && this.tuning.bargeIn && this.speaker.isInterruptible()) this.bargeIn();
        this.inUtterance = true;
        for (const f of this.preRoll) this.hear(f);
        this.preRoll = [];
      } else {
        // The endpoint: the utterance is over (a turn) or was too short to be one (noise).
        this.inUtterance = false;
        const endpointAt = Date.now();
        const result = this.finishUtterance();
        if (e.type === 'noise') {
          void result.catch(() => {});
          this.applyPendingGrammar();
          continue;
        }
        const speechEndAt = endpointAt - this.tuning.vad.endSilenceMs;
        this.enqueue(() => this.utterance(result, speechEndAt, endpointAt));
      }
    }
    if (this.inUtterance) this.hear(frame);
    else {
      this.preRoll.push(frame);
      const keep = Math.ceil(PRE_ROLL_MS / 20);
      if (this.preRoll.length > keep) this.preRoll.shift();
    }
  }

  private hear(frame: Int16Array): void {
    if (this.stt) this.stt.write(frame);
    else if (this.early.length < MAX_EARLY_FRAMES) this.early.push(frame);
  }

  /** Ends the utterance at the recognizer (once it is ready, for one spoken while it loaded). */
  private finishUtterance(): Promise<SttResult> {
    if (this.stt) return this.stt.finish();
    const frames = this.early;
    this.early = [];
    return (async () => {
      while (!this.stt && !this.finished) await new Promise((r) => setTimeout(r, 20));
      if (!this.stt) return { text: '', confidence: 0, finalizeMs: 0 };
      for (const f of frames) this.stt.write(f);
      return this.stt.finish();
    })();
  }

  private async utterance(result: Promise<SttResult>, speechEndAt: number, endpointAt: number): Promise<void> {
    const heard = await result;
    const finalAt = Date.now();
    this.applyPendingGrammar();
    if (this.finished) return;
    const text = heard.text.trim();
    // The recognizer heard nothing it knows: not a turn (silence handling re-prompts if it lasts).
    if (!text) return this.armSilence();
    this.opts.onHeard?.(text);
    const marks = this.newMarks(speechEndAt);
    marks.sttMs = finalAt - endpointAt;
    await this.turn({ type: 'speech_final', text, confidence: heard.confidence }, marks);
  }

  private flushDigits(): void {
    if (this.digitTimer) clearTimeout(this.digitTimer);
    const digits = this.digits;
    this.digits = '';
    if (digits) this.enqueue(() => this.turn({ type: 'dtmf', digits }, null));
  }

  /** Barge-in: the agent's audio stops now; the cut lines are marked once the turn that said them is stored. */
  private bargeIn(): void {
    const cut = this.speaker.interrupt();
    if (cut.length === 0) return;
    const { scope, callId } = this.opts;
    this.enqueue(() => withOrg(this.deps.db, scope, (tx) => markAgentLinesInterrupted(tx, callId, cut.length)));
  }

  /** One caller event into the session, its reply spoken. */
  private async turn(event: CallerEvent, marks: Marks | null): Promise<void> {
    if (this.finished) return;
    const m = marks ?? this.newMarks(null);
    let reply: SessionReply;
    try {
      reply = await this.opts.runtime.send(this.opts.scope, this.opts.callId, event, this.sink(), this.turnOptions(m));
    } catch (err) {
      this.firstAudio?.(null);
      if (err instanceof AppError && (err.status === 409 || err.status === 404)) return this.finish('ended', true);
      throw err;
    }
    this.recordMarks(m);
    await this.afterTurn(reply);
  }

  private turnOptions(m: Marks): TurnOptions {
    return { inTurn: async (_tx, t) => void (m.turn = t.turn) };
  }

  private newMarks(speechEndAt: number | null): Marks {
    this.firstAudio?.(null);
    const firstAudio = new Promise<{ startedAt: number; sentAt: number } | null>((resolve) => (this.firstAudio = resolve));
    return { turn: null, speechEndAt, sttMs: null, firstAudio };
  }

  /** Stores the turn's voice marks once its first audio went out (off the caller's path). */
  private recordMarks(m: Marks): void {
    void (async () => {
      const audio = await Promise.race([m.firstAudio, new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000).unref())]);
      if (m.turn === null || (!audio && m.sttMs === null)) return;
      const marks: VoiceMarks = {
        stt_ms: m.sttMs === null ? null : round(m.sttMs),
        tts_ms: audio ? round(audio.sentAt - audio.startedAt) : null,
        first_audio_ms: audio && m.speechEndAt !== null ? round(audio.sentAt - m.speechEndAt) : null,
      };
      await withOrg(this.deps.db, this.opts.scope, (tx) => setVoiceMarks(tx, this.opts.callId, m.turn!, marks));
    })().catch((err: unknown) => this.deps.log.warn({ err, call: this.opts.callId }, 'voice: latency marks not stored'));
  }

  /** What the reply asks for next: the grammar, a transfer, the end of the call, or silence timing. */
  private async afterTurn(reply: SessionReply): Promise<void> {
    this.setGrammar(this.grammarOf(reply));
    this.awaitingDtmfOnly = reply.awaiting?.grammar.kind === 'dtmf';
    const transfer = reply.messages.find((m) => m.type === 'transfer');
    if (transfer && this.opts.transport.transfer) {
      await this.speaker.drained();
      const outcome = await this.opts.transport.transfer({ phone_number: transfer.phone_number as string | undefined, queue: transfer.queue as string | undefined }).catch((err: unknown) => {
        this.deps.log.warn({ err, call: this.opts.callId }, 'voice: transfer failed');
        return 'none' as const;
      });
      if (outcome !== 'none') return this.finish(reply.ended_reason ?? 'transferred', outcome === 'hand_back');
    }
    if (reply.status === 'ended') {
      await this.speaker.drained();
      return this.finish(reply.ended_reason ?? 'completed', true);
    }
    this.armSilence();
  }

  private grammarOf(reply: SessionReply): RecognitionGrammar {
    return reply.awaiting?.grammar ?? { kind: 'free' };
  }

  private setGrammar(grammar: RecognitionGrammar): void {
    if (JSON.stringify(grammar) === JSON.stringify(this.grammar) && !this.pendingGrammar) return;
    this.pendingGrammar = grammar;
    if (!this.inUtterance) this.applyPendingGrammar();
  }

  /** Grammars change between utterances only (the decoder cannot switch in the middle of one). */
  private applyPendingGrammar(): void {
    const g = this.pendingGrammar;
    if (!g || !this.stt || this.inUtterance) return;
    this.pendingGrammar = null;
    this.grammar = g;
    void this.stt.setGrammar(g, { texts: domainTexts(this.context) }).catch((err: unknown) =>
      this.deps.log.warn({ err, call: this.opts.callId }, 'voice: recognition grammar not applied'),
    );
  }

  /** After the agent stops talking, a caller who says nothing for a while gets a `silence` event. */
  private armSilence(): void {
    this.clearSilence();
    if (this.finished) return;
    const timeout = this.tuning.silenceTimeoutMs;
    void this.speaker.drained().then(() => {
      if (this.finished || this.inUtterance) return;
      this.clearSilence();
      this.silenceTimer = setTimeout(() => this.enqueue(() => this.turn({ type: 'silence', ms: timeout }, null)), timeout);
      this.silenceTimer.unref();
    });
  }

  private clearSilence(): void {
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    this.silenceTimer = undefined;
  }

  private sink(): SessionSink {
    const lines = new Map<number, number>(); // the turn's message index → speaker line
    let says = 0;
    return {
      onDelta: (text, message) => {
        let line = lines.get(message);
        if (line === undefined) lines.set(message, (line = this.speaker.open()));
        this.speaker.append(line, text);
      },
      // drive() numbers messages by say output, so the n-th say closes message n.
      onOutput: (o: Output) => {
        if (o.type !== 'say') return;
        const line = lines.get(says++);
        if (line !== undefined) this.speaker.close(line, o.interruptible);
      },
    };
  }

  private enqueue(fn: () => Promise<unknown>): Promise<void> {
    const run = this.chain.then(fn);
    this.chain = run.catch((err: unknown) => {
      this.deps.log.error({ err, call: this.opts.callId }, 'voice: turn failed');
      this.finish('error', true);
    });
    return this.chain as Promise<void>;
  }

  private finish(reason: string, hangUp: boolean): void {
    if (this.finished) return;
    this.close();
    if (hangUp) this.opts.transport.hangup(reason);
    this.opts.onEnded?.(reason);
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;
