import { describe, expect, it } from 'vitest';
import { buildFlow, makeCtx, says, Session } from '../../../test/helpers/engine.js';
import { isWithinHours, wallClock } from './within-hours.js';

type When = Record<string, unknown>;

/** entry → condition (branches in order → "b0", "b1", …; default → "default") → end_call saying which. */
const conditionFlow = (whens: When[]) =>
  buildFlow({
    nodes: [
      { id: 'start', type: 'entry' },
      { id: 'check', type: 'condition', data: { branches: whens.map((when, i) => ({ when, edge_id: `e${i}` })), default_edge_id: 'e_default' } },
      ...whens.map((_, i) => ({ id: `b${i}`, type: 'end_call', data: { message: `b${i}` } })),
      { id: 'default', type: 'end_call', data: { message: 'default' } },
    ],
    chain: ['start', 'check'],
    edges: [...whens.map((_, i) => [`e${i}`, 'check', `b${i}`] as [string, string, string]), ['e_default', 'check', 'default']],
    variables: [{ name: 'v' }, { name: 'obj' }],
  });

const branchFor = (when: When, variables: Record<string, unknown>, at?: number): string =>
  says(new Session(makeCtx({ flow: conditionFlow([when]) }), variables, at).last)[0]!;

describe('condition', () => {
  it.each<[When, unknown, boolean]>([
    [{ variable: 'v', op: 'eq', value: 'yes' }, 'yes', true],
    [{ variable: 'v', op: 'eq', value: 'yes' }, 'Yes', false],
    [{ variable: 'v', op: 'eq', value: 5 }, '5.0', true],
    [{ variable: 'v', op: 'eq', value: 5 }, 5, true],
    [{ variable: 'v', op: 'eq', value: true }, true, true],
    [{ variable: 'v', op: 'eq', value: 'x' }, undefined, false],
    [{ variable: 'v', op: 'neq', value: 'x' }, 'y', true],
    [{ variable: 'v', op: 'neq', value: 'x' }, undefined, true],
    [{ variable: 'v', op: 'neq', value: 'x' }, 'x', false],
    [{ variable: 'v', op: 'contains', value: 'Bill' }, 'my billing question', true],
    [{ variable: 'v', op: 'contains', value: 'refund' }, 'my billing question', false],
    [{ variable: 'v', op: 'gt', value: 10 }, 11, true],
    [{ variable: 'v', op: 'gt', value: 10 }, '10', false],
    [{ variable: 'v', op: 'gt', value: 10 }, 'eleven', false],
    [{ variable: 'v', op: 'lt', value: 10 }, '9.5', true],
    [{ variable: 'v', op: 'lt', value: 10 }, undefined, false],
    [{ variable: 'v', op: 'exists' }, 'a', true],
    [{ variable: 'v', op: 'exists' }, '', false],
    [{ variable: 'v', op: 'exists' }, undefined, false],
    [{ variable: 'v', op: 'matches', value: '^\\d{5}$' }, '94107', true],
    [{ variable: 'v', op: 'matches', value: '^\\d{5}$' }, '9410', false],
    [{ variable: 'v', op: 'matches', value: '^a+$' }, 'a'.repeat(5000), false],
    [{ variable: 'obj.tier', op: 'eq', value: 'gold' }, undefined, false],
  ])('%j with v=%j → %s', (when, v, expected) => {
    expect(branchFor(when, v === undefined ? {} : { v })).toBe(expected ? 'b0' : 'default');
  });

  it('reads into objects with dotted paths', () => {
    expect(branchFor({ variable: 'obj.customer.tier', op: 'eq', value: 'gold' }, { obj: { customer: { tier: 'gold' } } })).toBe('b0');
  });

  it('tries branches in order: the first that holds wins', () => {
    const flow = conditionFlow([{ variable: 'v', op: 'gt', value: 100 }, { variable: 'v', op: 'gt', value: 10 }, { variable: 'v', op: 'exists' }]);
    const said = (v: number) => says(new Session(makeCtx({ flow }), { v }).last)[0];
    expect([said(500), said(50), said(5)]).toEqual(['b0', 'b1', 'b2']);
  });
});

describe('within_hours', () => {
  const weekdays9to6 = { op: 'within_hours', timezone: 'Asia/Kolkata', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' };

  it('reads the wall clock in the time zone (IST is UTC+5:30)', () => {
    // Wednesday 2 Dec 2026: 03:29 UTC = 08:59 IST, 03:30 UTC = 09:00 IST, 12:30 UTC = 18:00 IST.
    expect(branchFor(weekdays9to6, {}, Date.UTC(2026, 11, 2, 3, 29))).toBe('default');
    expect(branchFor(weekdays9to6, {}, Date.UTC(2026, 11, 2, 3, 30))).toBe('b0');
    expect(branchFor(weekdays9to6, {}, Date.UTC(2026, 11, 2, 12, 29))).toBe('b0');
    expect(branchFor(weekdays9to6, {}, Date.UTC(2026, 11, 2, 12, 30))).toBe('default');
  });

  it('uses the local weekday, which can differ from the UTC one', () => {
    // Friday 4 Dec 2026 20:00 UTC is Saturday 01:30 in Kolkata and Friday 15:00 in New York.
    const fridayLateUtc = Date.UTC(2026, 11, 4, 20, 0);
    expect(wallClock(fridayLateUtc, 'Asia/Kolkata')).toEqual({ day: 6, time: '01:30' });
    expect(wallClock(fridayLateUtc, 'America/New_York')).toEqual({ day: 5, time: '15:00' });
    const saturdayNight = { op: 'within_hours', timezone: 'Asia/Kolkata', days: [6], start: '00:00', end: '02:00' };
    expect(branchFor(saturdayNight, {}, fridayLateUtc)).toBe('b0');
  });

  it('follows daylight saving time (New York: UTC-4 in summer, UTC-5 in winter)', () => {
    const window = { timezone: 'America/New_York', days: [1, 2, 3, 4, 5, 6, 7], start: '09:00', end: '17:00' };
    expect(isWithinHours(Date.UTC(2026, 6, 1, 13, 0), window)).toBe(true); // 09:00 EDT
    expect(isWithinHours(Date.UTC(2026, 11, 1, 13, 0), window)).toBe(false); // 08:00 EST
    expect(isWithinHours(Date.UTC(2026, 11, 1, 14, 0), window)).toBe(true); // 09:00 EST
    // Sunday 8 March 2026: clocks jump from 02:00 to 03:00; 07:00 UTC is 03:00 EDT.
    expect(wallClock(Date.UTC(2026, 2, 8, 6, 59), 'America/New_York')).toEqual({ day: 7, time: '01:59' });
    expect(wallClock(Date.UTC(2026, 2, 8, 7, 0), 'America/New_York')).toEqual({ day: 7, time: '03:00' });
    // Europe/Berlin ends summer time on 25 October 2026 at 03:00 local (01:00 UTC).
    expect(wallClock(Date.UTC(2026, 9, 25, 0, 59), 'Europe/Berlin').time).toBe('02:59');
    expect(wallClock(Date.UTC(2026, 9, 25, 1, 0), 'Europe/Berlin').time).toBe('02:00');
  });

  it('midnight reads as 00:00, not 24:00', () => {
    expect(wallClock(Date.UTC(2026, 11, 2, 0, 0), 'UTC')).toEqual({ day: 3, time: '00:00' });
  });
});
