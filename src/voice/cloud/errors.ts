/**
 * A cloud speech call that failed, in words safe to show a tenant and to log: the vendor, what was being
 * done, the HTTP status and at most the vendor's machine-readable code (`invalid_api_key`,
 * `quota_exceeded`). Never the vendor's message text: OpenAI's 401 quotes the key it was sent.
 */
export type SpeechFailureCode = 'unauthorized' | 'rate_limited' | 'unavailable' | 'bad_request' | 'network' | 'protocol';

export class SpeechProviderError extends Error {
  constructor(
    readonly provider: string,
    readonly code: SpeechFailureCode,
    detail: string,
    readonly status?: number,
  ) {
    super(`${provider}: ${detail}`);
    this.name = 'SpeechProviderError';
  }
}

const CODE_TOKEN = /^[a-z][a-z0-9_.-]{0,48}$/i;

/** Maps a refused HTTP exchange (also a refused WebSocket handshake) to a clear error. */
export function speechHttpError(provider: string, status: number, vendorCode?: unknown): SpeechProviderError {
  const code = typeof vendorCode === 'string' && CODE_TOKEN.test(vendorCode) ? `, ${vendorCode}` : '';
  if (status === 401 || status === 403) return new SpeechProviderError(provider, 'unauthorized', `the provider refused the API key (HTTP ${status}${code}); check the key of this provider`, status);
  if (status === 429) return new SpeechProviderError(provider, 'rate_limited', `the provider is rate limiting requests or the quota is spent (HTTP 429${code})`, status);
  if (status === 408 || status >= 500) return new SpeechProviderError(provider, 'unavailable', `the provider is unavailable (HTTP ${status}${code})`, status);
  return new SpeechProviderError(provider, 'bad_request', `the provider rejected the request (HTTP ${status}${code}); check the model and voice`, status);
}

/** A failure below HTTP (refused connection, DNS, TLS, address policy): the error's own message names no secret. */
export function speechNetworkError(provider: string, err: unknown, otherwise = 'could not reach the provider'): SpeechProviderError {
  const name = err instanceof Error ? err.name : '';
  // The outbound guard's errors name only scheme://host:port; anything else is summarised.
  const detail = name.startsWith('Outbound') && err instanceof Error ? err.message : otherwise;
  return new SpeechProviderError(provider, 'network', detail);
}
