import { normalizeWords } from './words.js';

const YES = new Set([
  'yes', 'y', 'yeah', 'yea', 'yep', 'yup', 'ya', 'sure', 'ok', 'okay', 'correct', 'right', 'affirmative',
  'absolutely', 'certainly', 'definitely', 'of course', 'please', 'please do', 'yes please', 'that s right',
  'that is right', 'sounds good', 'go ahead', 'i do', 'i would', 'true', '1', 'si', 'oui', 'ja',
]);
const NO = new Set([
  'no', 'n', 'nope', 'nah', 'no thanks', 'no thank you', 'not really', 'negative', 'incorrect', 'wrong',
  'never', 'i don t', 'i do not', 'i would not', 'don t', 'do not', 'not now', 'false', '2', 'non', 'nein',
]);

/**
 * `yes` / `no` from typed or spoken answers ("Yeah, sure!", "nope", "no thank you") and from DTMF
 * (1 = yes, 2 = no); null when unclear or when it holds both ("yes… no").
 */
export function parseYesNo(text: string): 'yes' | 'no' | null {
  const n = normalizeWords(text);
  if (YES.has(n)) return 'yes';
  if (NO.has(n)) return 'no';
  const words = n.split(' ');
  const hasYes = words.some((w) => YES.has(w) && w !== '1');
  const hasNo = words.some((w) => NO.has(w) && w !== '2') || /\b(don t|do not|not)\b/.test(n);
  if (hasYes === hasNo) return null;
  return hasYes ? 'yes' : 'no';
}
