import { describe, expect, it } from 'vitest';
import { T0 } from '../../../test/helpers/engine.js';
import { validateAnswer } from './validators.js';

const env = { at: T0, caller_number: '+14155552671' };
const check = (validation: string, text: string, pattern?: string) =>
  validateAnswer({ validation, pattern } as Parameters<typeof validateAnswer>[0], text, env);
const value = (validation: string, text: string, pattern?: string) => {
  const r = check(validation, text, pattern);
  return r.ok ? r.value : null;
};

describe('collect validation kinds', () => {
  it.each([
    ['1234', '1234'], [' 0042 ', '0042'], ['415-555 26.71', '4155552671'], ['four one five', '415'], ['oh seven', '07'],
    ['12a', null], ['', null], ['*1', null], ['one two buckle', null],
  ])('digits %j → %j', (text, expected) => expect(value('digits', text)).toBe(expected));

  it.each([
    ['42', 42], ['-3.5', -3.5], ['1,234', 1234], ['1,234.50', 1234.5], [' +7 ', 7], ['.5', 0.5],
    ['forty', 40], ['twenty-five', 25], ['two hundred and ten', 210], ['minus three point five', -3.5], ['one thousand two hundred', 1200],
    ['1.5 million', 1500000], ['a hundred', 100], ['seven point', null], ['twenty apples', null], ['one two three', null], ['twenty thirty', null], ['point five', null], ['1.2.3', null], ['', null], ['12abc', null], ['1e400', null],
  ])('number %j → %j', (text, expected) => expect(value('number', text)).toBe(expected));

  it.each([
    ['Jane@Example.COM', 'Jane@example.com'], [' bob.smith+x@mail.co.uk. ', 'bob.smith+x@mail.co.uk'],
    ['jane dot doe at example dot com', 'jane.doe@example.com'], ['no-at-sign.com', null], ['a@b', null], ['a b@c.com', null], ['', null],
  ])('email %j → %j', (text, expected) => expect(value('email', text)).toBe(expected));

  it.each([
    ['+1 (415) 555-2671', '+14155552671'], ['(415) 555-2671', '+14155552671'], ['plus four four seven nine one one one two three four five six', '+447911123456'],
    ['+44 7911 123456', '+447911123456'], ['555', null], ['hello', null], ['+1 415 555', null],
  ])('phone %j → %j (default country from the caller)', (text, expected) => expect(value('phone', text)).toBe(expected));

  it('phone without a caller number needs the international form', () => {
    expect(validateAnswer({ validation: 'phone' }, '(415) 555-2671', { at: T0 })).toEqual({ ok: false });
    expect(validateAnswer({ validation: 'phone' }, '+14155552671', { at: T0 })).toEqual({ ok: true, value: '+14155552671' });
  });

  it.each([
    ['2026-12-24', '2026-12-24'], ['2026/1/5', '2026-01-05'], ['24.12.2026', '2026-12-24'], ['today', '2026-12-02'], ['Tomorrow', '2026-12-03'],
    ['December 24, 2026', '2026-12-24'], ['24th of December 2026', '2026-12-24'], ['dec 24', '2026-12-24'], ['March 3rd', '2027-03-03'],
    ['tomorrow at 3pm', '2026-12-03T15:00:00Z'], ['2026-12-24 at 9:30 am', '2026-12-24T09:30:00Z'], ['2026-12-24T10:00:00+02:00', '2026-12-24T08:00:00Z'],
    ['2026-12-24T10:00', '2026-12-24T10:00:00Z'], ['2026-02-30', null], ['someday', null], ['13/13/2026', null], ['2026-12-24 at 25:00', null], ['', null],
  ])('date %j → %j', (text, expected) => expect(value('date', text)).toBe(expected));

  it.each([
    ['yes', 'yes'], ['Yeah!', 'yes'], ['yep', 'yes'], ['Sure, go ahead.', 'yes'], ['yes please', 'yes'], ['1', 'yes'], ['OK', 'yes'],
    ['no', 'no'], ['Nope.', 'no'], ['no thank you', 'no'], ['2', 'no'], ["I don't think so", 'no'], ['nah', 'no'],
    ['maybe', null], ['yes no', null], ['3', null], ['', null], ['not sure', null],
  ])('yes_no %j → %j', (text, expected) => expect(value('yes_no', text)).toBe(expected));

  it('regex tests the trimmed answer and bounds its length', () => {
    expect(value('regex', ' AB-1234 ', '^[A-Z]{2}-\\d{4}$')).toBe('AB-1234');
    expect(value('regex', 'ab-1234', '^[A-Z]{2}-\\d{4}$')).toBe(null);
    expect(value('regex', 'a'.repeat(1001), '^a+$')).toBe(null);
    expect(value('regex', 'a'.repeat(1000), '^a+$')).toBe('a'.repeat(1000));
  });

  it('free_text takes anything but nothing', () => {
    expect(value('free_text', '  Jane  ')).toBe('Jane');
    expect(value('free_text', '   ')).toBe(null);
  });
});

describe('regular expressions from flows (ReDoS)', () => {
  it('a catastrophic-backtracking pattern still answers at once, on RE2', () => {
    // With a backtracking engine `^(a+)+$` on 40 a's and a b takes on the order of 2^40 steps.
    expect(value('regex', `${'a'.repeat(40)}b`, '^(a+)+$')).toBe(null);
    expect(value('regex', 'a'.repeat(40), '^(a+)+$')).toBe('a'.repeat(40));
  });

  it('patterns RE2 cannot run (lookarounds, backreferences) never match', () => {
    expect(value('regex', 'ab', '^(?=a)ab$')).toBe(null);
    expect(value('regex', 'aa', '^(a)\\1$')).toBe(null);
  });

  it('unicode classes and named groups work', () => {
    expect(value('regex', 'Zoë', '^\\p{L}+$')).toBe('Zoë');
    expect(value('regex', '2026-12', '^(?<y>\\d{4})-\\d{2}$')).toBe('2026-12');
  });
});
