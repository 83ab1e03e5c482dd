/**
 * PII redaction for what Converse stores when an organization turns on `settings.redact_pii`
 * (docs/privacy.md): email addresses become `[EMAIL]`, card numbers (13–19 digits, Luhn-valid) `[CARD]`,
 * phone numbers `[PHONE]`. Pure functions, no I/O.
 *
 * Hand-written scanners instead of regular expressions: every character is looked at a bounded number of
 * times, so the time is linear in the input whatever it holds (no catastrophic backtracking on a
 * hostile transcript). The replacements hold no digit and no `@`, so redacting twice changes nothing.
 *
 * Phone numbers are told apart from other numbers by their shape (the rules: docs/privacy.md
 * "What counts as a phone number"): a leading `+` with a possible international number, a parenthesised
 * area code, digits grouped by spaces, dashes or dots (not shaped like a date, a decimal or a thousands
 * grouping), or an unbroken run of 10–12 digits. Order ids, amounts, dates and times are left alone.
 */
import { isPossiblePhoneNumber } from 'libphonenumber-js';
import { mapJson } from '../storable-text.js';

export const PII_TOKENS = { email: '[EMAIL]', card: '[CARD]', phone: '[PHONE]' } as const;

/** The text with every email address, card number and phone number replaced. */
export function redactText(text: string): string {
  return redactNumbers(redactEmails(text));
}

/**
 * A JSON value with every string (and object key) redacted; an integer that is itself a phone or card
 * number (a model may pass `{"phone": 4155552671}`) becomes the token string.
 */
export const redactJson = (value: unknown): unknown => mapJson(value, redactLeaf, redactText);

const redactLeaf = (v: unknown): unknown => (typeof v === 'string' ? redactText(v) : typeof v === 'number' && Number.isInteger(v) ? redactInteger(v) : v);

function redactInteger(n: number): number | string {
  if (n < 0) return n;
  const digits = BigInt(n).toString();
  if (isCardDigits(digits)) return PII_TOKENS.card;
  return isBarePhone(digits.length) ? PII_TOKENS.phone : n;
}

// ---- emails ----------------------------------------------------------------------------------------

const isAlnum = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isDigit = (c: number) => c >= 48 && c <= 57;
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
// RFC 5322 "atext" as people write it: letters, digits and . _ % + - ' (not quoted local parts).
const isLocalChar = (c: number) => isAlnum(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45 || c === 39;
const isDomainChar = (c: number) => isAlnum(c) || c === 46 || c === 45;

/**
 * Each `@` looks left over local-part characters and right over domain characters; neither crosses
 * another `@`, so each character is visited at most twice.
 */
function redactEmails(text: string): string {
  if (!text.includes('@')) return text;
  let out = '';
  let copied = 0;
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    if (at < copied) continue;
    let start = at;
    while (start > copied && isLocalChar(text.charCodeAt(start - 1))) start--;
    while (start < at && !isAlnum(text.charCodeAt(start))) start++; // "…'a@b.co": the quote is not part of it
    let end = at + 1;
    while (end < text.length && isDomainChar(text.charCodeAt(end))) end++;
    while (end > at + 1 && !isAlnum(text.charCodeAt(end - 1))) end--; // sentence-ending dot or dash
    if (start === at || !hasTld(text, at + 1, end)) continue;
    out += text.slice(copied, start) + PII_TOKENS.email;
    copied = end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** The domain has a dot, no empty label, and ends in a label of two or more letters. */
function hasTld(text: string, from: number, to: number): boolean {
  const domain = text.slice(from, to);
  const labels = domain.split('.');
  if (labels.length < 2 || labels.some((l) => l.length === 0)) return false;
  const tld = labels[labels.length - 1]!;
  return tld.length >= 2 && [...tld].every((ch) => isLetter(ch.charCodeAt(0)));
}

// ---- numbers: cards and phones -----------------------------------------------------------------------

/** One run of digit groups, e.g. `+1 (415) 555-2671` → groups 1 / 415 / 555 / 2671. */
interface Group {
  start: number;
  end: number;
  /** The characters between the previous group and this one ('' for the first). */
  sep: string;
}

const SEPARATORS = new Set([' ', '-', '.', '(', ')']);
const MAX_DIGITS = 19;

/**
 * Scans for runs of digit groups joined by short separators, then inside each run redacts the windows of
 * consecutive groups that are a card or a phone number (longest first from the left). A window holds at
 * most 19 digits, so the work per group is bounded and the whole scan stays linear.
 */
function redactNumbers(text: string): string {
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    const startsRun = isDigit(c) || ((c === 43 || c === 40) && isDigit(text.charCodeAt(i + 1))) || (c === 43 && text[i + 1] === '(' && isDigit(text.charCodeAt(i + 2)));
    if (!startsRun || !leftBoundary(text, i)) {
      i++;
      continue;
    }
    const { groups, end, plus } = readRun(text, i);
    const spans = findPii(text, groups, plus, rightBoundary(text, end));
    for (const s of spans) {
      out += text.slice(copied, s.from) + s.token;
      copied = s.to;
    }
    i = Math.max(end, i + 1);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Not glued to a word, an id or another number: `INV-2024-00123`, `a456-4266…` and `x12` never start a run. */
function leftBoundary(text: string, i: number): boolean {
  if (i === 0) return true;
  const prev = text.charCodeAt(i - 1);
  if (isAlnum(prev) || prev === 95 || prev === 47) return false;
  if ((prev === 45 || prev === 46) && i >= 2 && isAlnum(text.charCodeAt(i - 2))) return false;
  return true;
}

/** Same on the right: `12345abc` or `2671-x9` are part of something else; a sentence's final dot is not. */
function rightBoundary(text: string, end: number): boolean {
  if (end >= text.length) return true;
  const next = text.charCodeAt(end);
  if (isAlnum(next) || next === 95 || next === 47) return false;
  if ((next === 45 || next === 46 || next === 64) && isAlnum(text.charCodeAt(end + 1))) return false;
  return true;
}

function readRun(text: string, from: number): { groups: Group[]; end: number; plus: boolean } {
  let i = from;
  const plus = text[i] === '+';
  if (plus) i++;
  const groups: Group[] = [];
  let sep = '';
  while (i < text.length) {
    if (isDigit(text.charCodeAt(i))) {
      const start = i;
      while (i < text.length && isDigit(text.charCodeAt(i))) i++;
      groups.push({ start, end: i, sep });
      sep = '';
      // At most two separator characters, at most one of them not a parenthesis: ") ", " (", "-", "(".
      let j = i;
      while (j < text.length && j - i < 2 && SEPARATORS.has(text[j]!)) j++;
      const candidate = text.slice(i, j);
      if (j === i || !isDigit(text.charCodeAt(j)) || !validSeparator(candidate)) break;
      sep = candidate;
      i = j;
    } else {
      // The opening "(" of a run that starts with one.
      sep = text[i]!;
      i++;
    }
  }
  const last = groups[groups.length - 1];
  return { groups, end: last ? last.end : i, plus };
}

function validSeparator(s: string): boolean {
  if (s.length === 1) return true;
  const nonParen = [...s].filter((ch) => ch !== '(' && ch !== ')').length;
  return nonParen <= 1 && s !== '()' && s !== ')(';
}

interface Span {
  from: number;
  to: number;
  token: string;
}

function findPii(text: string, groups: Group[], plus: boolean, rightOk: boolean): Span[] {
  const spans: Span[] = [];
  // Written like a card (four or more groups of four) but failing the Luhn check: a mistyped card or a
  // reference number, not three phone numbers.
  const cardShaped = groups.length >= 4 && groups.every((g) => g.end - g.start === 4);
  let i = 0;
  while (i < groups.length) {
    const match = longestWindow(text, groups, i, plus && i === 0, rightOk, !cardShaped);
    if (!match) {
      i++;
      continue;
    }
    const first = groups[i]!;
    const lastG = groups[match.j]!;
    let from = first.start;
    if (i === 0 && plus) from = text.lastIndexOf('+', from);
    else if (first.sep.endsWith('(')) from--;
    let to = lastG.end;
    if (text[to] === ')' && text.slice(from, to).includes('(') && !text.slice(from, to).includes(')')) to++;
    spans.push({ from, to, token: match.token });
    i = match.j + 1;
  }
  return spans;
}

/** A window: groups i..j of a run, with their digits, group lengths and the separators between them. */
interface Window {
  j: number;
  digits: string;
  lens: number[];
  seps: string[];
  /** A parenthesis anywhere in it, including an opening one before its first group. */
  paren: boolean;
}

/** Cards and phone numbers have at most this many groups ("+1 (415) 555 26 71", "4111 1111 1111 1111 123"). */
const MAX_GROUPS = 8;

function longestWindow(text: string, groups: Group[], i: number, plus: boolean, rightOk: boolean, phones: boolean): { j: number; token: string } | null {
  const windows: Window[] = [];
  let w: Window = { j: i - 1, digits: '', lens: [], seps: [], paren: groups[i]!.sep.includes('(') };
  for (let j = i; j < groups.length && j < i + MAX_GROUPS; j++) {
    const g = groups[j]!;
    const digits = w.digits + text.slice(g.start, g.end);
    if (digits.length > MAX_DIGITS) break;
    const seps = j === i ? w.seps : [...w.seps, g.sep];
    w = { j, digits, lens: [...w.lens, g.end - g.start], seps, paren: w.paren || (j > i && /[()]/.test(g.sep)) };
    windows.push(w);
  }
  // A window that reaches the end of the run must also end at a boundary.
  const candidates = windows.filter((x) => x.j < groups.length - 1 || rightOk).reverse();
  const card = candidates.find(isCard);
  if (card) return { j: card.j, token: PII_TOKENS.card };
  const phone = phones ? candidates.find((x) => isPhone(x, plus)) : undefined;
  return phone ? { j: phone.j, token: PII_TOKENS.phone } : null;
}

/** 13–19 digits, written together or grouped by one kind of separator (space or dash), Luhn-valid. */
function isCard(w: Window): boolean {
  const seps = new Set(w.seps);
  if (seps.size > 1 || [...seps].some((s) => s !== ' ' && s !== '-')) return false;
  return isCardDigits(w.digits);
}

function isCardDigits(d: string): boolean {
  return d.length >= 13 && d.length <= MAX_DIGITS && luhn(d);
}

export function luhn(digits: string): boolean {
  let sum = 0;
  for (let k = 0; k < digits.length; k++) {
    let v = digits.charCodeAt(digits.length - 1 - k) - 48;
    if (k % 2 === 1) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
  }
  return sum % 10 === 0;
}

const isBarePhone = (n: number) => n >= 10 && n <= 12;

function isPhone({ digits: d, lens, seps, paren }: Window, plus: boolean): boolean {
  if (plus) return d.length >= 8 && d.length <= 15 && isPossiblePhoneNumber(`+${d}`);
  if (d.length < 7 || d.length > 12) return false;
  if (lens.length === 1) return isBarePhone(d.length);
  if (paren) return true;
  // Shapes that are not phone numbers although they are digits in groups.
  if (lens.length === 2 && (lens[1]! < 4 || seps[0] === '.')) return false; // 12345.67, 3.14159
  if (lens.length === 3 && isDateShape(lens)) return false; // 2024-05-01, 01.05.2024
  const thousands = lens.slice(1).every((n) => n === 3) && lens[0]! <= 3;
  if (thousands && (seps.every((s) => s === '.') || lens[0]! < 3)) return false; // 1.250.000, 1 250 000
  return lens.slice(1).every((n) => n >= 2);
}

function isDateShape(lens: number[]): boolean {
  const key = lens.join(',');
  return key === '4,2,2' || key === '2,2,4' || key === '2,2,2' || key === '1,2,4' || key === '2,1,4' || key === '1,1,4' || key === '4,1,1' || key === '4,2,1' || key === '4,1,2';
}
