import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { computePlivoV3Signature, plivoSigningBase, verifyPlivoV3Signature } from './plivo.js';

const TOKEN = 'plivoAuthToken';
const hmac = (data: string, key = TOKEN) => createHmac('sha256', key).update(data).digest('base64');

describe('Plivo V3 signing base', () => {
  it('POST without query: url + "?" + sorted key+value pairs', () => {
    expect(plivoSigningBase('POST', 'https://example.com/answer', { To: '2', From: '1', CallUUID: 'abc' })).toBe(
      'https://example.com/answer?CallUUIDabcFrom1To2',
    );
  });

  it('POST with query: sorted query, ".", then sorted params', () => {
    expect(plivoSigningBase('POST', 'https://example.com/answer?b=2&a=1', { Z: 'z', A: 'a' })).toBe(
      'https://example.com/answer?a=1&b=2.AaZz',
    );
  });

  it('POST with query and no params; POST with neither', () => {
    expect(plivoSigningBase('POST', 'https://example.com/answer?b=2&a=1', {})).toBe('https://example.com/answer?a=1&b=2');
    expect(plivoSigningBase('POST', 'https://example.com/answer', {})).toBe('https://example.com/answer');
  });

  it('GET: all params in one sorted query string', () => {
    expect(plivoSigningBase('GET', 'https://example.com:8443/answer?To=2&From=1', { CallUUID: 'x' })).toBe(
      'https://example.com:8443/answer?CallUUID=x&From=1&To=2',
    );
  });
});

describe('Plivo X-Plivo-Signature-V3', () => {
  const url = 'https://hooks.example.com/plivo/ch1?x=1';
  const params = { CallUUID: 'c-1', From: '14155550100', To: '919876543210', CallStatus: 'ringing' };
  const nonce = '12345678901234567890';

  it('is base64 HMAC-SHA256 of base + "." + nonce', () => {
    const expected = hmac('https://hooks.example.com/plivo/ch1?x=1.CallStatusringingCallUUIDc-1From14155550100To919876543210.12345678901234567890');
    expect(computePlivoV3Signature({ authToken: TOKEN, method: 'POST', url, nonce, params })).toBe(expected);
  });

  const signatureHeader = computePlivoV3Signature({ authToken: TOKEN, method: 'POST', url, nonce, params });
  const valid = { authToken: TOKEN, method: 'POST' as const, url, nonce, params, signatureHeader };

  it('passes with the right key', () => {
    expect(verifyPlivoV3Signature(valid)).toBe(true);
  });

  it('passes when any of several comma-separated signatures matches', () => {
    expect(verifyPlivoV3Signature({ ...valid, signatureHeader: `${hmac('other')}, ${signatureHeader}` })).toBe(true);
  });

  it('fails with the wrong key, a tampered param, another nonce or URL', () => {
    expect(verifyPlivoV3Signature({ ...valid, authToken: 'wrong' })).toBe(false);
    expect(verifyPlivoV3Signature({ ...valid, params: { ...params, To: '919999999999' } })).toBe(false);
    expect(verifyPlivoV3Signature({ ...valid, nonce: '99999999999999999999' })).toBe(false);
    expect(verifyPlivoV3Signature({ ...valid, url: 'https://hooks.example.com/plivo/ch2?x=1' })).toBe(false);
  });

  it('fails when the signature or nonce is missing', () => {
    expect(verifyPlivoV3Signature({ ...valid, signatureHeader: undefined })).toBe(false);
    expect(verifyPlivoV3Signature({ ...valid, nonce: undefined })).toBe(false);
    expect(verifyPlivoV3Signature({ ...valid, signatureHeader: '' })).toBe(false);
  });
});
