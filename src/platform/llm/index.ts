/** Public surface of the language-model layer: the model factory, its guarded fetch, and turn helpers. */
export { createLlmFetch, type LlmFetch, type LlmFetchOptions } from './fetch.js';
export {
  createLanguageModel,
  isLlmKind,
  DEFAULT_BASE_URLS,
  LLM_KINDS,
  LlmConfigError,
  type LanguageModel,
  type LanguageModelSpec,
  type LlmKind,
} from './models.js';
export { classifyLlmError, isTransientLlmError, type LlmFailure, type LlmFailureCode } from './errors.js';
export { retryOnce, turnDeadline, TurnTimeoutError, type TurnDeadline } from './turn.js';
