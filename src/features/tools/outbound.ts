/**
 * The guarded outbound clients for tenant-configured URLs (tools, MCP servers, webhooks), built once
 * per configuration from `allowPrivateNetwork`. Everything a tenant can point somewhere goes through
 * these: never `fetch` or an SDK's own client.
 */
import type { Config } from '../../config.js';
import type { Deps } from '../../deps.js';
import { createSafeFetch, createStreamingFetch, OutboundBlockedError, type SafeFetch, type StreamingFetch } from '../../platform/outbound/index.js';

const clients = new WeakMap<Config, SafeFetch>();

export function guardedFetch(deps: Deps): SafeFetch {
  let client = clients.get(deps.config);
  if (!client) {
    client = createSafeFetch({ allowPrivateNetwork: deps.config.allowPrivateNetwork, userAgent: 'Converse/0.1 (+tools)' });
    clients.set(deps.config, client);
  }
  return client;
}

/** A streaming fetch whose every request ends when `signal` aborts (the operation's deadline). */
export function guardedStreamingFetch(deps: Deps, signal: AbortSignal): StreamingFetch {
  return createStreamingFetch({ allowPrivateNetwork: deps.config.allowPrivateNetwork, signal, userAgent: 'Converse/0.1 (+mcp)' });
}

/**
 * Checks a URL against the address policy when it is saved, so a private or metadata target is a 422
 * at once. Only a refusal fails: a name that does not resolve yet is accepted (it is checked again on
 * every request). Makes a DNS query, so never call it inside a transaction.
 */
export async function checkDestination(deps: Deps, url: string): Promise<void> {
  try {
    await guardedFetch(deps).check(url);
  } catch (err) {
    if (err instanceof OutboundBlockedError) throw err.toAppError();
  }
}
