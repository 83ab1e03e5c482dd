import { streamHttpAudio, type SpeechFetch, type WireAudio } from './http-audio.js';
import type { TtsEngine, TtsOptions, TtsStream } from './types.js';

/**
 * ElevenLabs streaming text-to-speech: `POST {base}/text-to-speech/{voice_id}/stream?output_format=…`
 * with `xi-api-key`, body `{text, model_id}`; the audio streams back as it is generated. Phone calls
 * get `ulaw_8000` (what the media stream carries, decoded here losslessly to PCM), the widget
 * `pcm_16000`; any other rate is fetched at 16 kHz and resampled.
 */
export interface ElevenLabsOptions {
  apiKey: string;
  /** The API root with its version, e.g. https://api.elevenlabs.io/v1 (a provider's `base_url`). */
  baseUrl?: string | null;
  /** `model_id`; eleven_flash_v2_5 (lowest latency) by default. */
  model?: string | null;
  /** Voice when the agent names none. */
  defaultVoice?: string;
  fetch?: SpeechFetch;
}

export const ELEVENLABS_BASE_URL = 'https://api.elevenlabs.io/v1';
export const ELEVENLABS_DEFAULT_MODEL = 'eleven_flash_v2_5';
/** "Rachel", one of the premade voices every account has. */
export const ELEVENLABS_DEFAULT_VOICE = '21m00Tcm4TlvDq8ikWAM';
const VOICE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const PCM_RATES = new Set([16000, 22050, 24000, 44100]);
// The flash and turbo models take 40,000 characters a request, multilingual_v2 10,000.
const MAX_REQUEST_CHARS = 5000;

function outputFormat(sampleRate: number): { format: string; wire: WireAudio } {
  if (sampleRate === 8000) return { format: 'ulaw_8000', wire: { encoding: 'mulaw' } };
  const rate = PCM_RATES.has(sampleRate) ? sampleRate : 16000;
  return { format: `pcm_${rate}`, wire: { encoding: 'pcm', sampleRate: rate } };
}

export function createElevenLabsEngine(options: ElevenLabsOptions): TtsEngine {
  const base = (options.baseUrl ?? ELEVENLABS_BASE_URL).replace(/\/+$/, '');
  const model = options.model ?? ELEVENLABS_DEFAULT_MODEL;
  return {
    name: 'elevenlabs',
    synthesize(text: string, tts: TtsOptions): TtsStream {
      const voice = tts.voice ?? options.defaultVoice ?? ELEVENLABS_DEFAULT_VOICE;
      if (!VOICE_ID.test(voice)) throw new Error(`invalid ElevenLabs voice id: ${voice}`);
      const { format, wire } = outputFormat(tts.sampleRate);
      const url = `${base}/text-to-speech/${voice}/stream?output_format=${format}`;
      return streamHttpAudio(
        text,
        { provider: 'elevenlabs text-to-speech', fetch: options.fetch ?? globalThis.fetch, maxRequestChars: MAX_REQUEST_CHARS, wire, sampleRate: tts.sampleRate, errorCode: elevenLabsErrorCode },
        (chunk) => ({ url, headers: { 'xi-api-key': options.apiKey, accept: 'audio/*' }, body: { text: chunk, model_id: model } }),
      );
    },
  };
}

/** `{"detail": {"status": "invalid_api_key", "message": …}}`; validation errors carry a list instead. */
function elevenLabsErrorCode(body: unknown): unknown {
  const detail = (body as { detail?: unknown } | null)?.detail;
  return detail && typeof detail === 'object' && !Array.isArray(detail) ? (detail as { status?: unknown }).status : undefined;
}
