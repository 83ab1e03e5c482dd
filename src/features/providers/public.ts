/** What other features may use of providers (they never import providers/repo.ts). */
export { providerKinds } from './repo.js';
export { isLlmProviderKind, LLM_PROVIDER_KINDS, SPEECH_PROVIDER_KINDS, type ProviderKind } from './schemas.js';
export { resolveAgentModel, type ResolvedModel } from './models.js';
