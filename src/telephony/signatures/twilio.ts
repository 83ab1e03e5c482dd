import { createHmac } from 'node:crypto';
import { safeEqual, sha256Hex, sortedParamEntries, type FormParams } from './common.js';

/**
 * Twilio `X-Twilio-Signature` (https://www.twilio.com/docs/usage/webhooks/webhooks-security):
 * base64(HMAC-SHA1(auth_token, fullUrl + for each POST param sorted by key: key + value)).
 * Repeated keys contribute each distinct value, values sorted. JSON-bodied webhooks instead carry a
 * `bodySHA256` query parameter (hex SHA-256 of the raw body) and sign the URL alone.
 */
export const TWILIO_SIGNATURE_HEADER = 'x-twilio-signature';

/**
 * The exact text Twilio signs: the URL, then every POST key and value with no delimiter. Different
 * parameter lists can give the same text (`CallSid=CAx&CallStatus=ringing` and
 * `CallSid=CAxCallStatusringing`), so anything security-relevant must be read from this text or the
 * signature, never from one parsing of the fields (replay-keys.ts).
 */
export function twilioSignedText(url: string, params?: FormParams): string {
  let data = url;
  for (const [key, values] of sortedParamEntries(params)) {
    for (const value of [...new Set(values)].sort()) data += key + value;
  }
  return data;
}

export function computeTwilioSignature(authToken: string, url: string, params?: FormParams): string {
  return createHmac('sha1', authToken).update(twilioSignedText(url, params), 'utf8').digest('base64');
}

/**
 * Twilio is inconsistent about including the default port in the signed URL (its own SDK checks
 * both), so we accept the URL as given, its WHATWG-normalized form, and with/without the port.
 */
function urlVariants(url: string): string[] {
  const u = new URL(url);
  const withoutPort = new URL(u.toString());
  withoutPort.port = '';
  const variants = new Set([url, u.toString(), withoutPort.toString()]);
  if (!u.port) {
    const port = u.protocol === 'https:' ? '443' : '80';
    variants.add(`${u.protocol}//${u.host}:${port}${u.pathname}${u.search}`);
  }
  return [...variants];
}

export interface VerifyTwilioInput {
  authToken: string;
  /** The full public URL Twilio requested, including the query string, exactly as configured. */
  url: string;
  signature: string | undefined;
  /** POST form parameters; omit for GET requests (their parameters are in the URL). */
  params?: FormParams;
}

export function verifyTwilioSignature(input: VerifyTwilioInput): boolean {
  if (!input.signature || !input.authToken || !URL.canParse(input.url)) return false;
  let ok = false;
  for (const variant of urlVariants(input.url)) {
    // No early exit: every variant is computed so timing does not reveal which one matched.
    if (safeEqual(computeTwilioSignature(input.authToken, variant, input.params), input.signature)) ok = true;
  }
  return ok;
}

/** Appends `bodySHA256` to a URL the way Twilio does for JSON-bodied webhooks (used by the simulator). */
export function twilioJsonBodyUrl(url: string, rawBody: string | Uint8Array): string {
  const u = new URL(url);
  u.searchParams.set('bodySHA256', sha256Hex(rawBody));
  return u.toString();
}

export interface VerifyTwilioJsonInput {
  authToken: string;
  /** The full URL including the `bodySHA256` query parameter. */
  url: string;
  signature: string | undefined;
  rawBody: string | Uint8Array;
}

export function verifyTwilioJsonSignature(input: VerifyTwilioJsonInput): boolean {
  const bodyHash = URL.canParse(input.url) ? new URL(input.url).searchParams.get('bodySHA256') : null;
  if (!bodyHash) return false;
  const signatureOk = verifyTwilioSignature({ authToken: input.authToken, url: input.url, signature: input.signature });
  const bodyOk = safeEqual(sha256Hex(input.rawBody), bodyHash.toLowerCase());
  return signatureOk && bodyOk;
}
