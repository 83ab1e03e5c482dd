import { streamHttpAudio, type SpeechFetch } from './http-audio.js';
import type { TtsEngine, TtsOptions, TtsStream } from './types.js';

/**
 * OpenAI text-to-speech: `POST {base}/audio/speech` with a Bearer key, body `{model, voice, input,
 * response_format: "pcm"}`; the answer streams raw PCM Int16 LE at 24 kHz, resampled here to the
 * transport's rate (8 kHz phone, 16 kHz widget).
 */
export interface OpenAiTtsOptions {
  apiKey: string;
  /** The API root with its version, e.g. https://api.openai.com/v1 (a provider's `base_url`). */
  baseUrl?: string | null;
  /** gpt-4o-mini-tts by default (tts-1 and tts-1-hd also work). */
  model?: string | null;
  defaultVoice?: string;
  fetch?: SpeechFetch;
}

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';
export const OPENAI_TTS_DEFAULT_MODEL = 'gpt-4o-mini-tts';
export const OPENAI_TTS_DEFAULT_VOICE = 'alloy';
/** `response_format: "pcm"` is always 24 kHz, 16-bit signed little-endian, mono. */
export const OPENAI_PCM_RATE = 24000;
const VOICE = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_REQUEST_CHARS = 4096; // the API's limit on `input`

export function createOpenAiTtsEngine(options: OpenAiTtsOptions): TtsEngine {
  const url = `${(options.baseUrl ?? OPENAI_BASE_URL).replace(/\/+$/, '')}/audio/speech`;
  const model = options.model ?? OPENAI_TTS_DEFAULT_MODEL;
  return {
    name: 'openai-tts',
    synthesize(text: string, tts: TtsOptions): TtsStream {
      const voice = tts.voice ?? options.defaultVoice ?? OPENAI_TTS_DEFAULT_VOICE;
      if (!VOICE.test(voice)) throw new Error(`invalid OpenAI voice name: ${voice}`);
      return streamHttpAudio(
        text,
        { provider: 'openai text-to-speech', fetch: options.fetch ?? globalThis.fetch, maxRequestChars: MAX_REQUEST_CHARS, wire: { encoding: 'pcm', sampleRate: OPENAI_PCM_RATE }, sampleRate: tts.sampleRate, errorCode: openAiErrorCode },
        (chunk) => ({ url, headers: { authorization: `Bearer ${options.apiKey}` }, body: { model, voice, input: chunk, response_format: 'pcm' } }),
      );
    },
  };
}

/** `{"error": {"code": "invalid_api_key", "message": "Incorrect API key provided: sk-…"}}`: only the code. */
function openAiErrorCode(body: unknown): unknown {
  const error = (body as { error?: unknown } | null)?.error;
  return error && typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
}
