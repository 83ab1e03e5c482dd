/**
 * Pure campaign rules: phone normalization, time zones, calling windows, outcomes, CSV cells. No I/O,
 * no clock (the instant is always an argument), so the engine's decisions are testable at any time.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

export interface CallingWindow {
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  days: number[];
  /** Local wall-clock "HH:MM", start inclusive, end exclusive. */
  start: string;
  end: string;
}

export const OUTCOMES = ['completed', 'no_answer', 'busy', 'failed', 'voicemail', 'opt_out'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const RETRYABLE = ['no_answer', 'busy', 'failed', 'voicemail'] as const;

/** E.164 or null. Numbers without "+" are read in `region` (none: refused). */
export function toE164(raw: string, region: string | null): string | null {
  const text = raw.trim();
  if (text.length < 3 || text.length > 40) return null;
  const p = text.startsWith('+') ? parsePhoneNumberFromString(text) : region ? parsePhoneNumberFromString(text, region as CountryCode) : undefined;
  return p && p.isValid() ? p.number : null;
}

export const countryOf = (e164: string | null): string | null => (e164 ? (parsePhoneNumberFromString(e164)?.country ?? null) : null);

export function isTimeZone(tz: string): boolean {
  if (tz.length === 0 || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Countries that use exactly one IANA zone, so a number's country names its time zone. Countries with
 * several (US, CA, AU, BR, RU, MX, ID, ES with the Canaries, PT with the Azores…) are left out: their
 * contacts get the campaign's zone unless the import gives one.
 */
const SINGLE_ZONE: Record<string, string> = {
  AE: 'Asia/Dubai', AR: 'America/Argentina/Buenos_Aires', AT: 'Europe/Vienna', BD: 'Asia/Dhaka', BE: 'Europe/Brussels',
  BG: 'Europe/Sofia', CH: 'Europe/Zurich', CN: 'Asia/Shanghai', CO: 'America/Bogota', CZ: 'Europe/Prague', DE: 'Europe/Berlin',
  DK: 'Europe/Copenhagen', EG: 'Africa/Cairo', FI: 'Europe/Helsinki', FR: 'Europe/Paris', GB: 'Europe/London', GR: 'Europe/Athens',
  HK: 'Asia/Hong_Kong', HU: 'Europe/Budapest', IE: 'Europe/Dublin', IL: 'Asia/Jerusalem', IN: 'Asia/Kolkata', IT: 'Europe/Rome',
  JP: 'Asia/Tokyo', KE: 'Africa/Nairobi', KR: 'Asia/Seoul', LK: 'Asia/Colombo', MY: 'Asia/Kuala_Lumpur', NG: 'Africa/Lagos',
  NL: 'Europe/Amsterdam', NO: 'Europe/Oslo', NP: 'Asia/Kathmandu', PE: 'America/Lima', PH: 'Asia/Manila', PK: 'Asia/Karachi',
  PL: 'Europe/Warsaw', RO: 'Europe/Bucharest', SA: 'Asia/Riyadh', SE: 'Europe/Stockholm', SG: 'Asia/Singapore', TH: 'Asia/Bangkok',
  TR: 'Europe/Istanbul', TW: 'Asia/Taipei', ZA: 'Africa/Johannesburg',
};

/** The zone of the number's country when it has only one; else null (the campaign's zone applies). */
export const zoneOfNumber = (e164: string): string | null => SINGLE_ZONE[countryOf(e164) ?? ''] ?? null;

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

interface LocalTime {
  year: number;
  month: number;
  day: number;
  /** ISO weekday, 1 = Monday. */
  weekday: number;
  minutes: number;
}

const WEEKDAY: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function localTime(at: Date, tz: string): LocalTime {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    formatters.set(tz, f);
  }
  const parts = Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: WEEKDAY[parts.weekday!] ?? 1,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

export function isWithinWindow(at: Date, tz: string, w: CallingWindow): boolean {
  const t = localTime(at, tz);
  return w.days.includes(t.weekday) && t.minutes >= minutesOf(w.start) && t.minutes < minutesOf(w.end);
}

/** The UTC instant at which the wall clock in `tz` reads y-m-d h:m (the first such, across DST). */
function zonedInstant(tz: string, y: number, m: number, d: number, minutes: number): Date {
  const wanted = Date.UTC(y, m - 1, d, Math.floor(minutes / 60), minutes % 60);
  let guess = wanted;
  // Two corrections settle any offset, including a DST change between the guess and the answer.
  for (let i = 0; i < 2; i++) {
    const t = localTime(new Date(guess), tz);
    const seen = Date.UTC(t.year, t.month - 1, t.day, Math.floor(t.minutes / 60), t.minutes % 60);
    guess += wanted - seen;
  }
  return new Date(guess);
}

/**
 * `at` when it is inside the window, else the next instant the window opens in `tz` (within 8 days;
 * a window with no days never opens: null).
 */
export function nextWindowStart(at: Date, tz: string, w: CallingWindow): Date | null {
  if (isWithinWindow(at, tz, w)) return at;
  if (w.days.length === 0) return null;
  const start = minutesOf(w.start);
  const today = localTime(at, tz);
  for (let offset = 0; offset <= 8; offset++) {
    const day = new Date(Date.UTC(today.year, today.month - 1, today.day + offset));
    const candidate = zonedInstant(tz, day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), start);
    if (candidate.getTime() > at.getTime() && isWithinWindow(candidate, tz, w)) return candidate;
  }
  return null;
}

/**
 * The attempt's outcome from the ended call row: the voice side's ended_reason (completed, no_answer,
 * busy, failed, voicemail) or any conversation end (answered: completed). A flow or agent outcome
 * `opt_out` wins: the person asked not to be called again.
 */
export function outcomeOfCall(call: { ended_reason: string | null; outcome: string | null }): Outcome {
  if (call.outcome?.trim().toLowerCase() === 'opt_out' || call.ended_reason === 'opt_out') return 'opt_out';
  const r = call.ended_reason;
  if (r === 'no_answer' || r === 'busy' || r === 'failed' || r === 'voicemail') return r;
  return 'completed';
}

/** Outcomes where a person answered (the answer rate's numerator). */
export const ANSWERED: readonly Outcome[] = ['completed', 'opt_out'];

/**
 * One CSV cell, quoted when needed, and inert in spreadsheets: text starting with = + - @ (or a tab or
 * carriage return) is a formula to Excel, LibreOffice and Google Sheets, so it gets a leading
 * apostrophe. Plain numbers (+14155550100, -3) are left as they are: a spreadsheet reads them as numbers.
 */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(s) && !/^[+-]?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
