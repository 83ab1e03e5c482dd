import { rmsDbfs } from './media/pcm.js';

/**
 * Voice activity and end-of-turn detection on 20 ms frames: a frame is speech when its RMS level
 * (dBFS) is `thresholdDb` above an adaptive noise floor and above an absolute minimum. A pure
 * streaming state machine: time is the count of samples pushed, never a clock, so the same audio
 * always gives the same events.
 *
 *   silence ──speech for speechStartMs──▶ speech  (speech_start; barge_in if the agent is talking)
 *   speech ──silence for endSilenceMs──▶ silence  (speech_end if speech lasted minSpeechMs, else noise)
 */
export interface VadOptions {
  sampleRate: number;
  /** Consecutive speech needed before speech_start (filters clicks). */
  speechStartMs: number;
  /** Silence after speech that ends the caller's turn (the endpoint). */
  endSilenceMs: number;
  /** Shorter bursts (a cough, a bump) end as `noise`, not as a turn. */
  minSpeechMs: number;
  /** How far above the noise floor a frame must be to count as speech. */
  thresholdDb: number;
  /** Nothing quieter than this is speech, however quiet the line. */
  minSpeechDbfs: number;
}

export const DEFAULT_VAD: Omit<VadOptions, 'sampleRate'> = {
  speechStartMs: 60,
  endSilenceMs: 300,
  minSpeechMs: 150,
  thresholdDb: 12,
  minSpeechDbfs: -45,
};

export type VadEvent =
  | { type: 'speech_start'; atMs: number; bargeIn: boolean }
  | { type: 'speech_end'; atMs: number; speechMs: number }
  | { type: 'noise'; atMs: number; speechMs: number };

const QUIETEST_FLOOR_DBFS = -90;
// The floor follows a quieter line quickly and a louder one slowly, so speech does not raise it.
const FLOOR_FALL = 0.3;
const FLOOR_RISE = 0.02;

export class VoiceActivityDetector {
  private readonly options: VadOptions;
  private samples = 0;
  private floor = NaN; // set by the first frame: the line's level before anyone speaks
  private inSpeech = false;
  private runMs = 0; // speech frames in a row (silence state) or silence frames in a row (speech state)
  private speechStartedAt = 0;
  private isAgentSpeaking = false;

  constructor(options: Partial<VadOptions> & { sampleRate: number }) {
    this.options = { ...DEFAULT_VAD, ...options };
  }

  /** While true, a speech_start is a barge-in: the transport stops the agent's audio. */
  setAgentSpeaking(isSpeaking: boolean): void {
    this.isAgentSpeaking = isSpeaking;
  }

  get noiseFloorDbfs(): number {
    return this.floor;
  }

  /** Feeds one frame (any length; 20 ms expected) and returns what it caused. */
  push(frame: Int16Array): VadEvent[] {
    const o = this.options;
    const frameMs = (frame.length * 1000) / o.sampleRate;
    this.samples += frame.length;
    const nowMs = (this.samples * 1000) / o.sampleRate;
    const level = Math.max(rmsDbfs(frame), QUIETEST_FLOOR_DBFS);
    if (Number.isNaN(this.floor)) {
      // A caller talking from the first frame sets it too high; it falls back within a pause (FLOOR_FALL).
      this.floor = level;
      return [];
    }
    const isSpeech = level > Math.max(this.floor + o.thresholdDb, o.minSpeechDbfs);
    const events: VadEvent[] = [];
    if (!this.inSpeech) {
      if (isSpeech) {
        this.runMs += frameMs;
        if (this.runMs >= o.speechStartMs) {
          this.inSpeech = true;
          this.speechStartedAt = nowMs - this.runMs;
          this.runMs = 0;
          events.push({ type: 'speech_start', atMs: this.speechStartedAt, bargeIn: this.isAgentSpeaking });
        }
      } else {
        this.runMs = 0;
        this.floor += (level - this.floor) * (level < this.floor ? FLOOR_FALL : FLOOR_RISE);
      }
      return events;
    }
    this.runMs = isSpeech ? 0 : this.runMs + frameMs;
    if (this.runMs >= o.endSilenceMs) {
      const endedAt = nowMs - this.runMs;
      const speechMs = endedAt - this.speechStartedAt;
      events.push({ type: speechMs >= o.minSpeechMs ? 'speech_end' : 'noise', atMs: endedAt, speechMs });
      this.inSpeech = false;
      this.runMs = 0;
    }
    return events;
  }
}
