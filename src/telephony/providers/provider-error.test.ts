import { describe, expect, it } from 'vitest';
import { ProviderError, scrubSecrets } from './provider-error.js';

describe('scrubSecrets', () => {
  const secrets = ['AC0123', 'topsecret-token'];

  it('removes raw, URL-encoded, JSON-escaped and base64/basic-auth forms', () => {
    const basic = Buffer.from('AC0123:topsecret-token').toString('base64');
    const text = `bad token topsecret-token; enc ${encodeURIComponent('topsecret-token')}; b64 ${Buffer.from('topsecret-token').toString('base64')}; auth Basic ${basic}`;
    const out = scrubSecrets(text, secrets);
    expect(out).not.toContain('topsecret-token');
    expect(out).not.toContain(basic);
    expect(out).not.toContain(Buffer.from('topsecret-token').toString('base64'));
    expect(out).toContain('[redacted]');
  });

  it('masks long token-like runs even when not an exact credential (partial echoes)', () => {
    const out = scrubSecrets('Cannot parse access token EAAGm0PX4ZCpsBAKdOHnYQ7m6Z', []);
    expect(out).toBe('Cannot parse access token [redacted]');
  });

  it('leaves ordinary text alone', () => {
    expect(scrubSecrets('The To number is not a valid phone number.', secrets)).toBe('The To number is not a valid phone number.');
  });
});

describe('ProviderError', () => {
  it('serialises without a cause or body', () => {
    const e = new ProviderError('twilio', 400, 'twilio API error (HTTP 400 code 21211)', '21211');
    expect(JSON.parse(JSON.stringify(e))).toEqual({ name: 'ProviderError', provider: 'twilio', status: 400, code: '21211', message: e.message });
    expect(e).toBeInstanceOf(Error);
    expect(e.retryable).toBe(false);
  });

  it('marks rate limits, server errors and network failures retryable', () => {
    expect(new ProviderError('plivo', 429, 'x').retryable).toBe(true);
    expect(new ProviderError('plivo', 503, 'x').retryable).toBe(true);
    expect(new ProviderError('plivo', 0, 'x', 'network_error').retryable).toBe(true);
    expect(new ProviderError('plivo', 0, 'x', 'invalid_phone_number').retryable).toBe(false);
  });
});

describe('scrubSecrets partial echoes', () => {
  it('masks a word containing 8+ characters of a credential', () => {
    expect(scrubSecrets('token abcd1234efgh... was rejected', ['abcd1234efgh5678ijkl'])).toBe('token [redacted] was rejected');
    expect(scrubSecrets('prefix xyzabcd1234 here', ['abcd1234efgh5678ijkl'])).toBe('prefix [redacted] here');
    expect(scrubSecrets('short abcd123 ok', ['abcd1234efgh5678ijkl'])).toBe('short abcd123 ok');
  });
});
