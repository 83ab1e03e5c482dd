import { OutboundError, type SafeFetch } from '../../platform/outbound/index.js';
import { KNOWLEDGE_LIMITS } from './schemas.js';

/** A failure to get a document's bytes; `transient` ones are retried by the job. Messages are user-facing. */
export class SourceError extends Error {
  readonly transient: boolean;
  constructor(message: string, transient: boolean, opts: { cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'SourceError';
    this.transient = transient;
  }
}

export interface FetchedSource {
  bytes: Uint8Array;
  /** The last path segment of the final URL, used to pick among text formats. */
  filename: string | null;
  mimeType: string | null;
  finalUrl: string;
}

const ACCEPT = 'text/html, application/xhtml+xml, application/pdf, text/plain, text/markdown, text/csv, ' +
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document;q=0.9, */*;q=0.1';

/**
 * Fetches a web page or file for ingestion through the SSRF-guarded client: every redirect hop is
 * resolved and checked again, the decoded body is capped at the upload limit and one deadline covers
 * DNS, redirects and body. Blocked targets and 4xx answers are permanent; timeouts, connection
 * failures, 429 and 5xx are worth a retry.
 */
export async function fetchUrlSource(safeFetch: SafeFetch, url: string, opts: { maxBytes: number; signal?: AbortSignal }): Promise<FetchedSource> {
  let res;
  try {
    res = await safeFetch(url, {
      headers: { accept: ACCEPT },
      timeoutMs: KNOWLEDGE_LIMITS.urlTimeoutMs,
      maxRedirects: KNOWLEDGE_LIMITS.maxRedirects,
      maxResponseBytes: opts.maxBytes,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (err) {
    if (err instanceof OutboundError) {
      const transient = err.kind === 'timeout' || err.kind === 'failed';
      throw new SourceError(err.message, transient, { cause: err });
    }
    throw err;
  }
  if (!res.ok) {
    const transient = res.status === 429 || res.status >= 500;
    throw new SourceError(`The page answered HTTP ${res.status}${res.status >= 300 && res.status < 400 ? ' (a redirect without a location)' : ''}`, transient);
  }
  if (res.body.length === 0) throw new SourceError('The page is empty', false);
  const path = new URL(res.url).pathname;
  const last = safeDecode(path.split('/').pop() ?? '').slice(0, 300);
  return { bytes: res.body, filename: last || null, mimeType: res.headers.get('content-type'), finalUrl: res.url };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Whether an error from fetching is an outbound-guard refusal (for an immediate 422 at request time). */
export const isOutboundError = (e: unknown): e is OutboundError => e instanceof OutboundError;
