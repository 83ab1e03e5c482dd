/**
 * Webhook signatures (docs/tools.md "Verifying webhooks"). The signature is HMAC-SHA256, keyed by the
 * endpoint's signing secret (the whole `whsec_…` string as UTF-8), over `${timestamp}.${body}` where
 * body is the exact bytes sent. Header: `Converse-Signature: t=<unix seconds>,v1=<hex>`. Receivers
 * compare in constant time and reject timestamps outside a tolerance (replays).
 *
 * @example
 *   const header = signWebhook({ secret, timestamp: Math.floor(Date.now() / 1000), body });
 *   verifyWebhookSignature({ secret, header, body }) // true
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { randomSecret } from '../../platform/auth/tokens.js';

export const SIGNATURE_HEADER = 'converse-signature';
export const SECRET_PREFIX = 'whsec_';

export const generateSigningSecret = (): string => SECRET_PREFIX + randomSecret(32);

export function computeSignature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

export function signWebhook(input: { secret: string; timestamp: number; body: string }): string {
  return `t=${input.timestamp},v1=${computeSignature(input.secret, input.timestamp, input.body)}`;
}

/** Reference verification for receivers (and our tests). Accepts any of several `v1=` values (rotation). */
export function verifyWebhookSignature(input: { secret: string; header: string | undefined; body: string; toleranceSeconds?: number; now?: number }): boolean {
  if (!input.header) return false;
  const parts = input.header.split(',').map((p) => p.trim().split('=') as [string, string?]);
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t)) return false;
  const now = input.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (input.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(computeSignature(input.secret, t, input.body), 'hex');
  return parts
    .filter(([k, v]) => k === 'v1' && typeof v === 'string' && /^[0-9a-f]{64}$/.test(v))
    .some(([, v]) => timingSafeEqual(Buffer.from(v!, 'hex'), expected));
}
