import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { computeTwilioSignature, twilioJsonBodyUrl, verifyTwilioJsonSignature, verifyTwilioSignature } from './twilio.js';

// The worked example in Twilio's "Webhooks security" documentation.
const DOC_URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const DOC_PARAMS = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };
const DOC_TOKEN = '12345';
const DOC_SIGNATURE = '0/KCTR6DLpKmkAf8muzZqo1nDgQ=';

describe('Twilio X-Twilio-Signature', () => {
  it("matches Twilio's published example", () => {
    expect(computeTwilioSignature(DOC_TOKEN, DOC_URL, DOC_PARAMS)).toBe(DOC_SIGNATURE);
    expect(verifyTwilioSignature({ authToken: DOC_TOKEN, url: DOC_URL, signature: DOC_SIGNATURE, params: DOC_PARAMS })).toBe(true);
  });

  it('sorts keys regardless of input order and accepts URLSearchParams', () => {
    const form = new URLSearchParams('To=%2B18005551212&Digits=1234&CallSid=CA1234567890ABCDE&From=%2B12349013030&Caller=%2B12349013030');
    expect(verifyTwilioSignature({ authToken: DOC_TOKEN, url: DOC_URL, signature: DOC_SIGNATURE, params: form })).toBe(true);
  });

  it('fails with the wrong auth token', () => {
    expect(verifyTwilioSignature({ authToken: '54321', url: DOC_URL, signature: DOC_SIGNATURE, params: DOC_PARAMS })).toBe(false);
  });

  it('fails when a param, the query string or the path is tampered with', () => {
    const base = { authToken: DOC_TOKEN, signature: DOC_SIGNATURE };
    expect(verifyTwilioSignature({ ...base, url: DOC_URL, params: { ...DOC_PARAMS, Digits: '9999' } })).toBe(false);
    expect(verifyTwilioSignature({ ...base, url: DOC_URL, params: { ...DOC_PARAMS, Extra: 'x' } })).toBe(false);
    expect(verifyTwilioSignature({ ...base, url: 'https://mycompany.com/myapp.php?foo=1&bar=3', params: DOC_PARAMS })).toBe(false);
    expect(verifyTwilioSignature({ ...base, url: 'https://evil.example/myapp.php?foo=1&bar=2', params: DOC_PARAMS })).toBe(false);
  });

  it('fails on a missing, empty or truncated signature', () => {
    const base = { authToken: DOC_TOKEN, url: DOC_URL, params: DOC_PARAMS };
    expect(verifyTwilioSignature({ ...base, signature: undefined })).toBe(false);
    expect(verifyTwilioSignature({ ...base, signature: '' })).toBe(false);
    expect(verifyTwilioSignature({ ...base, signature: DOC_SIGNATURE.slice(0, -1) })).toBe(false);
    expect(verifyTwilioSignature({ ...base, authToken: '', signature: DOC_SIGNATURE })).toBe(false);
  });

  it('signs repeated keys with each distinct value, values sorted', () => {
    const url = 'https://example.com/status';
    const form = new URLSearchParams([['Event', 'ringing'], ['Event', 'answered'], ['A', '1']]);
    const expected = createHmac('sha1', 't0ken').update(`${url}A1EventansweredEventringing`).digest('base64');
    expect(computeTwilioSignature('t0ken', url, form)).toBe(expected);
  });

  it('accepts the URL signed with or without the default port', () => {
    const url = 'https://hooks.example.com/twilio/x?y=1';
    const withPort = 'https://hooks.example.com:443/twilio/x?y=1';
    const sig = computeTwilioSignature('tok', withPort, DOC_PARAMS);
    expect(verifyTwilioSignature({ authToken: 'tok', url, signature: sig, params: DOC_PARAMS })).toBe(true);
    const sig2 = computeTwilioSignature('tok', url, DOC_PARAMS);
    expect(verifyTwilioSignature({ authToken: 'tok', url: withPort, signature: sig2, params: DOC_PARAMS })).toBe(true);
  });
});

describe('Twilio JSON webhooks (bodySHA256)', () => {
  const body = '{"property": "value", "boolean": true}';
  const url = twilioJsonBodyUrl('https://mycompany.com/myapp.php', body);

  it('adds the hex SHA-256 of the body to the URL', () => {
    expect(new URL(url).searchParams.get('bodySHA256')).toBe('0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620');
  });

  it('verifies signature over the URL and the body hash', () => {
    const signature = computeTwilioSignature('tok', url);
    expect(verifyTwilioJsonSignature({ authToken: 'tok', url, signature, rawBody: body })).toBe(true);
    expect(verifyTwilioJsonSignature({ authToken: 'tok', url, signature, rawBody: Buffer.from(body) })).toBe(true);
  });

  it('fails with a tampered body, wrong key, or no bodySHA256', () => {
    const signature = computeTwilioSignature('tok', url);
    expect(verifyTwilioJsonSignature({ authToken: 'tok', url, signature, rawBody: body.replace('value', 'other') })).toBe(false);
    expect(verifyTwilioJsonSignature({ authToken: 'other', url, signature, rawBody: body })).toBe(false);
    const plain = 'https://mycompany.com/myapp.php';
    expect(verifyTwilioJsonSignature({ authToken: 'tok', url: plain, signature: computeTwilioSignature('tok', plain), rawBody: body })).toBe(false);
  });
});
