const UNITS: Record<string, number> = {
  zero: 0, oh: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
  twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
};
const SCALES: Record<string, number> = { thousand: 1e3, million: 1e6, billion: 1e9 };

/**
 * A number said in English words, as speech recognition may write it: "twenty five", "two hundred
 * and ten", "minus three point five", "1.5 million". Null when any word is not part of a number.
 */
export function parseNumberWords(text: string): number | null {
  const words = text.toLowerCase().replace(/-/g, ' ').replace(/[^a-z0-9. ]/g, ' ').trim().split(/\s+/).filter((w) => w !== 'and' && w !== 'a');
  if (words.length === 0 || words[0] === '') return null;
  let sign = 1;
  if (words[0] === 'minus' || words[0] === 'negative') {
    sign = -1;
    words.shift();
  }
  let total = 0;
  let group = 0;
  let seen = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === 'point') {
      const decimals = words.slice(i + 1).map((d) => UNITS[d] ?? (/^\d$/.test(d) ? Number(d) : Number.NaN));
      if (!seen || decimals.length === 0 || decimals.some((d) => Number.isNaN(d) || d > 9)) return null;
      return sign * (total + group + Number(`0.${decimals.join('')}`));
    }
    const value = /^\d+(\.\d+)?$/.test(w) ? Number(w) : UNITS[w];
    if (value !== undefined) {
      // "twenty five" and "two hundred ten" add up; "one two" is not a number (digits belong to `digits`).
      const rest = group % 100;
      if (rest !== 0 && !(rest >= 20 && rest % 10 === 0 && value < 10)) return null;
      group += value;
    } else if (w === 'hundred') group = (group || 1) * 100;
    else if (w in SCALES) {
      total += (group || 1) * SCALES[w]!;
      group = 0;
    } else return null;
    seen = true;
  }
  return seen ? sign * (total + group) : null;
}
