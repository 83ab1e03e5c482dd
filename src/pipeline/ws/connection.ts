/**
 * One widget WebSocket connection (docs/widget.md "Protocol"): admitted before anything runs, then a
 * session started (or resumed), client frames applied one at a time, replies streamed as `delta` frames
 * followed by `message` frames, and turns the connection did not run itself (a person writing through
 * the escalations API) forwarded from the session bus.
 */
import type { WebSocket, RawData } from 'ws';
import type { Deps } from '../../deps.js';
import { resumeToken, verifyResumeToken } from '../../features/channels/public.js';
import { AppError } from '../../platform/errors.js';
import { endSession, getSession, sendToSession, sessionRuntime, startSession, type SessionReply, type SessionUpdate } from '../index.js';
import type { SessionSink } from '../session/transport.js';
import type { CallerEvent } from '../types.js';
import { WidgetVoice, WIDGET_SAMPLE_RATE } from '../voice/widget-transport.js';
import { admitSocket } from './admission.js';
import type { WidgetHub } from './hub.js';
import { CLOSE, parseClientFrame, type ClientFrame, type ServerFrame } from './protocol.js';
import { TokenBucket } from './rate.js';

export interface ConnectRequest {
  target: { kind: 'agent' | 'flow'; id: string };
  token: unknown;
  origin: string | undefined;
  /** The Host header: a console voice token needs the page to be this server's own (./console-voice.ts). */
  host: string | undefined;
  /** Resume: the session id and its resume token, from a `session` frame of an earlier connection. */
  session: unknown;
  resume: unknown;
}

/** Refused frames in a row (over the rate) before the connection is closed as abusive. */
const MAX_STRIKES = 5;
/** Ping interval; a connection that did not answer the previous ping is dropped. */
const HEARTBEAT_MS = 30_000;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Caller audio is 32,000 bytes a second; twice that is allowed (a client catching up after a stall), in bursts of 4 s. */
const AUDIO_BYTES_PER_SECOND = 4 * WIDGET_SAMPLE_RATE;
const AUDIO_BURST_BYTES = 2 * AUDIO_BYTES_PER_SECOND;
/** Every audio frame costs at least 20 ms of audio: a flood of tiny frames is bounded like a flood of bytes. */
const MIN_AUDIO_FRAME_COST = (2 * WIDGET_SAMPLE_RATE) / 50;

interface Admitted {
  orgId: string;
  /** Null: a console voice session (test mode; no resume). */
  channelId: string | null;
  sessionId: string;
}

/** The connection-cap slot of console voice sessions (per org: they have no channel). */
const CONSOLE_SLOT = 'console';

/** The turn this connection is running: bus updates with its cause wait until it returns. */
interface OwnTurn {
  cause: string;
  held: SessionUpdate[];
}

export class WidgetConnection {
  private admitted: Admitted | null = null;
  /** The channel slot this connection holds (hub.open), released once when it closes. */
  private slot: { orgId: string; key: string } | null = null;
  private closed = false;
  private ended = false;
  private chain: Promise<unknown>;
  private readonly bucket: TokenBucket;
  private readonly audioBucket: TokenBucket;
  private strikes = 0;
  /** The session's voice call, from the first audio frame on (src/pipeline/voice/widget-transport.ts). */
  private voice: WidgetVoice | null = null;
  /** The last turn shown to the client: spoken when the session switches to voice. */
  private last: SessionReply | null = null;
  private idle: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private alive = true;
  private own: OwnTurn | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly deps: Deps, private readonly hub: WidgetHub, private readonly socket: WebSocket, req: ConnectRequest) {
    this.bucket = new TokenBucket(hub.limits.messageBurst, hub.limits.messagesPerMinute, Date.now());
    this.audioBucket = new TokenBucket(AUDIO_BURST_BYTES, AUDIO_BYTES_PER_SECOND * 60, Date.now());
    // Handlers first (frames can arrive while admission runs); frames wait for it on the chain.
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('close', (code) => this.onClose(code));
    socket.on('error', (err) => deps.log.info({ err }, 'widget socket error'));
    socket.on('pong', () => (this.alive = true));
    this.resetIdle();
    this.chain = this.open(req).catch((err: unknown) => this.fail(err));
  }

  private send(frame: ServerFrame): void {
    if (!this.closed && this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  private close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close(code, reason);
  }

  private async open(req: ConnectRequest): Promise<void> {
    const admission = await admitSocket(this.deps, { token: req.token, target: req.target, origin: req.origin, host: req.host });
    if (!admission.ok) return this.refuse(admission.reason);
    if (this.closed) return;
    const slot = { orgId: admission.orgId, key: admission.channelId ?? CONSOLE_SLOT };
    if (!this.hub.open(slot.orgId, slot.key)) return this.close(CLOSE.tryAgain, 'too many connections on this channel');
    this.slot = slot;
    const scope = { orgId: admission.orgId };
    if (req.session !== undefined || req.resume !== undefined) {
      const ok = admission.channelId !== null && typeof req.session === 'string' && UUID_RE.test(req.session) &&
        verifyResumeToken(this.deps.webSessions, { org_id: admission.orgId, channel_id: admission.channelId, session_id: req.session }, req.resume);
      if (!ok) return this.refuse('bad_resume');
      const sessionId = req.session as string;
      const { call, transcript } = await getSession(this.deps, scope, sessionId);
      const sameTarget = req.target.kind === 'flow' ? call.flow_id === req.target.id : call.agent_id === req.target.id && call.flow_id === null;
      // The MAC already binds the channel; the stored call must agree (defence in depth).
      if (call.channel !== 'web' || call.channel_id !== admission.channelId || !sameTarget) return this.refuse('bad_resume');
      this.admit(admission, sessionId);
      if (call.status === 'ended') return this.finish(call.ended_reason ?? 'ended');
      this.send({ type: 'session', id: sessionId, ...this.resumeFor(sessionId), resumed: true, messages: transcript.map((m) => ({ role: m.role, text: m.text })) });
      return;
    }
    const reply = await startSession(this.deps, scope, {
      ...(req.target.kind === 'agent' ? { agent_id: req.target.id } : { flow_id: req.target.id }),
      channel: 'web', channel_id: admission.channelId, ...(admission.channelId === null ? { mode: 'test' as const } : {}),
    }, this.sink());
    this.admit(admission, reply.id);
    this.send({ type: 'session', id: reply.id, ...this.resumeFor(reply.id), resumed: false });
    this.deliver(reply, 'start');
  }

  /** The resume credential of a channel's session (console voice sessions have none). */
  private resumeFor(sessionId: string): { resume_token?: string } {
    const a = this.admitted!;
    return a.channelId === null ? {} : { resume_token: resumeToken(this.deps.webSessions, { org_id: a.orgId, channel_id: a.channelId, session_id: sessionId }) };
  }

  private refuse(reason: string): void {
    this.deps.log.info({ reason }, 'widget connection refused');
    this.close(CLOSE.policy, 'policy violation');
  }

  private releaseSlot(): void {
    if (this.slot) this.hub.release(this.slot.orgId, this.slot.key);
    this.slot = null;
  }

  private admit(a: { orgId: string; channelId: string | null }, sessionId: string): void {
    this.admitted = { orgId: a.orgId, channelId: a.channelId, sessionId };
    if (this.closed) {
      // The client went away while the session was starting: it is an orphan from the start.
      this.hub.attach(a.orgId, sessionId, this);
      this.hub.detach(a.orgId, sessionId, this, false);
      return;
    }
    this.hub.attach(a.orgId, sessionId, this);
    this.unsubscribe = sessionRuntime(this.deps).bus.subscribe(a.orgId, sessionId, (u) => this.onUpdate(u));
    this.heartbeat = setInterval(() => {
      if (this.socket.readyState !== this.socket.OPEN) return;
      if (!this.alive) return this.socket.terminate();
      this.alive = false;
      this.socket.ping();
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  replaced(): void {
    this.close(4000, 'the session was resumed by another connection');
  }

  private sink(): SessionSink {
    return { onDelta: (text, message) => this.send({ type: 'delta', text, message }) };
  }

  /** The `message` frames of one turn, then `ended` if the turn ended the session. */
  private deliver(reply: SessionReply, cause: string): void {
    this.last = reply;
    for (const m of reply.messages) {
      // A person's words (escalations) are said by the engine like the agent's: tell the widget who spoke.
      const role = cause === 'human_message' && m.role === 'agent' ? 'human' : m.role;
      this.send({ type: 'message', role, text: m.text, ...(m.type ? { action: m.type } : {}) });
    }
    if (reply.status !== 'ended') return;
    // A voice session closes once the agent's last words have played.
    const voice = this.voice?.isOn ? this.voice : null;
    if (voice) void voice.drained().then(() => this.finish(reply.ended_reason ?? 'ended'));
    else this.finish(reply.ended_reason ?? 'ended');
  }

  private finish(reason: string): void {
    this.ended = true;
    this.voice?.close();
    this.send({ type: 'ended', reason });
    this.close(CLOSE.normal, 'session ended');
  }

  private onUpdate(u: SessionUpdate): void {
    if (this.own && this.own.cause === u.cause) this.own.held.push(u);
    else this.deliver(u.reply, u.cause);
  }

  private receive(data: RawData, isBinary: boolean): void {
    if (this.closed) return;
    this.resetIdle();
    const bytes = Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]);
    // Audio has its own budget (bytes per second): a normal 20–40 ms cadence never touches the message rate.
    if (isBinary) return this.audio(bytes);
    if (!this.bucket.take(Date.now())) return this.overRate('Too many frames; slow down');
    this.strikes = 0;
    this.chain = this.chain.then(() => this.handle(bytes)).catch((err: unknown) => this.fail(err));
  }

  private overRate(message: string): void {
    this.send({ type: 'error', code: 'rate_limited', message });
    if (++this.strikes >= MAX_STRIKES) this.close(CLOSE.policy, 'rate limit exceeded');
  }

  /** Caller audio, handled as it arrives (never behind a turn): the first frame switches the session to voice. */
  private audio(bytes: Buffer): void {
    if (!this.audioBucket.take(Date.now(), Math.max(bytes.length, MIN_AUDIO_FRAME_COST))) return this.overRate('Too much audio; send at most real time');
    this.strikes = 0;
    if (!this.admitted || this.ended) return;
    if (bytes.length % 2 !== 0) return this.send({ type: 'error', code: 'invalid_audio', message: 'Audio frames are PCM Int16 LE, 16 kHz mono: an even number of bytes' });
    if (!this.voice) this.voice = this.startVoice();
    this.voice.pushAudio(bytes);
  }

  private startVoice(): WidgetVoice {
    const { orgId, sessionId } = this.admitted!;
    return new WidgetVoice(this.deps, {
      scope: { orgId },
      sessionId,
      last: this.last,
      link: {
        audio: (pcm) => {
          if (!this.closed && this.socket.readyState === this.socket.OPEN) this.socket.send(pcm, { binary: true });
        },
        clear: () => this.send({ type: 'clear' }),
        heard: (text) => this.send({ type: 'transcript', text, final: true }),
        failed: (code, message) => this.send({ type: 'error', code, message }),
        hangup: (reason) => this.finish(reason),
      },
    });
  }

  private async handle(bytes: Buffer): Promise<void> {
    if (this.closed || !this.admitted || this.ended) return;
    const parsed = parseClientFrame(bytes.toString('utf8'));
    if (!parsed.ok) return this.send({ type: 'error', code: parsed.code, message: parsed.message });
    await this.apply(parsed.frame);
  }

  private async apply(frame: ClientFrame): Promise<void> {
    const { orgId, sessionId } = this.admitted!;
    if (frame.type === 'end') return this.hangUp('caller_hangup');
    const event: Extract<CallerEvent, { type: 'text' | 'dtmf' }> = frame.type === 'message' ? { type: 'text', text: frame.text } : { type: 'dtmf', digits: frame.digits };
    // During a voice call the loop runs the turn (its reply is spoken; the bus brings the message frames).
    if (this.voice?.isOn) return this.voice.input(event);
    try {
      const { reply, others } = await this.ownTurn(event.type, () => sendToSession(this.deps, { orgId }, sessionId, event, this.sink()));
      this.deliver(reply, event.type);
      for (const u of others) this.deliver(u.reply, u.cause);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      this.send({ type: 'error', code: err.code, message: err.message });
    }
  }

  /** Ends the session from this side (an `end` frame, the idle timeout), saying why. */
  private async hangUp(reason: string): Promise<void> {
    const { orgId, sessionId } = this.admitted!;
    this.voice?.close();
    const { reply, others } = await this.ownTurn('hangup', () => endSession(this.deps, { orgId }, sessionId));
    for (const u of others) this.deliver(u.reply, u.cause);
    this.finish(reason === 'caller_hangup' ? (reply.ended_reason ?? reason) : reason);
  }

  /**
   * Runs a turn of this connection. Its own bus update must not reach the client a second time, so
   * updates of the same cause wait until it returns; those that are not this turn's (not the same reply
   * object) are handed back to be delivered after it — the order the client saw the work in.
   */
  private async ownTurn(cause: string, run: () => Promise<SessionReply>): Promise<{ reply: SessionReply; others: SessionUpdate[] }> {
    const own: OwnTurn = { cause, held: [] };
    this.own = own;
    try {
      const reply = await run();
      return { reply, others: own.held.filter((u) => u.reply !== reply) };
    } catch (err) {
      for (const u of own.held) this.deliver(u.reply, u.cause);
      throw err;
    } finally {
      this.own = null;
    }
  }

  private fail(err: unknown): void {
    if (err instanceof AppError && err.status === 404) return this.refuse('not_found');
    this.deps.log.error({ err }, 'widget connection failed');
    this.send({ type: 'error', code: 'internal_error', message: 'Internal error' });
    this.close(CLOSE.internal, 'internal error');
  }

  private resetIdle(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => this.onIdle(), this.hub.limits.idleSeconds * 1000);
    this.idle.unref();
  }

  private onIdle(): void {
    if (this.closed) return;
    const a = this.admitted;
    if (!a || this.ended) return this.close(CLOSE.normal, 'idle timeout');
    this.chain = this.chain.then(() => this.hangUp('idle_timeout')).catch((err: unknown) => this.fail(err));
  }

  /**
   * A voice session whose client closed the socket on purpose (1000, 1001: hung up, left the page) ends
   * now as a hang-up, like a phone call; any other drop waits for a resume (the hub), as text sessions do.
   */
  private onClose(code: number): void {
    this.closed = true;
    if (this.idle) clearTimeout(this.idle);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.unsubscribe?.();
    this.releaseSlot();
    const voice = this.voice?.isOn ? this.voice : null;
    this.voice?.close();
    const a = this.admitted;
    if (!a) return;
    const hungUp = voice !== null && !this.ended && (code === CLOSE.normal || code === CLOSE.goingAway);
    this.hub.detach(a.orgId, a.sessionId, this, this.ended || hungUp);
    if (hungUp) {
      endSession(this.deps, { orgId: a.orgId }, a.sessionId).catch((err: unknown) => this.deps.log.warn({ err, call: a.sessionId, org: a.orgId }, 'ending a hung-up widget voice session failed'));
    }
  }
}
