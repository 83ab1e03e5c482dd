/**
 * The AI SDK providers' `fetch`: the guarded streaming client (platform/outbound), so a model call
 * resolves, checks and pins its target like every other tenant-influenced request (a tenant chooses
 * `base_url`). Streaming responses (SSE) are passed through as a web stream with a byte limit.
 *
 * @example
 * const fetch = createLlmFetch({ allowPrivateNetwork: config.allowPrivateNetwork });
 * createLanguageModel({ kind: 'openai', api_key, model: 'gpt-4o-mini' }, { fetch });
 */
import { createStreamingFetch, type StreamingFetchOptions } from '../outbound/index.js';

/** The shape the AI SDK's provider settings take (`typeof globalThis.fetch`). */
export type LlmFetch = typeof globalThis.fetch;

export type LlmFetchOptions = Pick<StreamingFetchOptions, 'allowPrivateNetwork' | 'lookup' | 'isAddressAllowed' | 'maxResponseBytes' | 'connectTimeoutMs'>;

/** A long reply streamed as SSE is several times its text; 8 MiB per response is far above any turn. */
const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export function createLlmFetch(opts: LlmFetchOptions): LlmFetch {
  const guarded = createStreamingFetch({
    maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES,
    // prompts with a long history and many tool schemas exceed the 1 MiB default
    maxRequestBytes: 4 * 1024 * 1024,
    userAgent: 'Converse/0.1 (+llm)',
    ...opts,
  });
  const llmFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    if (input instanceof Request) {
      // The SDKs pass a URL string; a Request is unwrapped so its method, headers and body are kept.
      const body = input.body === null ? undefined : new Uint8Array(await input.arrayBuffer());
      return guarded(input.url, { method: input.method, headers: input.headers, body, signal: input.signal, ...init });
    }
    return guarded(input, init);
  };
  return llmFetch as LlmFetch;
}
