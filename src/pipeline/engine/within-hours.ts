const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formatters = new Map<string, Intl.DateTimeFormat>();

const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
};

/** The ISO weekday (1 = Monday) and `HH:MM` wall-clock time at `at` in an IANA time zone (DST included). */
export function wallClock(at: number, timeZone: string): { day: number; time: string } {
  const parts = formatterFor(timeZone).formatToParts(new Date(at));
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return { day: WEEKDAYS[part('weekday')] ?? 0, time: `${part('hour')}:${part('minute')}` };
}

export interface HoursWindow {
  timezone: string;
  days: readonly number[];
  start: string;
  end: string;
}

/** True on `days` from `start` (inclusive) to `end` (exclusive), local time in `timezone`. */
export function isWithinHours(at: number, w: HoursWindow): boolean {
  const { day, time } = wallClock(at, w.timezone);
  return w.days.includes(day) && time >= w.start && time < w.end;
}
