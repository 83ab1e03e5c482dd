/**
 * The one guarded HTTP client for every request Converse makes on a tenant's behalf (tools, webhooks,
 * MCP, URL ingestion). Each hop is resolved, checked against the address policy and connected to the
 * checked IP; redirects are followed by hand so every hop is checked again.
 *
 * @example
 * const safeFetch = createSafeFetch({ allowPrivateNetwork: config.allowPrivateNetwork })
 * const res = await safeFetch('https://api.example.com/v1', { method: 'POST', body: JSON.stringify(x) })
 * const data = res.json()
 */
import { describeTarget, OutboundBlockedError, OutboundRequestError, OutboundTimeoutError, OutboundTooLargeError } from './errors.js';
import { parseOutboundUrl, resolveTarget, systemLookup, type AddressGuard, type LookupFn, type ResolvedAddress } from './target.js';
import { buildResponse, type SafeResponse } from './response.js';
import { readBody, sendRequest } from './transport.js';

export interface SafeFetchOptions {
  /** Development only (CONVERSE_ALLOW_PRIVATE_NETWORK): lets requests reach private/loopback addresses. */
  allowPrivateNetwork: boolean;
  /** Total time for the whole call, DNS and redirects included. Default 30 s. */
  defaultTimeoutMs?: number;
  /** TCP connect plus TLS handshake, per hop. Default 10 s. */
  connectTimeoutMs?: number;
  /** Decoded response body limit. Default 10 MiB. */
  maxResponseBytes?: number;
  /** Request body limit. Default 10 MiB. */
  maxRequestBytes?: number;
  /** Default 5. */
  maxRedirects?: number;
  userAgent?: string;
  /** DNS resolver; defaults to the system resolver. Tests inject fixed answers. */
  lookup?: LookupFn;
  /** Replaces the public/private decision per address (metadata stays blocked). Tests only. */
  isAddressAllowed?: (address: string) => boolean;
}

type HeadersInput = ConstructorParameters<typeof Headers>[0];

export interface SafeFetchInit {
  method?: string;
  headers?: HeadersInput;
  /** Buffered, so it can be re-sent on a 307/308 redirect. */
  body?: string | Uint8Array;
  timeoutMs?: number;
  connectTimeoutMs?: number;
  maxResponseBytes?: number;
  maxRedirects?: number;
  /** 'manual' returns the 3xx response instead of following it. Default 'follow'. */
  redirect?: 'follow' | 'manual';
  signal?: AbortSignal;
}

export interface SafeFetch {
  (url: string | URL, init?: SafeFetchInit): Promise<SafeResponse>;
  /** Validates a URL (scheme, DNS, address policy) without connecting, e.g. when a webhook is saved. */
  check(url: string | URL, opts?: { signal?: AbortSignal }): Promise<{ url: string; addresses: ResolvedAddress[] }>;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Sent only to the origin they were given for (fetch drops Authorization on cross-origin redirects). */
const ORIGIN_BOUND_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];
const BODY_HEADERS = ['content-type', 'content-encoding', 'content-language', 'content-location'];
/** Set by the transport from the URL and body; a caller's value could only desynchronise them. */
const TRANSPORT_HEADERS = ['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade'];

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part; // a stray '%' is taken literally, as curl does
  }
}

/** Headers' own TypeError quotes the offending value, which may be a secret; ours does not. */
function toHeaders(input: HeadersInput | undefined, url: URL): Headers {
  try {
    return new Headers(input);
  } catch {
    throw new OutboundRequestError('invalid_request', describeTarget(url));
  }
}

/** Moves `user:pass@` into a Basic Authorization header so it never appears in a URL we report. */
function takeUserinfo(url: URL, headers: Headers): URL {
  if (url.username === '' && url.password === '') return url;
  if (!headers.has('authorization')) {
    const pair = `${safeDecode(url.username)}:${safeDecode(url.password)}`;
    headers.set('authorization', `Basic ${Buffer.from(pair).toString('base64')}`);
  }
  const clean = new URL(url);
  clean.username = '';
  clean.password = '';
  return clean;
}

export function createSafeFetch(opts: SafeFetchOptions): SafeFetch {
  const guard: AddressGuard = {
    allowPrivateNetwork: opts.allowPrivateNetwork,
    lookup: opts.lookup ?? systemLookup,
    isAddressAllowed: opts.isAddressAllowed,
  };
  const userAgent = opts.userAgent ?? 'Converse/0.1 (outbound)';
  const maxRequestBytes = opts.maxRequestBytes ?? 10 * 1024 * 1024;

  async function run(url: URL, init: SafeFetchInit, signal: AbortSignal, current: { url: URL }): Promise<SafeResponse> {
    const maxRedirects = init.maxRedirects ?? opts.maxRedirects ?? 5;
    const maxResponseBytes = init.maxResponseBytes ?? opts.maxResponseBytes ?? 10 * 1024 * 1024;
    let method = (init.method ?? 'GET').toUpperCase();
    const headers = toHeaders(init.headers, url);
    TRANSPORT_HEADERS.forEach((h) => headers.delete(h));
    if (!headers.has('user-agent')) headers.set('user-agent', userAgent);
    if (!headers.has('accept')) headers.set('accept', '*/*');
    if (!headers.has('accept-encoding')) headers.set('accept-encoding', 'gzip, deflate, br');
    let body = init.body === undefined ? undefined : Buffer.from(init.body);
    if (body && body.length > maxRequestBytes) throw new OutboundTooLargeError('request', maxRequestBytes, describeTarget(url));

    for (let redirects = 0; ; redirects++) {
      url = takeUserinfo(url, headers);
      current.url = url;
      const target = describeTarget(url);
      const addresses = await resolveTarget(url, guard, { signal, viaRedirect: redirects > 0 });
      const wire = Object.fromEntries(headers);
      if (body) wire['content-length'] = String(body.length);
      const exchange = {
        url, target, addresses, method, headers: wire, body, signal,
        connectTimeoutMs: init.connectTimeoutMs ?? opts.connectTimeoutMs ?? 10_000,
      };
      const { req, res } = await sendRequest(exchange);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (REDIRECT_STATUSES.has(status) && location !== undefined && init.redirect !== 'manual') {
        req.destroy(); // the redirect body is never read; drop the connection
        if (redirects >= maxRedirects) throw new OutboundBlockedError('too_many_redirects', target);
        const next = parseOutboundUrl(location, { base: url, viaRedirect: true });
        if (status === 303 ? method !== 'HEAD' : (status === 301 || status === 302) && method === 'POST') {
          method = 'GET';
          body = undefined;
          BODY_HEADERS.forEach((h) => headers.delete(h));
        }
        if (next.origin !== url.origin) ORIGIN_BOUND_HEADERS.forEach((h) => headers.delete(h));
        url = next;
        continue;
      }
      const read = await readBody(req, res, exchange, maxResponseBytes);
      return buildResponse({ status, statusText: res.statusMessage ?? '', rawHeaders: res.rawHeaders, ...read, url, redirects });
    }
  }

  /** One deadline and one abort signal for the whole call, across DNS, connects and redirects. */
  async function withDeadline<T>(url: URL, timeoutMs: number, userSignal: AbortSignal | undefined,
    fn: (signal: AbortSignal, current: { url: URL }) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const current = { url };
    const timer = setTimeout(() => controller.abort(new OutboundTimeoutError('total', timeoutMs, describeTarget(current.url))), timeoutMs);
    const onAbort = () => controller.abort(userSignal?.reason);
    if (userSignal?.aborted) onAbort();
    userSignal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await fn(controller.signal, current);
    } finally {
      clearTimeout(timer);
      userSignal?.removeEventListener('abort', onAbort);
    }
  }

  const safeFetch = (input: string | URL, init: SafeFetchInit = {}): Promise<SafeResponse> => {
    let url: URL;
    try {
      url = parseOutboundUrl(input);
    } catch (e) {
      return Promise.reject(e);
    }
    const timeoutMs = init.timeoutMs ?? opts.defaultTimeoutMs ?? 30_000;
    return withDeadline(url, timeoutMs, init.signal, (signal, current) => run(url, init, signal, current));
  };

  const check: SafeFetch['check'] = async (input, checkOpts = {}) => {
    const url = takeUserinfo(parseOutboundUrl(input), new Headers());
    const timeoutMs = opts.defaultTimeoutMs ?? 30_000;
    const addresses = await withDeadline(url, timeoutMs, checkOpts.signal, (signal) => resolveTarget(url, guard, { signal }));
    return { url: url.href, addresses };
  };

  return Object.assign(safeFetch, { check });
}
