import { describe, expect, it } from 'vitest';
import { recoverable, reflectionsOf } from '../../../test/helpers/reflections.js';
import { REDACTED, secretScrubber } from './scrub.js';

const TOKEN = 'tok_9f8e7d6c5b4a39281706f5e4d3c2b1a0';

describe('secretScrubber', () => {
  it('removes every reflected form of a bearer header, so the token cannot be decoded back', () => {
    const scrub = secretScrubber([`Bearer ${TOKEN}`]);
    for (const [form, text] of Object.entries(reflectionsOf(`Bearer ${TOKEN}`))) {
      expect(recoverable(text, TOKEN), `the test's own ${form} reflection carries the token`).toBe(true);
      const out = scrub.text(`before ${text} after`);
      expect(recoverable(out, TOKEN), form).toBe(false);
      expect(out, form).toContain(REDACTED);
      expect(out.startsWith('before ') && out.endsWith(' after'), form).toBe(true);
    }
    // The token alone, in each form, and at every alignment inside longer base64.
    for (const [form, text] of Object.entries(reflectionsOf(TOKEN))) expect(recoverable(scrub.text(text), TOKEN), `bare ${form}`).toBe(false);
    for (let pad = 0; pad < 6; pad++) {
      const embedded = Buffer.from(`${'x'.repeat(pad)}${TOKEN}${'y'.repeat(pad)}`).toString('base64');
      expect(recoverable(scrub.text(embedded), TOKEN), `alignment ${pad}`).toBe(false);
      expect(recoverable(scrub.text(Buffer.from(`${'x'.repeat(pad)}${TOKEN}`).toString('base64url')), TOKEN), `url alignment ${pad}`).toBe(false);
    }
  });

  it('removes the user:pass and the password of a Basic header, in every form', () => {
    const password = 'pw-Zq8!x/y+z=secret';
    const header = `Basic ${Buffer.from(`alice:${password}`).toString('base64')}`;
    const scrub = secretScrubber([header]);
    for (const value of [header, `alice:${password}`, password]) {
      for (const [form, text] of Object.entries(reflectionsOf(value))) expect(recoverable(scrub.text(text), password), `${value} ${form}`).toBe(false);
    }
    expect(scrub.text(`pass=${encodeURIComponent(password).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())}`)).toBe(`pass=${REDACTED}`);
    expect(scrub.text(JSON.stringify({ p: password }))).toBe(`{"p":"${REDACTED}"}`);
    expect(scrub.text(JSON.stringify({ p: password }).replace(/\//g, '\\/'))).toBe(`{"p":"${REDACTED}"}`);
  });

  it('scrubs strings and keys of a JSON value at any depth and leaves the rest alone', () => {
    const scrub = secretScrubber([TOKEN]);
    let deep: unknown = { leaf: `x ${TOKEN}` };
    for (let i = 0; i < 10_000; i++) deep = [deep];
    let out = scrub.value(deep) as unknown;
    for (let i = 0; i < 10_000; i++) out = (out as unknown[])[0];
    expect(out).toEqual({ leaf: `x ${REDACTED}` });
    const value = { [TOKEN]: { n: 1, ok: true, nil: null, list: ['a', Buffer.from(TOKEN).toString('base64')] }, __proto__x: 'y' };
    expect(scrub.value(value)).toEqual({ [REDACTED]: { n: 1, ok: true, nil: null, list: ['a', REDACTED] }, __proto__x: 'y' });
    const hostile = JSON.parse(`{"__proto__": {"polluted": "${TOKEN}"}}`) as object;
    const cleaned = scrub.value(hostile) as Record<string, unknown>;
    expect(Object.getPrototypeOf(cleaned)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(cleaned, '__proto__')?.value).toEqual({ polluted: REDACTED });
  });

  it('does not touch ordinary text, and does nothing without secrets', () => {
    const text = 'The weather in Pune is 23°C; id 6b1f0c1e-0d5e-4c55-9a53-1f6c2d0e9b77, data: aGVsbG8gd29ybGQ=';
    expect(secretScrubber([TOKEN, 'Bearer abc']).text(text)).toBe(text);
    expect(secretScrubber([]).text(`x ${TOKEN}`)).toBe(`x ${TOKEN}`);
    expect(secretScrubber(['abc']).text('abc')).toBe('abc'); // under 4 characters: not searched
  });
});
