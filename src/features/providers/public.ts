/** What other features may use of providers (they never import providers/repo.ts). */
export { providerKinds } from './repo.js';
export { canFillSpeechRole, isLlmProviderKind, LLM_PROVIDER_KINDS, SPEECH_PROVIDER_KINDS, SPEECH_ROLE_KINDS, type ProviderKind, type SpeechRole } from './schemas.js';
export { resolveAgentModel, type ResolvedModel } from './models.js';
export { resolveSpeechProvider, type ResolvedSpeechProvider } from './speech.js';
