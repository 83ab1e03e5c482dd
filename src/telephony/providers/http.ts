import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { ProviderError, scrubSecrets } from './provider-error.js';
import type { FetchLike, FetchLikeResponse, ProviderName } from './types.js';

export const DEFAULT_TIMEOUT_MS = 15_000;
const MAX_RESPONSE_CHARS = 256 * 1024;

export interface ProviderRequest {
  provider: ProviderName;
  fetch: FetchLike;
  method: 'GET' | 'POST';
  url: string;
  auth: { basic: readonly [string, string] } | { bearer: string };
  form?: ReadonlyArray<readonly [string, string]>;
  json?: unknown;
  /** Credential values to scrub from anything the provider sends back. */
  secrets: readonly string[];
  timeoutMs?: number;
  /** Pulls the provider's error code and message out of an error body. */
  describeError: (body: unknown) => { code?: unknown; message?: unknown };
}

const SAFE_CODE = /^[A-Za-z0-9_.-]{1,64}$/;

function safeCode(raw: unknown, secrets: readonly string[]): string | undefined {
  if (typeof raw !== 'string' && typeof raw !== 'number') return undefined;
  const code = scrubSecrets(String(raw), secrets);
  return SAFE_CODE.test(code) ? code : undefined;
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * One authenticated JSON request to a provider API. Credentials go only in the Authorization header
 * (never the URL); redirects are not followed, so the header cannot follow one to another host. Resolves the
 * parsed JSON body (undefined if not JSON) on 2xx; otherwise throws a scrubbed ProviderError.
 */
export async function providerRequest(req: ProviderRequest): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if ('basic' in req.auth) {
    headers.authorization = `Basic ${Buffer.from(`${req.auth.basic[0]}:${req.auth.basic[1]}`).toString('base64')}`;
  } else {
    headers.authorization = `Bearer ${req.auth.bearer}`;
  }
  let body: string | undefined;
  if (req.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(req.form.map(([k, v]) => [k, v] as [string, string])).toString();
  } else if (req.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(req.json);
  }

  let res: FetchLikeResponse;
  let text: string;
  try {
    res = await req.fetch(req.url, {
      method: req.method,
      headers,
      ...(body !== undefined ? { body } : {}),
      redirect: 'manual', // a 3xx is then just a failed status: Authorization never follows it
      signal: AbortSignal.timeout(req.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
    text = String(await res.text()).slice(0, MAX_RESPONSE_CHARS);
  } catch (err) {
    // The underlying error is dropped on purpose: its text can include request details.
    const e = err as { name?: unknown; kind?: unknown } | null;
    const timedOut = e?.name === 'TimeoutError' || e?.name === 'AbortError' || e?.kind === 'timeout';
    const blocked = e?.kind === 'blocked'; // the SSRF guard refused the target
    const [code, what] = timedOut ? ['timeout', 'timed out'] : blocked ? ['blocked_target', 'target blocked'] : ['network_error', 'network error'];
    throw new ProviderError(req.provider, 0, `${req.provider} API request failed: ${what}`, code);
  }

  const parsed = parseBody(text);
  if (res.ok) return parsed;

  const described = parsed === undefined ? {} : req.describeError(parsed);
  const code = safeCode(described.code, req.secrets);
  if (res.status === 401 || res.status === 403) {
    // Fixed text: auth failures are where providers most often echo what they were sent.
    throw new ProviderError(req.provider, res.status, `${req.provider} rejected the credentials (HTTP ${res.status})`, code);
  }
  const detailRaw = typeof described.message === 'string' ? described.message : '';
  const detail = scrubSecrets(detailRaw, req.secrets).replace(/\s+/g, ' ').trim().slice(0, 200);
  const codePart = code ? ` code ${code}` : '';
  throw new ProviderError(
    req.provider,
    res.status,
    `${req.provider} API error (HTTP ${res.status}${codePart})${detail ? `: ${detail}` : ''}`,
    code,
  );
}

/** Normalises a phone number to E.164 (`+<digits>`); refuses anything that is not a possible number. */
export function toE164(provider: ProviderName, raw: string): string {
  const trimmed = raw.trim();
  const parsed = trimmed.startsWith('+') ? parsePhoneNumberFromString(trimmed) : undefined;
  if (!parsed || !parsed.isPossible()) {
    throw new ProviderError(provider, 0, `${provider}: phone number is not a possible E.164 number`, 'invalid_phone_number');
  }
  return parsed.number;
}

/** Callback URLs must be absolute http(s) URLs; the provider fetches them, not us. */
export function checkCallbackUrl(provider: ProviderName, url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ProviderError(provider, 0, `${provider}: callback URL is not an absolute URL`, 'invalid_callback_url');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    throw new ProviderError(provider, 0, `${provider}: callback URL must be http(s)`, 'invalid_callback_url');
  }
  return url; // unchanged: providers sign the URL exactly as we gave it
}

export function trimBase(url: string): string {
  return url.replace(/\/+$/, '');
}

export function asRecord(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function asString(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** A success body without the id we need is a provider contract break, reported without echoing it. */
export function missingField(provider: ProviderName, field: string): ProviderError {
  return new ProviderError(provider, 0, `${provider}: response did not include ${field}`, 'unexpected_response');
}
