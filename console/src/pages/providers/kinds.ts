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
