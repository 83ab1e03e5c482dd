import { createHmac } from 'node:crypto';
import { safeEqual } from './common.js';

/**
 * Meta (WhatsApp Cloud API) webhooks: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app_secret, raw body)>`.
 * The raw bytes matter: Meta escapes non-ASCII characters, so re-serialising parsed JSON breaks the check.
 * Subscribing a callback URL is a GET handshake: hub.mode=subscribe, hub.verify_token, hub.challenge;
 * answer 200 with the challenge as text only when the verify token matches.
 */
export const META_SIGNATURE_HEADER = 'x-hub-signature-256';

export function computeMetaSignature(appSecret: string, rawBody: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

export function verifyMetaSignature(input: {
  appSecret: string;
  rawBody: string | Uint8Array;
  signatureHeader: string | undefined;
}): boolean {
  const header = input.signatureHeader?.trim();
  if (!header || !input.appSecret || !header.toLowerCase().startsWith('sha256=')) return false;
  const presented = `sha256=${header.slice('sha256='.length).toLowerCase()}`;
  return safeEqual(presented, computeMetaSignature(input.appSecret, input.rawBody));
}

export type MetaHandshakeResult = { ok: true; challenge: string } | { ok: false };

/** Meta's challenge is a number; anything else is refused rather than reflected back. */
const CHALLENGE = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * @example
 * const r = verifyMetaHandshake(new URL(req.url, base).searchParams, creds.verify_token);
 * if (r.ok) reply.type('text/plain').send(r.challenge); else reply.code(403).send();
 */
export function verifyMetaHandshake(
  query: URLSearchParams | Readonly<Record<string, string | undefined>>,
  verifyToken: string,
): MetaHandshakeResult {
  const get = (k: string): string | undefined => (query instanceof URLSearchParams ? (query.get(k) ?? undefined) : query[k]);
  const mode = get('hub.mode');
  const token = get('hub.verify_token');
  const challenge = get('hub.challenge');
  if (!verifyToken || token === undefined || challenge === undefined) return { ok: false };
  const tokenOk = safeEqual(token, verifyToken);
  if (mode !== 'subscribe' || !tokenOk || !CHALLENGE.test(challenge)) return { ok: false };
  return { ok: true, challenge };
}
