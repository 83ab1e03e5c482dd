/** The buffered response of a safe fetch, with synchronous text/json helpers. */
import { describeTarget, OutboundRequestError } from './errors.js';

export interface SafeResponse {
  status: number;
  statusText: string;
  ok: boolean;
  headers: Headers;
  /** Decoded (gzip/deflate/br removed); content-encoding and content-length are dropped if it was. */
  body: Buffer;
  /** Final URL after redirects, without userinfo. */
  url: string;
  redirects: number;
  /** Body as text, using the content-type charset when it is a known one (else UTF-8). */
  text(): string;
  /** Body parsed as JSON; throws OutboundRequestError('invalid_json') without echoing the body. */
  json<T = unknown>(): T;
}

function decodeText(body: Buffer, contentType: string | null): string {
  const charset = /charset="?([\w.:-]+)"?/i.exec(contentType ?? '')?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body); // unknown label: UTF-8 is the web's default
  }
}

function toResponseHeaders(raw: string[], decoded: boolean): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(raw[i] as string, raw[i + 1] as string);
    } catch {
      // A header value Headers refuses (e.g. a NUL byte) is dropped rather than failing the call.
    }
  }
  if (decoded) ['content-encoding', 'content-length'].forEach((h) => headers.delete(h));
  return headers;
}

export function buildResponse(r: {
  status: number;
  statusText: string;
  rawHeaders: string[];
  body: Buffer;
  decoded: boolean;
  url: URL;
  redirects: number;
}): SafeResponse {
  const headers = toResponseHeaders(r.rawHeaders, r.decoded);
  const text = (): string => decodeText(r.body, headers.get('content-type'));
  return {
    status: r.status,
    statusText: r.statusText,
    ok: r.status >= 200 && r.status < 300,
    headers,
    body: r.body,
    url: r.url.href,
    redirects: r.redirects,
    text,
    json<T>(): T {
      try {
        return JSON.parse(text()) as T;
      } catch {
        // No cause and no excerpt: V8's SyntaxError quotes the body, which may echo credentials.
        throw new OutboundRequestError('invalid_json', describeTarget(r.url));
      }
    },
  };
}
