/**
 * Builds an AI SDK language model for one provider account. No business rules and no database: the
 * caller (features/providers) decrypts the key and passes it in. Every request goes through `fetch`,
 * which must be the guarded client (`createLlmFetch`). Keys are always passed explicitly, so the SDKs
 * never fall back to reading OPENAI_API_KEY & co. from the environment.
 *
 * @example
 * const model = createLanguageModel({ kind: 'anthropic', api_key, model: 'claude-3-5-haiku-latest' }, { fetch });
 * const { textStream } = streamText({ model, prompt: 'Hi' });
 */
import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel as AnyLanguageModel } from 'ai';
import type { LlmFetch } from './fetch.js';

// The SDK prints compatibility warnings with console.warn, outside the structured logger (and once per
// call); they describe model capabilities, not failures, so they are turned off for the process.
globalThis.AI_SDK_LOG_WARNINGS = false;

export const LLM_KINDS = ['openai', 'openai_compatible', 'google', 'anthropic'] as const;
export type LlmKind = (typeof LLM_KINDS)[number];

/** A model object (the `ai` type also admits a gateway id string, which this project never uses). */
export type LanguageModel = Exclude<AnyLanguageModel, string>;

export interface LanguageModelSpec {
  kind: LlmKind;
  /** Required for openai_compatible; overrides the official endpoint for the other kinds. */
  base_url?: string | null;
  api_key?: string | null;
  model: string;
}

/** The official endpoints, used when a provider has no base_url. */
export const DEFAULT_BASE_URLS: Record<Exclude<LlmKind, 'openai_compatible'>, string> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
  google: 'https://generativelanguage.googleapis.com/v1beta',
};

export class LlmConfigError extends Error {
  override name = 'LlmConfigError';
}

export function isLlmKind(kind: string): kind is LlmKind {
  return (LLM_KINDS as readonly string[]).includes(kind);
}

export function createLanguageModel(spec: LanguageModelSpec, opts: { fetch: LlmFetch }): LanguageModel {
  const fetch = opts.fetch;
  const apiKey = spec.api_key ?? undefined;
  const baseURL = (spec.base_url ?? undefined)?.replace(/\/+$/, '');
  if (spec.kind !== 'openai_compatible' && !apiKey) throw new LlmConfigError(`an API key is required for ${spec.kind}`);
  switch (spec.kind) {
    case 'openai_compatible':
      if (!baseURL) throw new LlmConfigError('base_url is required for openai_compatible');
      // includeUsage: token counts in the last streamed chunk (LiteLLM, vLLM and Ollama support it).
      return createOpenAICompatible({ name: 'openai_compatible', baseURL, apiKey, fetch, includeUsage: true }).chatModel(spec.model);
    case 'openai':
      // Chat Completions rather than the Responses API: the same wire format as openai_compatible,
      // stateless (nothing stored at OpenAI between turns) and what proxies in front of OpenAI accept.
      return createOpenAI({ baseURL: baseURL ?? DEFAULT_BASE_URLS.openai, apiKey, fetch }).chat(spec.model);
    case 'anthropic':
      return createAnthropic({ baseURL: baseURL ?? DEFAULT_BASE_URLS.anthropic, apiKey, fetch })(spec.model);
    case 'google':
      return createGoogleGenerativeAI({ baseURL: baseURL ?? DEFAULT_BASE_URLS.google, apiKey, fetch })(spec.model);
  }
}
