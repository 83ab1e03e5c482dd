import type { LookupFunction } from 'node:net';
import { SpeechProviderError } from './cloud/errors.js';
import { createDeepgramEngine } from './stt/deepgram.js';
import { createElevenLabsEngine } from './tts/elevenlabs.js';
import type { SpeechFetch } from './tts/http-audio.js';
import { createOpenAiTtsEngine } from './tts/openai.js';
import type { SttEngine } from './stt/types.js';
import type { TtsEngine } from './tts/types.js';

/**
 * Chooses the speech engines of a voice session from the agent's `stt {provider_id?, model?}` and
 * `tts {provider_id?, voice?}`: no provider → the offline engines (pocketsphinx, espeak-ng); a speech
 * provider of the org → its cloud engine (Deepgram recognition; ElevenLabs or OpenAI speech). The
 * caller resolves the provider ids to kinds and decrypted keys (src/pipeline/agent/speech.ts); this
 * module sees no database and no vault.
 */
export type SpeechProviderKind = 'deepgram' | 'elevenlabs' | 'openai_speech' | 'openai';

export const STT_PROVIDER_KINDS: readonly SpeechProviderKind[] = ['deepgram'];
/** An `openai` (language model) provider's key also works for OpenAI's speech endpoint. */
export const TTS_PROVIDER_KINDS: readonly SpeechProviderKind[] = ['elevenlabs', 'openai_speech', 'openai'];

export interface SpeechProviderRef {
  kind: SpeechProviderKind;
  /** Decrypted by the caller, used only in request headers. */
  apiKey: string;
  /** The provider's `base_url` (official endpoint when null). */
  baseUrl: string | null;
  /** The provider's `default_model`: the model when the agent names none. */
  defaultModel: string | null;
}

export interface AgentSpeechSettings {
  stt: { provider: SpeechProviderRef | null; model: string | null };
  tts: { provider: SpeechProviderRef | null; voice: string | null };
  /** The agent's language, passed to recognizers that take one. */
  language?: string | null;
}

/** How cloud engines reach the network: the guarded outbound client (never plain fetch for a tenant's base_url). */
export interface CloudNetwork {
  fetch: SpeechFetch;
  /** Checks a WebSocket URL against the address policy; returns a lookup pinned to the checked addresses. */
  guard: (url: URL) => Promise<LookupFunction | undefined>;
}

export interface SelectedSpeech {
  stt: SttEngine;
  tts: TtsEngine;
  /** The voice to pass to `tts.synthesize` (null: the engine's default). */
  voice: string | null;
}

export interface OfflineEngines {
  stt: SttEngine;
  tts: TtsEngine;
}

/** Agents are validated when saved, so this is a backstop (e.g. a provider changed under a running agent). */
function wrongRole(kind: SpeechProviderKind, role: 'speech recognition' | 'text-to-speech'): never {
  const field = role === 'speech recognition' ? 'stt' : 'tts';
  const kinds = role === 'speech recognition' ? STT_PROVIDER_KINDS : TTS_PROVIDER_KINDS;
  const fits = kinds.length > 1 ? `${kinds.slice(0, -1).join(', ')} or ${kinds.at(-1)}` : kinds[0];
  throw new SpeechProviderError(`${kind} ${role}`, 'bad_request', `${kind} providers do not offer ${role}; set the agent's ${field}.provider_id to a provider of kind ${fits}, or to null for the offline engine`);
}

function cloudStt(p: SpeechProviderRef, model: string | null, language: string | null, net: CloudNetwork): SttEngine {
  if (p.kind !== 'deepgram') wrongRole(p.kind, 'speech recognition');
  return createDeepgramEngine({ apiKey: p.apiKey, baseUrl: p.baseUrl, model: model ?? p.defaultModel, language, guard: net.guard });
}

function cloudTts(p: SpeechProviderRef, net: CloudNetwork): TtsEngine {
  const common = { apiKey: p.apiKey, baseUrl: p.baseUrl, model: p.defaultModel, fetch: net.fetch };
  if (p.kind === 'elevenlabs') return createElevenLabsEngine(common);
  if (p.kind === 'openai_speech' || p.kind === 'openai') return createOpenAiTtsEngine(common);
  return wrongRole(p.kind, 'text-to-speech');
}

export function selectSpeechEngines(settings: AgentSpeechSettings, offline: OfflineEngines, net: CloudNetwork): SelectedSpeech {
  const stt = settings.stt.provider ? cloudStt(settings.stt.provider, settings.stt.model, settings.language ?? null, net) : offline.stt;
  const tts = settings.tts.provider ? cloudTts(settings.tts.provider, net) : offline.tts;
  return { stt, tts, voice: settings.tts.voice };
}
