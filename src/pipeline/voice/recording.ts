/**
 * The recording of one voice call, for any transport (docs/voice.md "Recordings"): the voice loop feeds
 * it the caller's audio, and the transport it hands the speaker is wrapped so the agent's audio and
 * barge-ins reach it too. Chunks (a minute of μ-law each) are encrypted and stored one after another as
 * the call goes on, off the call's path; a failure is logged and the rest of the call is still recorded
 * in later chunks (the gap shows as a shorter recording, never as another call's audio).
 */
import type { Deps } from '../../deps.js';
import { storeRecordingChunk } from '../../features/calls/recordings/store.js';
import type { OrgScope } from '../../platform/db/with-org.js';
import { CallRecorder } from '../../voice/recorder.js';
import type { VoiceTransport } from './transport.js';

export class CallRecording {
  private readonly recorder: CallRecorder;
  private writes: Promise<void> = Promise.resolve();

  constructor(deps: Deps, scope: OrgScope, callId: string, sampleRate: number) {
    this.recorder = new CallRecorder({
      sampleRate,
      onChunk: (chunk) => {
        this.writes = this.writes.then(() =>
          storeRecordingChunk(deps, scope, callId, chunk).catch((err: unknown) => deps.log.warn({ err, call: callId, chunk: chunk.seq }, 'voice: a recording chunk was not stored')),
        );
      },
    });
  }

  /** Caller audio, as it arrives. */
  heard(pcm: Int16Array): void {
    this.recorder.callerAudio(pcm);
  }

  /** The transport with the agent's audio (and barge-ins) going to the recording as well. */
  tap(transport: VoiceTransport): VoiceTransport {
    const transfer = transport.transfer?.bind(transport);
    return {
      sampleRate: transport.sampleRate,
      hangup: (reason) => transport.hangup(reason),
      ...(transfer ? { transfer } : {}),
      sendAudio: (pcm) => {
        this.recorder.agentAudio(pcm);
        transport.sendAudio(pcm);
      },
      clearAudio: () => {
        this.recorder.clearAgent();
        transport.clearAudio();
      },
    };
  }

  /** The call is over: the rest is handed out; resolves once every chunk was written (or failed). */
  finish(): Promise<void> {
    this.recorder.finish();
    return this.writes;
  }
}
