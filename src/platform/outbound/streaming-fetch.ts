/**
 * A WHATWG-`fetch`-shaped client with the same guard as `createSafeFetch`, for callers that need the
 * response as a stream (MCP over SSE and Streamable HTTP, whose SDK takes a custom `fetch`). Each call
 * parses the URL, resolves the host, checks every address (`resolveTarget`) and connects only to the
 * checked addresses (`sendRequest`'s pinned lookup). It never follows redirects: a 3xx is returned as
 * is, so a caller that follows one calls this function again and the new hop is checked again.
 *
 * @example
 * const fetch = createStreamingFetch({ allowPrivateNetwork: false, signal: AbortSignal.timeout(30_000) })
 * const transport = new StreamableHTTPClientTransport(new URL(url), { fetch })
 */
import { pipeline, Readable, Transform } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import zlib from 'node:zlib';
import { describeTarget, OutboundBlockedError, OutboundRequestError, OutboundTooLargeError } from './errors.js';
import { parseOutboundUrl, resolveTarget, systemLookup, type AddressGuard, type LookupFn } from './target.js';
import { sendRequest } from './transport.js';

export interface StreamingFetchOptions {
  /** Development only (CONVERSE_ALLOW_PRIVATE_NETWORK): lets requests reach private/loopback addresses. */
  allowPrivateNetwork: boolean;
  /** Ends every request made through this fetch (the caller's overall deadline). */
  signal?: AbortSignal;
  /** Per response: decoded bytes a stream may deliver before it is cut. Default 4 MiB. */
  maxResponseBytes?: number;
  /** Default 1 MiB. */
  maxRequestBytes?: number;
  /** TCP connect plus TLS handshake. Default 10 s. */
  connectTimeoutMs?: number;
  userAgent?: string;
  lookup?: LookupFn;
  /** Tests only, as in createSafeFetch. */
  isAddressAllowed?: (address: string) => boolean;
}

export type StreamingFetch = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** Set from the URL and body by node:http; a caller's value could desynchronise them. */
const TRANSPORT_HEADERS = ['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'accept-encoding'];
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

function requestBody(body: RequestInit['body']): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  // Streams, FormData and Blobs are not used by the MCP SDK; refusing them keeps the size check exact.
  throw new TypeError('streaming fetch: only string and byte bodies are supported');
}

/** Counts decoded bytes and cuts the stream once the limit is passed. */
function byteLimit(limit: number, target: string): Transform {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      total += chunk.length;
      if (total > limit) done(new OutboundTooLargeError('response', limit, target));
      else done(null, chunk);
    },
  });
}

function decoderFor(res: IncomingMessage): Transform | undefined {
  switch (res.headers['content-encoding']?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
    case 'deflate':
      return zlib.createInflate({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return undefined;
  }
}

function responseHeaders(raw: string[], wasDecoded: boolean): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(raw[i]!, raw[i + 1]!);
    } catch {
      // a value Headers refuses is dropped rather than failing the call
    }
  }
  if (wasDecoded) ['content-encoding', 'content-length'].forEach((h) => headers.delete(h));
  return headers;
}

export function createStreamingFetch(opts: StreamingFetchOptions): StreamingFetch {
  const guard: AddressGuard = {
    allowPrivateNetwork: opts.allowPrivateNetwork,
    lookup: opts.lookup ?? systemLookup,
    isAddressAllowed: opts.isAddressAllowed,
  };
  const maxResponseBytes = opts.maxResponseBytes ?? 4 * 1024 * 1024;
  const maxRequestBytes = opts.maxRequestBytes ?? 1024 * 1024;

  return async (input, init = {}) => {
    const url = parseOutboundUrl(input);
    const target = describeTarget(url);
    // Credentials belong in headers (encrypted at rest), never in a URL that ends up in logs.
    if (url.username !== '' || url.password !== '') throw new OutboundBlockedError('invalid_url', target);
    const signals = [opts.signal, init.signal ?? undefined].filter((s): s is AbortSignal => s !== undefined);
    const signal = signals.length === 0 ? new AbortController().signal : AbortSignal.any(signals);

    const headers = new Headers(init.headers);
    TRANSPORT_HEADERS.forEach((h) => headers.delete(h));
    if (!headers.has('user-agent')) headers.set('user-agent', opts.userAgent ?? 'Converse/0.1 (outbound)');
    headers.set('accept-encoding', 'identity');
    const body = requestBody(init.body);
    if (body && body.length > maxRequestBytes) throw new OutboundTooLargeError('request', maxRequestBytes, target);
    const wire = Object.fromEntries(headers);
    if (body) wire['content-length'] = String(body.length);

    const addresses = await resolveTarget(url, guard, { signal });
    const method = (init.method ?? 'GET').toUpperCase();
    const { req, res } = await sendRequest({
      url, target, addresses, method, headers: wire, body, signal,
      connectTimeoutMs: opts.connectTimeoutMs ?? 10_000,
    });
    const status = res.statusCode ?? 0;
    if (status < 200 || status > 599) {
      req.destroy();
      throw new OutboundRequestError('protocol_error', target);
    }
    const decoder = decoderFor(res);
    const head = { status, statusText: res.statusMessage ?? '', headers: responseHeaders(res.rawHeaders, decoder !== undefined) };
    if (NULL_BODY_STATUSES.has(status) || method === 'HEAD') {
      res.resume();
      return new Response(null, head);
    }
    const limiter = byteLimit(maxResponseBytes, target);
    // Any failure mid-stream (reset, bad gzip, size limit, abort, the reader cancelling) errors the web
    // stream and tears the connection down with it.
    pipeline([res, ...(decoder ? [decoder] : []), limiter], (err) => {
      if (err) req.destroy();
    });
    return new Response(Readable.toWeb(limiter) as ReadableStream<Uint8Array>, head);
  };
}
