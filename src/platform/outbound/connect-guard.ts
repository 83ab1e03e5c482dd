/**
 * The address policy for connections that are not HTTP requests through `safeFetch`: a WebSocket
 * client (Deepgram's live API at a tenant's base_url). The URL is resolved and every address checked
 * exactly as for a request; the returned `lookup` hands the socket only those addresses, so the name
 * cannot resolve elsewhere between the check and the connect (no DNS rebinding).
 *
 * @example
 * const guard = createConnectGuard({ allowPrivateNetwork: config.allowPrivateNetwork });
 * new WebSocket(url, { lookup: await guard(url) });   // throws OutboundBlockedError when refused
 */
import type { LookupFunction } from 'node:net';
import { parseOutboundUrl, resolveTarget, systemLookup, type LookupFn, type ResolvedAddress } from './target.js';

export interface ConnectGuardOptions {
  allowPrivateNetwork: boolean;
  lookup?: LookupFn;
  /** For tests only (see AddressGuard). */
  isAddressAllowed?: (address: string) => boolean;
}

const HTTP_SCHEME: Record<string, string> = { 'ws:': 'http:', 'wss:': 'https:', 'http:': 'http:', 'https:': 'https:' };

export function createConnectGuard(opts: ConnectGuardOptions): (url: URL) => Promise<LookupFunction> {
  const guard = { allowPrivateNetwork: opts.allowPrivateNetwork, lookup: opts.lookup ?? systemLookup, isAddressAllowed: opts.isAddressAllowed };
  return async (url) => {
    // The policy is per host and port; ws/wss are http/https before the upgrade.
    const asHttp = new URL(url);
    asHttp.protocol = HTTP_SCHEME[url.protocol] ?? url.protocol;
    const addresses = await resolveTarget(parseOutboundUrl(asHttp), guard);
    return pinnedLookup(addresses);
  };
}

function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, addresses.map((a) => ({ address: a.address, family: a.family })));
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  }) as LookupFunction;
}
