import type { IncomingMessage } from 'node:http';
import type { LookupFunction } from 'node:net';
import WebSocket from 'ws';
import { speechHttpError, speechNetworkError } from '../cloud/errors.js';

/**
 * Opening a Deepgram live stream: the `/listen` URL with the query Deepgram expects, the guard's
 * address check, and the handshake, whose refusal (401 wrong key, 400 bad parameters) becomes a clear
 * error carrying Deepgram's `err_code` at most.
 */
export interface DeepgramOptions {
  apiKey: string;
  /** The API root with its version, e.g. https://api.deepgram.com/v1 (a provider's `base_url`); http(s) becomes ws(s). */
  baseUrl?: string | null;
  /** nova-3 by default. */
  model?: string | null;
  /** BCP-47 language (`en`, `en-US`, `es`…); Deepgram's default (English) when absent. */
  language?: string | null;
  /** Deepgram's own end-of-speech silence for `speech_final`, ms. */
  endpointingMs?: number;
  /**
   * Checks the address before each connection and returns a lookup pinned to the checked addresses
   * (the outbound address policy: a tenant's base_url must not reach the private network).
   */
  guard?: (url: URL) => Promise<LookupFunction | undefined>;
  keepAliveMs?: number;
  /** How long `finish` waits for the `from_finalize` result before returning the segments it has. */
  finalizeTimeoutMs?: number;
  connectTimeoutMs?: number;
}

export const DEEPGRAM_BASE_URL = 'https://api.deepgram.com/v1';
export const DEEPGRAM_DEFAULT_MODEL = 'nova-3';
export const PROVIDER = 'deepgram speech recognition';
const MAX_MESSAGE_BYTES = 1024 * 1024;
const LANGUAGE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const MODEL = /^[A-Za-z0-9._-]{1,64}$/;

export function listenUrl(options: DeepgramOptions, sampleRate: number): URL {
  const url = new URL(`${(options.baseUrl ?? DEEPGRAM_BASE_URL).replace(/\/+$/, '')}/listen`);
  url.protocol = url.protocol === 'http:' ? 'ws:' : url.protocol === 'https:' ? 'wss:' : url.protocol;
  const model = options.model ?? DEEPGRAM_DEFAULT_MODEL;
  if (!MODEL.test(model)) throw new Error(`invalid Deepgram model name: ${model}`);
  const params: Record<string, string> = {
    encoding: 'linear16',
    sample_rate: String(sampleRate),
    channels: '1',
    model,
    interim_results: 'true',
    endpointing: String(options.endpointingMs ?? 300),
    smart_format: 'true',
  };
  if (options.language && LANGUAGE.test(options.language)) params.language = options.language;
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url;
}

export async function connectListen(url: URL, options: DeepgramOptions): Promise<WebSocket> {
  let lookup: LookupFunction | undefined;
  try {
    lookup = await options.guard?.(url);
  } catch (err) {
    throw speechNetworkError(PROVIDER, err);
  }
  const socket = new WebSocket(url, {
    headers: { authorization: `Token ${options.apiKey}` },
    handshakeTimeout: options.connectTimeoutMs ?? 10_000,
    maxPayload: MAX_MESSAGE_BYTES,
    followRedirects: false,
    perMessageDeflate: false,
    ...(lookup ? { lookup } : {}),
  });
  return new Promise<WebSocket>((resolve, reject) => {
    socket.once('open', () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
    // A refused handshake (401 bad key, 400 bad parameters) arrives as an HTTP response, not an upgrade.
    socket.once('unexpected-response', (req, res) => {
      void readErrorCode(res).then((code) => {
        req.destroy();
        reject(speechHttpError(PROVIDER, res.statusCode ?? 0, code));
      });
    });
    // `on`, not `once`: an aborted handshake can emit more than one error, and an unheard one would throw.
    socket.on('error', (err) => reject(speechNetworkError(PROVIDER, err)));
  });
}

/** Deepgram's error body is `{"err_code": "INVALID_AUTH", "err_msg": …}`: only the code is kept. */
async function readErrorCode(res: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const c of res) {
      size += (c as Buffer).length;
      if (size > 16 * 1024) break;
      chunks.push(c as Buffer);
    }
    return (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { err_code?: unknown }).err_code;
  } catch {
    return undefined;
  }
}

