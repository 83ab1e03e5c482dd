import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { CollectData } from '../../features/flows/node-data-schemas.js';
import { parseDate } from './dates.js';
import { parseNumberWords } from './numbers.js';
import { patternMatches } from './regex.js';
import { digitsOf } from './words.js';
import { parseYesNo } from './yes-no.js';

export type Validated = { ok: true; value: string | number } | { ok: false };

export interface ValidationEnv {
  /** The session clock, for relative dates. */
  at: number;
  /** The caller's number: its country is the default for national phone numbers. */
  caller_number?: unknown;
}

const ok = (value: string | number): Validated => ({ ok: true, value });
const invalid: Validated = { ok: false };

/** Typed ("1,234.5", "-3") or spoken ("twenty five", "two hundred and ten"). */
function parseNumber(text: string): Validated {
  const t = text.trim().replace(/(\d),(?=\d{3}\b)/g, '$1').replace(/\s+/g, '');
  const n = /^[-+]?(\d+\.?\d*|\.\d+)$/.test(t) ? Number(t) : parseNumberWords(text);
  return n !== null && Number.isFinite(n) ? ok(n) : invalid;
}

/** "john dot smith at example dot com" → "john.smith@example.com". */
function parseEmail(text: string): Validated {
  const spoken = ` ${text.trim().toLowerCase()} `.replace(/\s+at\s+/g, '@').replace(/\s+dot\s+/g, '.');
  const email = (!text.includes('@') ? spoken.replace(/\s+/g, '') : text.trim()).replace(/\.$/, '');
  const m = /^([^\s@]+)@([a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})$/i.exec(email);
  return m && email.length <= 254 ? ok(`${m[1]}@${m[2]!.toLowerCase()}`) : invalid;
}

function parsePhone(text: string, env: ValidationEnv): Validated {
  const caller = typeof env.caller_number === 'string' ? parsePhoneNumberFromString(env.caller_number) : undefined;
  const country: CountryCode | undefined = caller?.country;
  // Spoken numbers ("plus one four one five …") become digits; typed ones go to libphonenumber as is.
  const t = text.trim().replace(/^plus\s*/i, '+');
  const hasPlus = t.startsWith('+');
  const spoken = digitsOf(hasPlus ? t.slice(1) : t);
  const input = spoken === null ? t : `${hasPlus ? '+' : ''}${spoken}`;
  const phone = parsePhoneNumberFromString(input, country === undefined ? undefined : { defaultCountry: country });
  return phone?.isValid() ? ok(phone.number) : invalid;
}

function parseRegex(text: string, pattern: string): Validated {
  const t = text.trim();
  return t !== '' && patternMatches(pattern, t) ? ok(t) : invalid;
}

/** Checks and normalizes one collect answer; `value` is what the node stores. */
export function validateAnswer(data: Pick<CollectData, 'validation' | 'pattern'>, text: string, env: ValidationEnv): Validated {
  switch (data.validation) {
    case 'digits': {
      const d = digitsOf(text);
      return d === null ? invalid : ok(d);
    }
    case 'number':
      return parseNumber(text);
    case 'email':
      return parseEmail(text);
    case 'phone':
      return parsePhone(text, env);
    case 'date': {
      const d = parseDate(text, env.at);
      return d === null ? invalid : ok(d);
    }
    case 'yes_no': {
      const yn = parseYesNo(text);
      return yn === null ? invalid : ok(yn);
    }
    case 'regex':
      return parseRegex(text, data.pattern ?? '');
    case 'free_text':
      return text.trim() === '' ? invalid : ok(text.trim());
  }
}
