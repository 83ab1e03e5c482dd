import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateSigningSecret, signWebhook, verifyWebhookSignature } from './signing.js';

describe('webhook signatures', () => {
  const secret = generateSigningSecret();
  const body = '{"id":"e1","type":"call.ended","data":{}}';
  const now = 1_800_000_000;

  it('is HMAC-SHA256 over "<timestamp>.<body>" keyed by the whole secret string', () => {
    const header = signWebhook({ secret, timestamp: now, body });
    const expected = createHmac('sha256', secret).update(`${now}.${body}`).digest('hex');
    expect(header).toBe(`t=${now},v1=${expected}`);
    expect(secret).toMatch(/^whsec_/);
    expect(generateSigningSecret()).not.toBe(secret);
  });

  it('verifies, and refuses tampering, other secrets, stale timestamps and junk', () => {
    const header = signWebhook({ secret, timestamp: now, body });
    expect(verifyWebhookSignature({ secret, header, body, now })).toBe(true);
    expect(verifyWebhookSignature({ secret, header: `${header},v1=${'0'.repeat(64)}`, body, now })).toBe(true);
    expect(verifyWebhookSignature({ secret, header, body: body.replace('e1', 'e2'), now })).toBe(false);
    expect(verifyWebhookSignature({ secret: generateSigningSecret(), header, body, now })).toBe(false);
    expect(verifyWebhookSignature({ secret, header, body, now: now + 301 })).toBe(false);
    expect(verifyWebhookSignature({ secret, header: header.replace(`t=${now}`, `t=${now + 1}`), body, now })).toBe(false);
    for (const junk of [undefined, '', 'v1=abc', `t=${now}`, `t=x,v1=${'a'.repeat(64)}`]) expect(verifyWebhookSignature({ secret, header: junk, body, now })).toBe(false);
  });
});
