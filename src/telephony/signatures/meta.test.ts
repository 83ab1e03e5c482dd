import { describe, expect, it } from 'vitest';
import { computeMetaSignature, verifyMetaHandshake, verifyMetaSignature } from './meta.js';

describe('Meta X-Hub-Signature-256', () => {
  const body = '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[]}]}';
  const header = computeMetaSignature('appsecret', body);

  it('is sha256= + hex HMAC-SHA256(app_secret, raw body)', () => {
    expect(computeMetaSignature('secret', 'test')).toBe('sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914');
  });

  it('passes for the raw body (string or bytes), and with upper-case hex', () => {
    expect(verifyMetaSignature({ appSecret: 'appsecret', rawBody: body, signatureHeader: header })).toBe(true);
    expect(verifyMetaSignature({ appSecret: 'appsecret', rawBody: Buffer.from(body), signatureHeader: header })).toBe(true);
    expect(verifyMetaSignature({ appSecret: 'appsecret', rawBody: body, signatureHeader: `sha256=${header.slice(7).toUpperCase()}` })).toBe(true);
  });

  it('fails with the wrong secret, a tampered body, or a malformed header', () => {
    expect(verifyMetaSignature({ appSecret: 'other', rawBody: body, signatureHeader: header })).toBe(false);
    expect(verifyMetaSignature({ appSecret: 'appsecret', rawBody: body.replace('"1"', '"2"'), signatureHeader: header })).toBe(false);
    expect(verifyMetaSignature({ appSecret: 'appsecret', rawBody: body, signatureHeader: header.slice(7) })).toBe(false);
    expect(verifyMetaSignature({ appSecret: 'appsecret', rawBody: body, signatureHeader: undefined })).toBe(false);
    expect(verifyMetaSignature({ appSecret: '', rawBody: body, signatureHeader: computeMetaSignature('', body) })).toBe(false);
  });

  it('is byte-exact: re-serialised JSON does not verify', () => {
    const pretty = JSON.stringify(JSON.parse(body), null, 2);
    expect(verifyMetaSignature({ appSecret: 'appsecret', rawBody: pretty, signatureHeader: header })).toBe(false);
  });
});

describe('Meta verification handshake', () => {
  const q = (o: Record<string, string>) => new URLSearchParams(o);

  it('returns the challenge for subscribe + matching verify token', () => {
    expect(verifyMetaHandshake(q({ 'hub.mode': 'subscribe', 'hub.verify_token': 'vt-123', 'hub.challenge': '1158201444' }), 'vt-123')).toEqual({
      ok: true,
      challenge: '1158201444',
    });
    expect(verifyMetaHandshake({ 'hub.mode': 'subscribe', 'hub.verify_token': 'vt-123', 'hub.challenge': '42' }, 'vt-123').ok).toBe(true);
  });

  it('refuses a wrong token, wrong mode, missing parts, or an unsafe challenge', () => {
    const good = { 'hub.mode': 'subscribe', 'hub.verify_token': 'vt-123', 'hub.challenge': '42' };
    expect(verifyMetaHandshake(q({ ...good, 'hub.verify_token': 'vt-124' }), 'vt-123').ok).toBe(false);
    expect(verifyMetaHandshake(q({ ...good, 'hub.mode': 'unsubscribe' }), 'vt-123').ok).toBe(false);
    expect(verifyMetaHandshake(q({ 'hub.mode': 'subscribe', 'hub.challenge': '42' }), 'vt-123').ok).toBe(false);
    expect(verifyMetaHandshake(q({ ...good, 'hub.challenge': '<script>' }), 'vt-123').ok).toBe(false);
    expect(verifyMetaHandshake(q(good), '').ok).toBe(false);
  });
});
