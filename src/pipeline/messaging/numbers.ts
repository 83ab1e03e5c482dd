import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** `+<digits>` when the text is a possible E.164 number, else null. */
export function normalizeE164(raw: string): string | null {
  const p = raw.trim().startsWith('+') ? parsePhoneNumberFromString(raw.trim()) : undefined;
  return p?.isPossible() ? p.number : null;
}
