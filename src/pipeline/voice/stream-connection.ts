/**
 * One provider media stream (a phone call's audio, both ways) on a WebSocket: admitted by its signed
 * token before any frame is looked at (./stream-token.ts), then the provider's `start` (whose call id
 * must be the call's), then audio and keys into the voice loop (./call.ts) and the agent's audio back.
 * Refusals close with 1008 and nothing of the call is loaded or spoken.
 */
import type { RawData, WebSocket } from 'ws';
import type { Deps } from '../../deps.js';
import { sessionRuntime } from '../index.js';
import { VoiceCall } from './call.js';
import { speechFor, type SpeechEngines } from './engines.js';
import { holdCall, releaseCall } from './live.js';
import type { StreamProtocol } from './protocols.js';
import { admitStream, type StreamAdmission } from './stream-token.js';
import { transferCall } from './transfer.js';
import type { VoiceTransport } from './transport.js';

/** Frames a provider may send while admission runs (it starts with `connected` and `start`). */
const MAX_EARLY_FRAMES = 100;
const CLOSE_POLICY = 1008;
/** A provider's media frame is 20–100 ms of audio (a few KB of JSON); nothing legitimate comes near this. */
const MAX_FRAME_CHARS = 64 * 1024;

export class MediaStreamConnection {
  private admitted: Extract<StreamAdmission, { ok: true }> | null = null;
  private early: string[] | null = [];
  private streamId: string | null = null;
  private call: VoiceCall | null = null;
  private closed = false;

  constructor(private readonly deps: Deps, private readonly socket: WebSocket, private readonly protocol: StreamProtocol, token: unknown) {
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('close', () => this.onClose());
    socket.on('error', (err) => deps.log.info({ err }, 'voice stream socket error'));
    void this.admit(token).catch((err: unknown) => {
      deps.log.error({ err }, 'voice stream admission failed');
      this.close(1011, 'internal error');
    });
  }

  private async admit(token: unknown): Promise<void> {
    const a = await admitStream(this.deps, this.protocol.provider, token);
    if (!a.ok) {
      this.deps.log.info({ provider: this.protocol.provider, reason: a.reason }, 'voice stream refused');
      return this.close(CLOSE_POLICY, 'policy violation');
    }
    this.admitted = a;
    const early = this.early ?? [];
    this.early = null;
    for (const frame of early) this.handle(frame);
  }

  private receive(data: RawData, isBinary: boolean): void {
    if (this.closed) return;
    // Every provider protocol here is JSON text; binary frames are not one of them.
    if (isBinary) return this.close(CLOSE_POLICY, 'unexpected binary frame');
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8');
    if (text.length > MAX_FRAME_CHARS) return this.close(1009, 'frame too large');
    if (this.early) {
      if (this.early.length >= MAX_EARLY_FRAMES) return this.close(CLOSE_POLICY, 'too many frames before admission');
      this.early.push(text);
      return;
    }
    this.handle(text);
  }

  private handle(text: string): void {
    if (this.closed || !this.admitted) return;
    const e = this.protocol.parse(text);
    if (!e) return this.close(CLOSE_POLICY, 'malformed frame');
    switch (e.type) {
      case 'start':
        return this.start(e.streamId, e.providerCallId);
      case 'media':
        return this.call?.pushAudio(e.pcm);
      case 'dtmf':
        return this.call?.dtmf(e.digit);
      case 'stop':
        void this.hangUpAndClose();
        return;
      default:
        return;
    }
  }

  private start(streamId: string, providerCallId: string | null): void {
    const a = this.admitted!;
    if (this.streamId !== null) return; // one start per stream
    // The provider names the call it streams: it must be the call the token was minted for.
    if (a.providerCallId && providerCallId && a.providerCallId !== providerCallId) {
      this.deps.log.info({ call: a.callId }, 'voice stream refused: the provider call id differs');
      return this.close(CLOSE_POLICY, 'policy violation');
    }
    this.streamId = streamId;
    const runtime = sessionRuntime(this.deps);
    void speechFor(this.deps, a.context).then(
      (engines) => this.run(streamId, a, runtime, engines),
      (err: unknown) => {
        this.deps.log.error({ err, call: a.callId }, 'voice call could not begin');
        void runtime.end({ orgId: a.orgId }, a.callId).catch(() => {});
        this.close(1011, 'speech is unavailable');
      },
    );
  }

  private run(streamId: string, a: Extract<StreamAdmission, { ok: true }>, runtime: ReturnType<typeof sessionRuntime>, engines: SpeechEngines): void {
    // The caller hung up while the engines were being resolved: the call never began, end it.
    if (this.closed) return void runtime.end({ orgId: a.orgId }, a.callId).catch(() => {});
    const call = new VoiceCall(this.deps, {
      scope: { orgId: a.orgId },
      callId: a.callId,
      transport: this.transport(streamId, a),
      runtime,
      engines,
      context: a.context,
      onEnded: () => releaseCall(this.deps, a.orgId, a.callId, call),
    });
    if (!holdCall(this.deps, a.orgId, a.callId, call)) return this.close(CLOSE_POLICY, 'the call already has a stream');
    this.call = call;
    void call.begin().catch(async (err: unknown) => {
      this.deps.log.error({ err, call: a.callId }, 'voice call could not begin');
      call.close();
      releaseCall(this.deps, a.orgId, a.callId, call);
      await runtime.end({ orgId: a.orgId }, a.callId).catch(() => {});
      this.close(1011, 'the call could not begin');
    });
  }

  private transport(streamId: string, a: Extract<StreamAdmission, { ok: true }>): VoiceTransport {
    const p = this.protocol;
    return {
      transfer: (to) => transferCall(this.deps, { orgId: a.orgId }, { channelId: a.channelId, callId: a.callId }, to.phone_number),
      sampleRate: p.sampleRate,
      sendAudio: (pcm) => this.send(p.media(streamId, pcm)),
      clearAudio: () => this.send(p.clear(streamId)),
      hangup: () => {
        this.send(p.mark(streamId, 'end'));
        this.close(1000, 'call ended');
      },
    };
  }

  private send(frame: string): void {
    if (!this.closed && this.socket.readyState === this.socket.OPEN) this.socket.send(frame);
  }

  private async hangUpAndClose(): Promise<void> {
    await this.call?.callerHangup();
    this.close(1000, 'stream stopped');
  }

  private close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.early = null;
    this.socket.close(code, reason);
  }

  private onClose(): void {
    this.closed = true;
    // The far end went away without `stop`: the caller hung up.
    if (this.call && !this.call.ended) void this.call.callerHangup();
  }
}
