/** Provider kinds as the console names them (docs/providers.md). */
export const PROVIDER_KINDS = [
  { value: 'openai', label: 'OpenAI', group: 'Language model' },
  { value: 'openai_compatible', label: 'OpenAI-compatible (Ollama, vLLM, LiteLLM…)', group: 'Language model' },
  { value: 'anthropic', label: 'Anthropic', group: 'Language model' },
  { value: 'google', label: 'Google Gemini', group: 'Language model' },
  { value: 'deepgram', label: 'Deepgram', group: 'Speech' },
  { value: 'elevenlabs', label: 'ElevenLabs', group: 'Speech' },
  { value: 'openai_speech', label: 'OpenAI speech (Whisper / TTS)', group: 'Speech' },
] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number]['value'];

export const kindLabel = (kind: string) => PROVIDER_KINDS.find((k) => k.value === kind)?.label ?? kind;
export const isLanguageModel = (kind: string) => PROVIDER_KINDS.find((k) => k.value === kind)?.group === 'Language model';

/**
 * Which kinds the API accepts in an agent's speech roles (src/features/providers/schemas.ts
 * SPEECH_ROLE_KINDS): only Deepgram recognizes; an `openai` key also speaks.
 */
export const SPEECH_ROLE_KINDS = { stt: ['deepgram'], tts: ['elevenlabs', 'openai_speech', 'openai'] } as const satisfies Record<'stt' | 'tts', readonly ProviderKind[]>;
export const canFillSpeechRole = (kind: string, role: keyof typeof SPEECH_ROLE_KINDS) => (SPEECH_ROLE_KINDS[role] as readonly string[]).includes(kind);
