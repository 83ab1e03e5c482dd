/** Shape rules of a provider that zod cannot express alone. Each failure names the field, never a value. */
import type { Deps } from '../../deps.js';
import { errors } from '../../platform/errors.js';
import { OutboundBlockedError } from '../../platform/outbound/index.js';
import type { ProviderKind } from './schemas.js';

/** Trailing slashes dropped (the SDKs append `/chat/completions`); no `user:pass@` (keys go in credentials). */
export function normalizeBaseUrl(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const url = new URL(raw);
  if (url.username !== '' || url.password !== '') {
    throw errors.validation('base_url must not contain a user name or password; put the key in credentials', [{ path: 'body.base_url', message: 'must not contain credentials' }]);
  }
  return url.toString().replace(/\/+$/, '');
}

export function checkProviderShape(p: { kind: ProviderKind; base_url: string | null; hasCredentials: boolean }): void {
  if (p.kind === 'openai_compatible' && p.base_url === null) {
    throw errors.validation('base_url is required for openai_compatible providers', [{ path: 'body.base_url', message: 'required for openai_compatible' }]);
  }
  if (p.kind !== 'openai_compatible' && !p.hasCredentials) {
    throw errors.validation(`credentials.api_key is required for ${p.kind} providers`, [{ path: 'body.credentials', message: `required for ${p.kind}` }]);
  }
}

/**
 * The address policy on save, so a private or metadata base_url is a 422 at once (it is checked again on
 * every request). A name that does not resolve yet is accepted. DNS: never inside a transaction.
 */
export async function checkBaseUrl(deps: Pick<Deps, 'safeFetch'>, url: string): Promise<void> {
  try {
    await deps.safeFetch.check(url);
  } catch (err) {
    if (err instanceof OutboundBlockedError) throw err.toAppError();
  }
}
