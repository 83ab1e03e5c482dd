import { REDACTED, secretScrubber } from '../../platform/outbound/scrub.js';
import type { ProviderName } from './types.js';

/**
 * A failed provider API call. `status` is the provider's HTTP status (0 when no response: network
 * error, timeout, or a request refused locally such as an invalid number). `code` is the provider's
 * error code when it gave one. The message never contains credentials: provider text is scrubbed of
 * every credential value before it is used, auth failures use fixed text, and no raw body or `cause`
 * is attached.
 */
export class ProviderError extends Error {
  readonly provider: ProviderName;
  readonly status: number;
  readonly code: string | undefined;
  readonly retryable: boolean;

  constructor(provider: ProviderName, status: number, message: string, code?: string) {
    super(message);
    this.name = 'ProviderError';
    this.provider = provider;
    this.status = status;
    this.code = code;
    this.retryable = status === 0 ? code === 'network_error' || code === 'timeout' : status === 429 || status >= 500;
  }

  toJSON(): { name: string; provider: ProviderName; status: number; code?: string; message: string } {
    return {
      name: this.name,
      provider: this.provider,
      status: this.status,
      ...(this.code !== undefined ? { code: this.code } : {}),
      message: this.message,
    };
  }
}

/** Credentials plus `a:b` pairs of them (account id and token sent as Basic auth). */
function withPairs(values: readonly string[]): string[] {
  const out = [...values];
  for (const a of values) for (const b of values) if (a !== b && a.length >= 4 && b.length >= 4) out.push(`${a}:${b}`);
  return out;
}

const PARTIAL = 8;

/** True when `run` shares at least PARTIAL consecutive characters with a secret (a truncated echo). */
function overlapsSecret(run: string, secrets: readonly string[]): boolean {
  for (const secret of secrets) {
    if (secret.length < PARTIAL) continue;
    for (let i = 0; i + PARTIAL <= run.length; i++) if (secret.includes(run.slice(i, i + PARTIAL))) return true;
  }
  return false;
}

/**
 * Removes credential values in every reflected form (platform/outbound/scrub.ts, plus Basic-auth pairs)
 * from text a provider sent back; then masks any word sharing 8+ consecutive characters with a credential (a
 * truncated echo) and any long token-like run (a transformed one).
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = secretScrubber(withPairs(secrets)).text(text);
  out = out.replace(/[A-Za-z0-9+/_=.-]{8,}/g, (run) => (overlapsSecret(run, secrets) ? REDACTED : run));
  return out.replace(/[A-Za-z0-9+/_=-]{24,}/g, REDACTED);
}

/** All string values of a credentials object (ids included: scrubbing a non-secret id costs nothing). */
export function credentialValues(creds: object): string[] {
  return Object.values(creds).filter((v): v is string => typeof v === 'string');
}
