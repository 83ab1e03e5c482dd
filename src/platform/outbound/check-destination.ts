import { OutboundBlockedError } from './errors.js';
import type { SafeFetch } from './safe-fetch.js';

/**
 * Checks a tenant-configured URL (tool, MCP server, webhook endpoint) against the address policy when
 * it is saved, so a private or metadata target is a 422 at once. Only a refusal fails: a name that does
 * not resolve yet is accepted (it is checked again on every request). Makes a DNS query, so never call
 * it inside a transaction.
 *
 * @example await checkDestination(deps.safeFetch, body.url);
 */
export async function checkDestination(safeFetch: Pick<SafeFetch, 'check'>, url: string): Promise<void> {
  try {
    await safeFetch.check(url);
  } catch (err) {
    if (err instanceof OutboundBlockedError) throw err.toAppError();
  }
}
