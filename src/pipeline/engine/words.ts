/** Lower case, punctuation to spaces, collapsed: the form keyword and yes/no matching compare. */
export const normalizeWords = (text: string): string =>
  text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

export const wordsOf = (text: string): string[] => {
  const n = normalizeWords(text);
  return n === '' ? [] : n.split(' ');
};

const DIGIT_WORDS: Record<string, string> = {
  zero: '0', oh: '0', o: '0', one: '1', two: '2', to: '2', too: '2', three: '3', four: '4', for: '4',
  five: '5', six: '6', seven: '7', eight: '8', nine: '9', star: '*', pound: '#', hash: '#',
};

/**
 * Digits from typed or spoken input: "4 1 5-55", "four one five". Null when anything else is in it.
 * `*` and `#` are kept only when `keys` is set (DTMF menus).
 */
export function digitsOf(text: string, keys = false): string | null {
  const compact = text.trim().replace(/[\s.\-()]/g, '');
  if (compact !== '' && (keys ? /^[0-9*#]+$/ : /^[0-9]+$/).test(compact)) return compact;
  const words = text.toLowerCase().replace(/[^a-z0-9*#]+/g, ' ').trim().split(' ');
  let out = '';
  for (const word of words) {
    const d = /^[0-9]+$/.test(word) ? word : DIGIT_WORDS[word];
    if (d === undefined || (!keys && (d === '*' || d === '#'))) return null;
    out += d;
  }
  return out === '' ? null : out;
}
