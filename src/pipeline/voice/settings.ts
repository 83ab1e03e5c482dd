/**
 * An agent's voice settings (`settings.voice` on the agent; docs/voice.md "Tuning a phone agent"). Read
 * from the session's frozen context; anything missing or out of range falls back to the default, so a
 * typo in free-form settings never breaks a call.
 */
import { z } from 'zod';
import { voiceNumber, type VoiceLimit } from '../../features/agents/voice-settings.js';
import { DEFAULT_VAD, type VadOptions } from '../../voice/vad.js';
import type { SessionContext } from '../context/types.js';

/** A value out of range (an agent stored before settings were checked on write) falls back to the default. */
const lenient = (key: VoiceLimit) => voiceNumber(key).optional().catch(undefined);

const VoiceSettings = z.object({
  vad: z.object({
    speech_start_ms: lenient('speech_start_ms'),
    end_silence_ms: lenient('end_silence_ms'),
    min_speech_ms: lenient('min_speech_ms'),
    threshold_db: lenient('threshold_db'),
    min_speech_dbfs: lenient('min_speech_dbfs'),
  }).optional().catch(undefined),
  /** No caller speech this long after the agent stopped talking → a `silence` event (re-prompt, no_input). */
  silence_timeout_ms: lenient('silence_timeout_ms'),
  /** Keys pressed for a collect end after this pause (or with #). */
  dtmf_timeout_ms: lenient('dtmf_timeout_ms'),
  /** false: the caller cannot interrupt the agent. */
  barge_in: z.boolean().optional().catch(undefined),
  /** true: the call is recorded, both sides mixed, encrypted (docs/voice.md "Recordings"). */
  record: z.boolean().optional().catch(undefined),
}).catch({});

export interface VoiceTuning {
  vad: Omit<VadOptions, 'sampleRate'>;
  silenceTimeoutMs: number;
  dtmfTimeoutMs: number;
  bargeIn: boolean;
  record: boolean;
}

export const DEFAULT_SILENCE_TIMEOUT_MS = 7000;
export const DEFAULT_DTMF_TIMEOUT_MS = 2000;

export function voiceTuning(ctx: SessionContext): VoiceTuning {
  const agent = ctx.agent_id ? ctx.agents[ctx.agent_id] : undefined;
  const s = VoiceSettings.parse(agent?.speech?.settings ?? {});
  const v = s.vad ?? {};
  return {
    vad: {
      speechStartMs: v.speech_start_ms ?? DEFAULT_VAD.speechStartMs,
      endSilenceMs: v.end_silence_ms ?? DEFAULT_VAD.endSilenceMs,
      minSpeechMs: v.min_speech_ms ?? DEFAULT_VAD.minSpeechMs,
      thresholdDb: v.threshold_db ?? DEFAULT_VAD.thresholdDb,
      minSpeechDbfs: v.min_speech_dbfs ?? DEFAULT_VAD.minSpeechDbfs,
    },
    silenceTimeoutMs: s.silence_timeout_ms ?? DEFAULT_SILENCE_TIMEOUT_MS,
    dtmfTimeoutMs: s.dtmf_timeout_ms ?? DEFAULT_DTMF_TIMEOUT_MS,
    bargeIn: s.barge_in ?? true,
    record: s.record ?? false,
  };
}

/** Text free speech is likely to use (the domain language model): the agents' prompts and the flow's lines. */
export function domainTexts(ctx: SessionContext): string[] {
  const texts: string[] = [];
  for (const a of Object.values(ctx.agents)) texts.push(a.system_prompt, a.greeting ?? '');
  for (const n of ctx.flow?.nodes ?? []) {
    for (const v of Object.values(n.data as Record<string, unknown>)) if (typeof v === 'string') texts.push(v);
  }
  return texts.filter((t) => t.trim());
}
