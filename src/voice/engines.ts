import { SpeechUnavailableError } from './unavailable.js';
import type { SttEngine } from './stt/types.js';
import type { TtsEngine } from './tts/types.js';

/**
 * Chooses the speech engines of a voice session from the agent's `stt {provider_id?, model?}` and
 * `tts {provider_id?, voice?}`: no provider → the offline engines (pocketsphinx, espeak-ng); a speech
 * provider of the org → its cloud engine. The caller (the voice transport) resolves the provider ids
 * to kinds and decrypted keys; this module sees no database and no vault.
 */
export type SpeechProviderKind = 'deepgram' | 'elevenlabs' | 'openai_speech';

export interface SpeechProviderRef {
  kind: SpeechProviderKind;
}

export interface AgentSpeechSettings {
  stt: { provider: SpeechProviderRef | null; model: string | null };
  tts: { provider: SpeechProviderRef | null; voice: string | null };
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

// Cloud engines are the next increment (docs/voice.md): until then an agent set to one fails clearly.
function cloudEngine(kind: SpeechProviderKind, role: 'speech recognition' | 'text-to-speech'): never {
  throw new SpeechUnavailableError(`${kind} ${role}`, 'cloud speech engines are not available in this version of Converse', 'remove the provider from the agent\'s stt/tts to use the offline engines');
}

export function selectSpeechEngines(settings: AgentSpeechSettings, offline: OfflineEngines): SelectedSpeech {
  const stt = settings.stt.provider ? cloudEngine(settings.stt.provider.kind, 'speech recognition') : offline.stt;
  const tts = settings.tts.provider ? cloudEngine(settings.tts.provider.kind, 'text-to-speech') : offline.tts;
  return { stt, tts, voice: settings.tts.voice };
}
