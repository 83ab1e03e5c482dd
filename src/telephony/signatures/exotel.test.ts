import { describe, expect, it } from 'vitest';
import { safeEqual } from './common.js';
import { createExotelWebhookToken, verifyExotelPathToken } from './exotel.js';

describe('Exotel path token', () => {
  it('creates unguessable URL-safe tokens', () => {
    const a = createExotelWebhookToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(createExotelWebhookToken()).not.toBe(a);
  });

  it('accepts only the exact token', () => {
    const t = createExotelWebhookToken();
    expect(verifyExotelPathToken(t, t)).toBe(true);
    expect(verifyExotelPathToken(`${t}x`, t)).toBe(false);
    expect(verifyExotelPathToken(t.slice(0, -1), t)).toBe(false);
    expect(verifyExotelPathToken(undefined, t)).toBe(false);
    expect(verifyExotelPathToken('', '')).toBe(false);
    expect(verifyExotelPathToken('x', undefined)).toBe(false);
  });
});

describe('safeEqual', () => {
  it('compares strings and bytes of any length', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual(Buffer.from('abc'), 'abc')).toBe(true);
    expect(safeEqual('', '')).toBe(true);
  });
});
