const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_MS = 86_400_000;
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

interface Ymd {
  y: number;
  m: number;
  d: number;
}

const isRealDate = ({ y, m, d }: Ymd): boolean => {
  const t = new Date(Date.UTC(y, m - 1, d));
  return y >= 1000 && y <= 9999 && t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
};
const ymdOf = (ms: number): Ymd => {
  const t = new Date(ms);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
};
const monthOf = (word: string): number => MONTHS.indexOf(word.slice(0, 3)) + 1;

/** The date part: ISO, relative words, or "3 December 2026" / "December 3rd, 2026" / "Dec 3". */
function parseDay(text: string, at: number): Ymd | null {
  let m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(text);
  if (m) return { y: +m[1]!, m: +m[2]!, d: +m[3]! };
  m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text);
  if (m) return { y: +m[3]!, m: +m[2]!, d: +m[1]! };
  const relative: Record<string, number> = { today: 0, tomorrow: 1, yesterday: -1, 'day after tomorrow': 2 };
  if (Object.hasOwn(relative, text)) return ymdOf(at + relative[text]! * DAY_MS);
  m = /^(\d{1,2})(?:st|nd|rd|th)?(?: of)? ([a-z]{3,9}),?(?: (\d{4}))?$/.exec(text) ?? null;
  const dayFirst = m !== null;
  if (!m) m = /^([a-z]{3,9}) (\d{1,2})(?:st|nd|rd|th)?,?(?: (\d{4}))?$/.exec(text);
  if (!m) return null;
  const [day, monthWord] = dayFirst ? [+m[1]!, m[2]!] : [+m[2]!, m[1]!];
  const month = monthOf(monthWord);
  if (month === 0) return null;
  if (m[3] !== undefined) return { y: +m[3], m: month, d: day };
  // No year: the next such date from today (a caller naming "March 3" in December means next year).
  const today = ymdOf(at);
  const candidate = { y: today.y, m: month, d: day };
  const before = month < today.m || (month === today.m && day < today.d);
  return before ? { ...candidate, y: today.y + 1 } : candidate;
}

/** "15:30", "3pm", "3:30 pm", "noon"; minutes since midnight or null. */
function parseClock(text: string): number | null {
  if (text === 'noon') return 12 * 60;
  if (text === 'midnight') return 0;
  const m = /^(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*(am|pm|a m|p m)?$/.exec(text);
  if (!m) return null;
  let h = +m[1]!;
  const min = m[2] === undefined ? 0 : +m[2];
  const ampm = m[4]?.replace(' ', '');
  if (m[2] === undefined && ampm === undefined) return null;
  if (ampm !== undefined) {
    if (h < 1 || h > 12) return null;
    h = (h % 12) + (ampm === 'pm' ? 12 : 0);
  }
  return h > 23 || min > 59 ? null : h * 60 + min;
}

/**
 * A typed or spoken date (optionally with a time) as RFC 3339: `2026-12-03` for a date, and
 * `2026-12-03T15:30:00Z` with a time. Times without an offset are taken as UTC; explicit offsets are
 * converted to UTC. Relative words ("tomorrow") count from the session clock `at` (UTC).
 */
export function parseDate(input: string, at: number): string | null {
  const raw = input.trim();
  const iso = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:\d{2})?$/i.exec(raw);
  if (iso) {
    const [, day, time, offset] = iso;
    const [y, mo, d] = day!.split('-').map(Number) as [number, number, number];
    const ms = Date.parse(`${day}T${time!.length === 5 ? `${time}:00` : time}${offset ?? 'Z'}`);
    if (!isRealDate({ y, m: mo, d }) || Number.isNaN(ms)) return null;
    return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  const text = raw.toLowerCase().replace(/[.,]+$/, '').replace(/\s+/g, ' ');
  const split = /^(.*?)(?:,? at | )(\d{1,2}(?::\d{2}){0,2}\s*(?:am|pm|a m|p m)?|noon|midnight)$/.exec(text);
  const clock = split ? parseClock(split[2]!) : null;
  const dayText = split && clock !== null ? split[1]! : text;
  const ymd = parseDay(dayText, at);
  if (ymd === null || !isRealDate(ymd)) return null;
  const date = `${pad(ymd.y, 4)}-${pad(ymd.m)}-${pad(ymd.d)}`;
  return clock === null ? date : `${date}T${pad(Math.floor(clock / 60))}:${pad(clock % 60)}:00Z`;
}
