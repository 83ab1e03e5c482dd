/**
 * Turns a URL into the exact IP addresses a request may connect to. The check runs on the resolved
 * addresses (never on the name), and the transport connects only to the addresses returned here, so a
 * DNS answer that changes between check and connect (rebinding) cannot slip through.
 *
 * @example const addrs = await resolveTarget(parseOutboundUrl('https://api.example.com'), guard)
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { classifyAddress, isLocalhostName, METADATA_HOSTNAMES } from './address-policy.js';
import { describeTarget, OutboundBlockedError, OutboundError, OutboundRequestError } from './errors.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name. Answers may be IP strings or `{ address }` objects. */
export type LookupFn = (hostname: string) => Promise<ReadonlyArray<string | { address: string; family?: number }>>;

export interface AddressGuard {
  allowPrivateNetwork: boolean;
  lookup: LookupFn;
  /** Replaces the public/private decision (metadata endpoints stay blocked). For tests only. */
  isAddressAllowed?: ((address: string) => boolean) | undefined;
}

/** getaddrinfo through Node: honours /etc/hosts, like every other client on the machine. */
export const systemLookup: LookupFn = async (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Parses (and, for redirects, resolves against `base`) an outbound URL; only http and https pass.
 * The WHATWG parser already canonicalises 2130706433, 0x7f000001, 0177.0.0.1 and 127.1 to 127.0.0.1.
 */
export function parseOutboundUrl(input: string | URL, opts: { base?: URL; viaRedirect?: boolean } = {}): URL {
  let url: URL;
  try {
    url = new URL(input, opts.base);
  } catch {
    throw new OutboundBlockedError('invalid_url', opts.base ? describeTarget(opts.base) : '(invalid url)', opts);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    // Name only the scheme: for data:, javascript: etc. the "host" part can be the whole payload.
    throw new OutboundBlockedError('unsupported_scheme', `${url.protocol}//`, opts);
  }
  if (url.hostname === '') throw new OutboundBlockedError('invalid_url', describeTarget(url), opts);
  return url;
}

/** The host as a socket wants it: IPv6 without brackets. */
export const socketHost = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function checkAddress(address: string, guard: AddressGuard, target: string, viaRedirect: boolean): ResolvedAddress {
  const verdict = classifyAddress(address);
  if (verdict.kind === 'metadata') throw new OutboundBlockedError('metadata_address', target, { address, viaRedirect });
  const allowed = guard.isAddressAllowed
    ? guard.isAddressAllowed(address)
    : verdict.kind === 'public' || guard.allowPrivateNetwork;
  const family = isIP(address.split('%')[0] ?? '');
  if (!allowed || family === 0) throw new OutboundBlockedError('private_address', target, { address, viaRedirect });
  return { address, family: family as 4 | 6 };
}

/** Resolves and checks every address of the URL's host; refuses if any one is not allowed. */
export async function resolveTarget(
  url: URL,
  guard: AddressGuard,
  opts: { signal?: AbortSignal; viaRedirect?: boolean } = {},
): Promise<ResolvedAddress[]> {
  const target = describeTarget(url);
  const viaRedirect = opts.viaRedirect ?? false;
  const host = socketHost(url);
  if (isIP(host) !== 0) return [checkAddress(host, guard, target, viaRedirect)];

  const name = host.replace(/\.+$/, ''); // "localhost." is localhost
  if (METADATA_HOSTNAMES.has(name)) throw new OutboundBlockedError('metadata_address', target, { viaRedirect });
  if (isLocalhostName(name) && !guard.allowPrivateNetwork) {
    throw new OutboundBlockedError('private_address', target, { viaRedirect });
  }

  let answers: Awaited<ReturnType<LookupFn>>;
  try {
    answers = await abortable(guard.lookup(host), opts.signal);
  } catch (e) {
    if (e instanceof OutboundError || opts.signal?.aborted) throw e;
    throw new OutboundRequestError('dns_failed', target, e);
  }
  if (answers.length === 0) throw new OutboundRequestError('dns_failed', target);
  // Every answer must pass: refusing mixed answers keeps the rule simple to reason about.
  return answers.map((a) => checkAddress(typeof a === 'string' ? a : a.address, guard, target, viaRedirect));
}
