import { createHmac } from 'node:crypto';
import { safeEqual, sortedParamEntries, type FormParams } from './common.js';

/**
 * Plivo signature V3 (https://www.plivo.com/docs/voice/concepts/signature-validation):
 * base64(HMAC-SHA256(auth_token, signingBase + "." + nonce)), where signingBase is
 * - GET:  scheme://host/path?k=v&k=v  (query params plus any extra params, keys then values sorted)
 * - POST: scheme://host/path?<sorted query>[.]<sorted POST params as key+value>; the "?" appears when
 *         there is a query or a POST param, the "." only when there are both (as in Plivo's SDKs).
 * `X-Plivo-Signature-V3` may hold several comma-separated signatures; any match passes.
 */
export const PLIVO_SIGNATURE_HEADER = 'x-plivo-signature-v3';
export const PLIVO_NONCE_HEADER = 'x-plivo-signature-v3-nonce';

export type PlivoMethod = 'GET' | 'POST';

function sortedQueryString(entries: Array<[string, string[]]>): string {
  return entries.flatMap(([k, values]) => [...values].sort().map((v) => `${k}=${v}`)).join('&');
}

export function plivoSigningBase(method: PlivoMethod, url: string, params?: FormParams): string {
  const u = new URL(url);
  const base = `${u.protocol}//${u.host}${u.pathname}`;
  if (method === 'GET') {
    const merged = new URLSearchParams(u.searchParams);
    for (const [k, values] of sortedParamEntries(params)) for (const v of values) merged.append(k, v);
    const qs = sortedQueryString(sortedParamEntries(merged));
    return qs ? `${base}?${qs}` : base;
  }
  const qs = sortedQueryString(sortedParamEntries(u.searchParams));
  const post = sortedParamEntries(params)
    .flatMap(([k, values]) => [...values].sort().map((v) => k + v))
    .join('');
  let out = base;
  if (qs || post) out += `?${qs}`;
  if (qs && post) out += '.';
  return out + post;
}

export interface PlivoSignatureInput {
  authToken: string;
  method: PlivoMethod;
  /** The full public URL Plivo requested, including the query string. */
  url: string;
  nonce: string;
  /** POST form parameters (for GET, parameters are in the URL). */
  params?: FormParams;
}

export function computePlivoV3Signature(input: PlivoSignatureInput): string {
  const data = `${plivoSigningBase(input.method, input.url, input.params)}.${input.nonce}`;
  return createHmac('sha256', input.authToken).update(data, 'utf8').digest('base64');
}

/**
 * The signature that verified (the HMAC of exactly what was signed), or null. The header may list several
 * candidates and the signed text can be split into fields in more than one way (text can move between
 * a parameter and the nonce), so a replay key is this value, not the header or the nonce.
 */
export function verifiedPlivoV3Signature(
  input: Omit<PlivoSignatureInput, 'nonce'> & { nonce: string | undefined; signatureHeader: string | undefined },
): string | null {
  if (!input.signatureHeader || !input.nonce || !input.authToken || !URL.canParse(input.url)) return null;
  const expected = computePlivoV3Signature({ ...input, nonce: input.nonce });
  let ok = false;
  for (const candidate of input.signatureHeader.split(',')) {
    if (safeEqual(candidate.trim(), expected)) ok = true;
  }
  return ok ? expected : null;
}

export function verifyPlivoV3Signature(
  input: Omit<PlivoSignatureInput, 'nonce'> & { nonce: string | undefined; signatureHeader: string | undefined },
): boolean {
  return verifiedPlivoV3Signature(input) !== null;
}
