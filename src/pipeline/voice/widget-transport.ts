/**
 * Voice on a widget WebSocket (docs/widget.md "Voice"): the first binary frame of an admitted
 * connection switches its session to voice. The session's frozen context is read, the agent's speech
 * engines are resolved like a phone call's (./engines.ts `speechFor`: offline espeak-ng/pocketsphinx,
 * or the agent's cloud providers), and the voice loop (./call.ts) joins the conversation under way.
 *
 * Both directions are PCM Int16 LE, 16 kHz mono, as binary frames. Agent audio goes out in chunks of
 * at most AUDIO_CHUNK_MS; a barge-in is the `clear` frame; a caller utterance the recognizer turned
 * into a turn is a final `transcript` frame. Turns (spoken or typed) reach the client as `message`
 * frames through the session bus, like any turn the connection did not run itself.
 */
import type { Deps } from '../../deps.js';
import { readCallState } from '../../features/calls/store.js';
import { withOrg, type OrgScope } from '../../platform/db/with-org.js';
import { pcmFromBytes, pcmToBytes } from '../../voice/media/pcm.js';
import { SpeechUnavailableError } from '../../voice/unavailable.js';
import type { SessionContext } from '../context/types.js';
import { sessionRuntime } from '../index.js';
import type { SessionReply } from '../session/reply.js';
import type { CallerEvent } from '../types.js';
import { VoiceCall } from './call.js';
import { speechFor } from './engines.js';
import type { VoiceTransport } from './transport.js';

export const WIDGET_SAMPLE_RATE = 16_000;
/** Agent audio frames carry at most this much audio (6,400 bytes). */
export const AUDIO_CHUNK_MS = 200;
/** Caller audio waiting while the context and the engines load (then the loop buffers it itself). */
const MAX_PENDING_MS = 10_000;

/** What the voice loop needs from the widget connection. */
export interface WidgetVoiceLink {
  /** One binary frame of agent audio. */
  audio(bytes: Uint8Array): void;
  /** Barge-in: the client drops the agent audio it has buffered (`{"type":"clear"}`). */
  clear(): void;
  /** The recognizer's final text of a caller utterance (`{"type":"transcript","final":true}`). */
  heard(text: string): void;
  /** Voice cannot run (`{"type":"error"}`); the text session goes on. */
  failed(code: 'speech_unavailable' | 'voice_unavailable', message: string): void;
  /** The agent (or a limit) ended the call, its audio played: `ended`, then the socket closes. */
  hangup(reason: string): void;
}

export interface WidgetVoiceOptions {
  scope: OrgScope;
  sessionId: string;
  /** The last turn the client was shown (spoken when voice starts); null after a resume. */
  last: SessionReply | null;
  link: WidgetVoiceLink;
}

type State = 'starting' | 'live' | 'off';

/** One connection's voice call: started by its first audio frame, closed with the connection. */
export class WidgetVoice {
  private state: State = 'starting';
  private call: VoiceCall | null = null;
  private pending: Int16Array[] = [];
  private pendingSamples = 0;
  private reported = false;

  constructor(private readonly deps: Deps, private readonly opts: WidgetVoiceOptions) {
    void this.start().catch((err: unknown) => this.fail(err));
  }

  /** Whether the voice loop runs (or is starting): audio and typed input go to it. */
  get isOn(): boolean {
    return this.state !== 'off';
  }

  /** Caller audio: one binary frame (whole 16-bit samples; the connection checked the length). */
  pushAudio(bytes: Uint8Array): void {
    const pcm = pcmFromBytes(bytes);
    if (this.state === 'live') return this.call!.pushAudio(pcm);
    if (this.state !== 'starting' || this.pendingSamples >= (WIDGET_SAMPLE_RATE * MAX_PENDING_MS) / 1000) return;
    this.pending.push(pcm);
    this.pendingSamples += pcm.length;
  }

  /** Typed text or digits while voice runs: a turn of the voice loop, so its reply is spoken too. */
  input(event: Extract<CallerEvent, { type: 'text' | 'dtmf' }>): Promise<void> {
    return this.call ? this.call.input(event) : Promise.resolve();
  }

  /** Resolves once the agent audio sent so far has played (immediately without a live call). */
  drained(): Promise<void> {
    return this.call ? this.call.drained() : Promise.resolve();
  }

  /** The connection closed (or the session ended from its side): timers, recognizer and audio stop. */
  close(): void {
    this.state = 'off';
    this.pending = [];
    this.call?.close();
  }

  private async start(): Promise<void> {
    const { scope, sessionId } = this.opts;
    const row = await withOrg(this.deps.db, scope, (tx) => readCallState(tx, sessionId));
    if (!row || row.status === 'ended') return this.close();
    const context = row.context as unknown as SessionContext;
    const engines = await speechFor(this.deps, context);
    if (this.state === 'off') return;
    const call = new VoiceCall(this.deps, {
      scope,
      callId: sessionId,
      transport: this.transport(),
      runtime: sessionRuntime(this.deps),
      engines,
      context,
      onHeard: (text) => this.opts.link.heard(text),
      onSpeechError: (err) => {
        if (err instanceof SpeechUnavailableError) this.fail(err);
      },
      onEnded: () => (this.state = 'off'),
    });
    this.call = call;
    const attached = call.attach(this.opts.last, row.started_at.getTime());
    this.state = 'live';
    for (const pcm of this.pending) call.pushAudio(pcm);
    this.pending = [];
    await attached;
  }

  private transport(): VoiceTransport {
    const link = this.opts.link;
    const chunk = (WIDGET_SAMPLE_RATE * AUDIO_CHUNK_MS) / 1000;
    return {
      sampleRate: WIDGET_SAMPLE_RATE,
      sendAudio: (pcm) => {
        for (let i = 0; i < pcm.length; i += chunk) link.audio(pcmToBytes(pcm.subarray(i, i + chunk)));
      },
      clearAudio: () => link.clear(),
      hangup: (reason) => link.hangup(reason),
    };
  }

  /** Voice could not start or lost its speech engine: the client is told once, the text session goes on. */
  private fail(err: unknown): void {
    if (this.reported) return;
    this.reported = true;
    this.close();
    if (err instanceof SpeechUnavailableError) {
      this.deps.log.warn({ err, call: this.opts.sessionId }, 'widget voice: speech engines unavailable');
      return this.opts.link.failed('speech_unavailable', `Voice is unavailable on this server: ${err.message}`);
    }
    this.deps.log.error({ err, call: this.opts.sessionId }, 'widget voice could not start');
    this.opts.link.failed('voice_unavailable', 'Voice could not start for this conversation; keep typing');
  }
}
