import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { luhn, redactJson, redactText } from './redact.js';

describe('redactText', () => {
  it.each([
    ['write to jane.doe+tag@example.co.uk please', 'write to [EMAIL] please'],
    ['mail: "O\'Brien@Mail.Example.com".', 'mail: "[EMAIL]".'],
    ['two: a@b.io,c_d@e-f.org', 'two: [EMAIL],[EMAIL]'],
  ])('replaces emails: %s', (input, expected) => expect(redactText(input)).toBe(expected));

  it.each([
    ['not an email: user@localhost, @handle, a@b, x@y.1'],
    ['price 5@3.00 each'],
  ])('leaves look-alikes: %s', (input) => expect(redactText(input)).toBe(input));

  it.each([
    ['card 4111 1111 1111 1111 exp 12/27', 'card [CARD] exp 12/27'],
    ['card 4111-1111-1111-1111.', 'card [CARD].'],
    ['amex 3782 822463 10005 ok', 'amex [CARD] ok'],
    ['pan 4012888888881881', 'pan [CARD]'],
    ['followed by another number: 6011 0009 9013 9424 3 times', 'followed by another number: [CARD] 3 times'],
    ['nineteen 6011000990139424 and 4000 0000 0000 0000 006', 'nineteen [CARD] and [CARD]'],
    ['thirteen 4222222222222', 'thirteen [CARD]'],
  ])('replaces Luhn-valid card numbers: %s', (input, expected) => expect(redactText(input)).toBe(expected));

  it('keeps card-length numbers that fail the Luhn check (and are no phone number)', () => {
    expect(luhn('4111111111111112')).toBe(false);
    expect(redactText('ref 4111 1111 1111 1112 and 4111111111111112')).toBe('ref 4111 1111 1111 1112 and 4111111111111112');
  });

  it.each([
    ['call +1 415 555 2671 now', 'call [PHONE] now'],
    ['E.164: +14155552671.', 'E.164: [PHONE].'],
    ['UK +44 20 7946 0958', 'UK [PHONE]'],
    ['+1 (415) 555-2671', '[PHONE]'],
    ['US (415) 555-2671 or 415-555-2671 or 415.555.2671', 'US [PHONE] or [PHONE] or [PHONE]'],
    ['London 020 7946 0958, mobile 07700 900123', 'London [PHONE], mobile [PHONE]'],
    ['Paris 06 12 34 56 78', 'Paris [PHONE]'],
    ['short 555-2671', 'short [PHONE]'],
    ['digits only 4155552671', 'digits only [PHONE]'],
    ['tel:+14155552671', 'tel:[PHONE]'],
    ['mixed: reach me at +1 415 555 2671 or bob@example.com, card 4111111111111111', 'mixed: reach me at [PHONE] or [EMAIL], card [CARD]'],
  ])('replaces phone numbers: %s', (input, expected) => expect(redactText(input)).toBe(expected));

  it.each([
    'order 12345 shipped',
    'order #123456789',
    'invoice INV-2024-00123',
    'total $1,250.00 or 1250.50 EUR or 1.250.000 or 1 250 000',
    'on 2024-05-01 at 10:30, or 01.05.2024, or 05/01/2024',
    'pi is 3.14159265',
    'ZIP 94103, room 12, 3 x 250 g',
    'server 192.168.100.200 and 10.0.0.1, version 1.2.3',
    'uuid 123e4567-e89b-12d3-a456-426614174000',
    'call id 0f8fad5b-d9cb-469f-a165-70867728950e',
    'tokens abc4155552671 and 4155552671xyz',
    '1 2 3 4 5 6 7 8',
    '',
  ])('leaves ordinary numbers alone: %s', (input) => expect(redactText(input)).toBe(input));

  it('is linear on hostile input (no backtracking blow-up)', () => {
    // Each of these would take seconds or more with a naive regular expression; here they are bounded
    // by their length. The assertion is on the result, not on time, but a quadratic scanner would make
    // this test time out.
    const big = 100_000;
    const inputs = ['a'.repeat(big) + '@', '@'.repeat(big), 'a@'.repeat(big / 2), '1 '.repeat(big / 2), '1-'.repeat(big / 2) + 'x', '9'.repeat(big), '(1'.repeat(big / 2), 'a.'.repeat(big / 2) + '@b'];
    for (const s of inputs) expect(redactText(s).length).toBeGreaterThan(0);
    expect(redactText('x@' + 'a.'.repeat(50_000) + 'com')).toBe('[EMAIL]');
  });
});

describe('redactJson', () => {
  it('redacts strings, keys and phone/card integers at any depth, keeping structure and other values', () => {
    const input = { to: 'bob@example.com', n: 4155552671, c: 4111111111111111, qty: 3, price: 12.5, ok: true, nil: null, deep: [[{ 'a@b.io': '+44 20 7946 0958' }]] };
    expect(redactJson(input)).toEqual({ to: '[EMAIL]', n: '[PHONE]', c: '[CARD]', qty: 3, price: 12.5, ok: true, nil: null, deep: [[{ '[EMAIL]': '[PHONE]' }]] });
    expect(input.to).toBe('bob@example.com'); // the input is not changed
  });

  it('handles deeply nested values without overflowing the stack', () => {
    let deep: unknown = 'bob@example.com';
    for (let i = 0; i < 20_000; i++) deep = [deep];
    let out = redactJson(deep);
    for (let i = 0; i < 20_000; i++) out = (out as unknown[])[0];
    expect(out).toBe('[EMAIL]');
  });
});

// ---- properties ----------------------------------------------------------------------------------------

const label = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/);
const email = fc.tuple(fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,10}[a-z0-9]$/), label, fc.stringMatching(/^[a-z]{2,6}$/)).map(([l, d, t]) => `${l}@${d}.${t}`);
/** A Luhn-valid number of 13–19 digits, written plain, in groups of four with spaces, or with dashes. */
const card = fc.tuple(fc.integer({ min: 12, max: 18 }), fc.nat(), fc.constantFrom('', ' ', '-')).map(([n, seed, sep]) => {
  let body = '4';
  for (let i = 1; i < n; i++) body += String((seed >> (i % 24)) % 10 ^ (i % 7)).slice(-1);
  for (let check = 0; check <= 9; check++) {
    if (luhn(body + check)) body += check;
  }
  const digits = body.slice(0, n + 1);
  return sep === '' ? digits : digits.replace(/(\d{4})(?=\d)/g, `$1${sep}`);
}).filter((c) => luhn(c.replace(/\D/g, '')));
// Words and punctuation around the PII (a separator on each side: PII glued to digits is another number).
const filler = fc.string({ unit: fc.constantFrom('a', 'b', 'Z', ' ', '.', ',', ':', '1', '9', '-', '(', ')', '@', '+', '\n', 'é', '😀'), maxLength: 30 });
const around = (pii: fc.Arbitrary<string>) => fc.tuple(filler, pii, filler).map(([a, p, b]) => ({ pii: p, text: `${a} ${p} ${b}` }));

describe('redaction properties', () => {
  it('never throws, and redacting twice changes nothing (idempotent)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), filler, around(email).map((x) => x.text), around(card).map((x) => x.text)), (s) => {
        const once = redactText(s);
        expect(redactText(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it('removes every email it is given, whatever surrounds it', () => {
    fc.assert(
      fc.property(around(email), ({ pii, text }) => {
        expect(redactText(text)).not.toContain(pii);
      }),
      { numRuns: 1000 },
    );
  });

  it('removes every Luhn-valid card number it is given', () => {
    fc.assert(
      fc.property(around(card), ({ pii, text }) => {
        const out = redactText(text);
        expect(out).not.toContain(pii);
        expect(out.replace(/\D/g, '')).not.toContain(pii.replace(/\D/g, ''));
      }),
      { numRuns: 1000 },
    );
  });

  it('redactJson never throws and is idempotent on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const once = redactJson(v);
        expect(redactJson(once)).toEqual(once);
      }),
      { numRuns: 500 },
    );
  });
});
