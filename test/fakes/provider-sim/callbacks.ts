import { randomBytes } from 'node:crypto';
import {
  PLIVO_NONCE_HEADER,
  PLIVO_SIGNATURE_HEADER,
  META_SIGNATURE_HEADER,
  TWILIO_SIGNATURE_HEADER,
  computeMetaSignature,
  computePlivoV3Signature,
  computeTwilioSignature,
  twilioJsonBodyUrl,
} from '../../../src/telephony/signatures.js';
import type { ProviderName } from '../../../src/telephony/providers/index.js';

/**
 * A provider callback exactly as it goes on the wire. Built (and signed) by the functions below with the
 * product's own signing code; mutated by the `with*` helpers; sent (or re-sent, for replays) by
 * `deliverCallback`.
 */
export interface SignedCallback {
  provider: ProviderName;
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface CallbackResponse {
  status: number;
  body: string;
  request: SignedCallback;
}

type Params = Record<string, string>;
const FORM = 'application/x-www-form-urlencoded';

/** Twilio form POST signed with X-Twilio-Signature. */
export function twilioCallback(url: string, params: Params, authToken: string): SignedCallback {
  return {
    provider: 'twilio',
    method: 'POST',
    url,
    headers: { 'content-type': FORM, [TWILIO_SIGNATURE_HEADER]: computeTwilioSignature(authToken, url, params) },
    body: new URLSearchParams(params).toString(),
  };
}

/** Twilio JSON-bodied webhook: `bodySHA256` added to the URL, which alone is signed. */
export function twilioJsonCallback(url: string, payload: unknown, authToken: string): SignedCallback {
  const body = JSON.stringify(payload);
  const signedUrl = twilioJsonBodyUrl(url, body);
  return {
    provider: 'twilio',
    method: 'POST',
    url: signedUrl,
    headers: { 'content-type': 'application/json', [TWILIO_SIGNATURE_HEADER]: computeTwilioSignature(authToken, signedUrl) },
    body,
  };
}

/** Plivo V3 signed callback (form POST by default, or GET with params in the query). */
export function plivoCallback(
  url: string,
  params: Params,
  authToken: string,
  opts: { nonce?: string; method?: 'GET' | 'POST' } = {},
): SignedCallback {
  const nonce = opts.nonce ?? randomBytes(10).toString('hex');
  if (opts.method === 'GET') {
    const u = new URL(url);
    for (const [k, v] of Object.entries(params)) u.searchParams.append(k, v);
    const signature = computePlivoV3Signature({ authToken, method: 'GET', url: u.toString(), nonce });
    return { provider: 'plivo', method: 'GET', url: u.toString(), headers: { [PLIVO_SIGNATURE_HEADER]: signature, [PLIVO_NONCE_HEADER]: nonce }, body: '' };
  }
  const signature = computePlivoV3Signature({ authToken, method: 'POST', url, nonce, params });
  return {
    provider: 'plivo',
    method: 'POST',
    url,
    headers: { 'content-type': FORM, [PLIVO_SIGNATURE_HEADER]: signature, [PLIVO_NONCE_HEADER]: nonce },
    body: new URLSearchParams(params).toString(),
  };
}

/** Meta (WhatsApp) JSON webhook signed with X-Hub-Signature-256. */
export function metaCallback(url: string, payload: unknown, appSecret: string): SignedCallback {
  const body = JSON.stringify(payload);
  return {
    provider: 'meta',
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', [META_SIGNATURE_HEADER]: computeMetaSignature(appSecret, body) },
    body,
  };
}

/** Exotel callbacks are unsigned; authenticity comes from the secret token in `url`'s path. */
export function exotelCallback(url: string, params: Params, opts: { method?: 'GET' | 'POST' } = {}): SignedCallback {
  if (opts.method === 'GET') {
    const u = new URL(url);
    for (const [k, v] of Object.entries(params)) u.searchParams.append(k, v);
    return { provider: 'exotel', method: 'GET', url: u.toString(), headers: {}, body: '' };
  }
  return { provider: 'exotel', method: 'POST', url, headers: { 'content-type': FORM }, body: new URLSearchParams(params).toString() };
}

const SIGNATURE_HEADERS = [TWILIO_SIGNATURE_HEADER, PLIVO_SIGNATURE_HEADER, META_SIGNATURE_HEADER];

/** Replaces the signature with a well-formed but wrong one (as if signed with another key). */
export function withBadSignature(cb: SignedCallback): SignedCallback {
  const headers = { ...cb.headers };
  for (const h of SIGNATURE_HEADERS) {
    const v = headers[h];
    if (v === undefined) continue;
    headers[h] = h === META_SIGNATURE_HEADER ? `sha256=${randomBytes(32).toString('hex')}` : randomBytes(Buffer.from(v, 'base64').length || 20).toString('base64');
  }
  return { ...cb, headers };
}

export function withoutSignature(cb: SignedCallback): SignedCallback {
  const headers = { ...cb.headers };
  for (const h of SIGNATURE_HEADERS) delete headers[h];
  return { ...cb, headers };
}

/** Changes one parameter AFTER signing (form field, or a top-level JSON key). */
export function withTamperedParam(cb: SignedCallback, key: string, value: string): SignedCallback {
  if ((cb.headers['content-type'] ?? '').includes('json')) {
    const obj = JSON.parse(cb.body) as Record<string, unknown>;
    return { ...cb, body: JSON.stringify({ ...obj, [key]: value }) };
  }
  if (cb.method === 'GET') {
    const u = new URL(cb.url);
    u.searchParams.set(key, value);
    return { ...cb, url: u.toString() };
  }
  const form = new URLSearchParams(cb.body);
  form.set(key, value);
  return { ...cb, body: form.toString() };
}

/** Sends a callback (again, for a replay) and returns the receiver's answer. */
export async function deliverCallback(cb: SignedCallback, fetchFn: typeof fetch = fetch): Promise<CallbackResponse> {
  const res = await fetchFn(cb.url, {
    method: cb.method,
    headers: cb.headers,
    ...(cb.method === 'POST' ? { body: cb.body } : {}),
    redirect: 'manual',
  });
  return { status: res.status, body: await res.text(), request: cb };
}
