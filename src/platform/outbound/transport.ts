/**
 * One HTTP exchange (no redirects) over node:http/https, connected only to addresses that were already
 * checked, with a connect timeout and a response size limit enforced while the body streams in.
 * Built on node:http rather than fetch because Node's bundled fetch cannot take a custom DNS lookup.
 */
import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { TLSSocket } from 'node:tls';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import type { Transform } from 'node:stream';
import { OutboundError, OutboundRequestError, OutboundTimeoutError, OutboundTooLargeError, type OutboundFailureCode } from './errors.js';
import { socketHost, type ResolvedAddress } from './target.js';

export interface Exchange {
  url: URL;
  target: string;
  addresses: ResolvedAddress[];
  method: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  connectTimeoutMs: number;
  /** Aborted on total timeout or by the caller; its reason is what the exchange rejects with. */
  signal: AbortSignal;
}

/** Answers the socket's DNS query with the checked addresses only: this is the rebinding guard. */
function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const first = addresses[0];
    if (options.all) callback(null, addresses.map((a) => ({ address: a.address, family: a.family })));
    else if (first) callback(null, first.address, first.family);
    else callback(Object.assign(new Error('no checked address'), { code: 'ENOTFOUND' }), '', 0);
  };
}

const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|EPROTO$|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_OSSL_)/;

function classify(err: unknown): OutboundFailureCode {
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  if (TLS_CODES.test(code)) return 'tls_failed';
  if (code.startsWith('HPE_')) return 'protocol_error';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns_failed';
  return 'connect_failed';
}

/** Our own errors and the abort reason pass through; everything else becomes an OutboundRequestError. */
function toOutboundError(err: unknown, ex: Exchange, fallback?: OutboundFailureCode): unknown {
  if (ex.signal.aborted) return ex.signal.reason;
  if (err instanceof OutboundError) return err;
  return new OutboundRequestError(fallback ?? classify(err), ex.target, err);
}

/** Sends the request and resolves when the response head arrives. */
export function sendRequest(ex: Exchange): Promise<{ req: ClientRequest; res: IncomingMessage }> {
  const client = ex.url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    if (ex.signal.aborted) return reject(ex.signal.reason);
    const req = client.request({
      host: socketHost(ex.url),
      port: ex.url.port === '' ? undefined : Number(ex.url.port),
      path: `${ex.url.pathname}${ex.url.search}`,
      method: ex.method,
      headers: ex.headers,
      lookup: pinnedLookup(ex.addresses),
      agent: false, // no pooled sockets: every connection goes through the pinned lookup above
      signal: ex.signal,
    });
    const connectTimer = setTimeout(() => {
      req.destroy(new OutboundTimeoutError('connect', ex.connectTimeoutMs, ex.target));
    }, ex.connectTimeoutMs);
    req.once('socket', (socket) => {
      // For https the handshake counts as part of connecting: a peer that accepts TCP and never
      // answers TLS must not hold the request until the total timeout.
      socket.once(socket instanceof TLSSocket ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
    });
    // A persistent listener: errors after the response head must not crash the process; readBody
    // sees them through the response stream.
    req.on('error', (err) => {
      clearTimeout(connectTimer);
      reject(toOutboundError(err, ex));
    });
    req.once('response', (res) => {
      clearTimeout(connectTimer);
      resolve({ req, res });
    });
    req.end(ex.body);
  });
}

function decoderFor(encoding: string | undefined): Transform | undefined {
  // Lenient flush like browsers: a gzip stream cut short still yields what arrived.
  const lenient = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip(lenient);
    case 'deflate':
      return zlib.createInflate(lenient);
    case 'br':
      return zlib.createBrotliDecompress({ finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
    default:
      return undefined;
  }
}

/**
 * Reads the whole body, decoding gzip/deflate/br, and aborts as soon as the decoded size passes
 * `limit` (the decoded size is what costs memory, and counting it also stops decompression bombs).
 * Returns whether the body was decoded, so callers can drop the now-wrong content-encoding header.
 */
export async function readBody(
  req: ClientRequest,
  res: IncomingMessage,
  ex: Exchange,
  limit: number,
): Promise<{ body: Buffer; decoded: boolean }> {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.destroy();
    throw new OutboundTooLargeError('response', limit, ex.target);
  }
  const hasBody = ex.method !== 'HEAD' && res.statusCode !== 204 && res.statusCode !== 304;
  const decoder = hasBody ? decoderFor(res.headers['content-encoding']) : undefined;
  const chunks: Buffer[] = [];
  let total = 0;
  let tooLarge: OutboundTooLargeError | undefined;
  const collect = async (source: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of source) {
      total += chunk.length;
      if (total > limit) throw (tooLarge = new OutboundTooLargeError('response', limit, ex.target));
      chunks.push(chunk);
    }
  };
  try {
    await (decoder ? pipeline(res, decoder, collect) : pipeline(res, collect));
  } catch (err) {
    req.destroy();
    // pipeline may surface its own teardown AbortError instead of the sink's error; ours wins.
    if (tooLarge) throw tooLarge;
    // Once the head has arrived, any failure (reset, bad gzip) means the response is incomplete.
    throw toOutboundError(err, ex, 'protocol_error');
  }
  return { body: Buffer.concat(chunks, total), decoded: decoder !== undefined };
}
