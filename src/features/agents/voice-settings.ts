/**
 * `settings.voice` of an agent (docs/voice.md "Tuning a phone agent", "Recordings"): checked when an
 * agent is written, so a typo or an out-of-range value is a 400 naming the field rather than a silent
 * default on the next call. The voice loop (src/pipeline/voice/settings.ts) reads the same ranges, and
 * still falls back per field, for agents stored before this check existed.
 */
import { z } from 'zod';

/** Inclusive ranges; the `_ms` ones are whole milliseconds. */
export const VOICE_LIMITS = {
  speech_start_ms: [20, 1000],
  end_silence_ms: [100, 5000],
  min_speech_ms: [20, 5000],
  threshold_db: [3, 40],
  min_speech_dbfs: [-80, -10],
  silence_timeout_ms: [1000, 120_000],
  dtmf_timeout_ms: [500, 10_000],
} as const;

export type VoiceLimit = keyof typeof VOICE_LIMITS;

/** The number schema of one tuning value. */
export const voiceNumber = (key: VoiceLimit) => {
  const [min, max] = VOICE_LIMITS[key];
  const n = z.number().min(min).max(max);
  return key.endsWith('_ms') ? n.int() : n;
};

export const VoiceSettingsBody = z
  .strictObject({
    vad: z
      .strictObject({
        speech_start_ms: voiceNumber('speech_start_ms'),
        end_silence_ms: voiceNumber('end_silence_ms'),
        min_speech_ms: voiceNumber('min_speech_ms'),
        threshold_db: voiceNumber('threshold_db'),
        min_speech_dbfs: voiceNumber('min_speech_dbfs'),
      })
      .partial(),
    silence_timeout_ms: voiceNumber('silence_timeout_ms'),
    dtmf_timeout_ms: voiceNumber('dtmf_timeout_ms'),
    barge_in: z.boolean(),
    record: z.boolean().describe('record calls: both sides, encrypted (default false)'),
  })
  .partial();
