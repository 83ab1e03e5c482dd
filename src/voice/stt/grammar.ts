import type { RecognitionGrammar } from './types.js';

/**
 * JSGF grammars from what the prompt expects: recognition constrained to the answers that make sense,
 * the way IVR systems do it, is what makes a small acoustic model usable (docs/voice.md has the
 * numbers). Every alternative is kept only if all its words are in the pronunciation dictionary
 * (`isKnown`): an unknown word would make the decoder reject the whole grammar. `null` means the
 * input cannot be constrained (free speech, email): the caller uses a language model instead.
 */
const DIGITS = ['zero', 'oh', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const UNITS = DIGITS.slice(2);
const TEENS = ['ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const YES = ['yes', 'yeah', 'yep', 'sure', 'correct', 'right', 'that is right', 'of course', 'absolutely'];
const NO = ['no', 'nope', 'not really', 'no thanks', 'negative', 'wrong'];
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh', 'twelfth', 'thirteenth', 'fourteenth', 'fifteenth', 'sixteenth', 'seventeenth', 'eighteenth', 'nineteenth', 'twentieth', 'twenty first', 'twenty second', 'twenty third', 'twenty fourth', 'twenty fifth', 'twenty sixth', 'twenty seventh', 'twenty eighth', 'twenty ninth', 'thirtieth', 'thirty first'];
const KEY_WORDS: Record<string, string[]> = { '*': ['star'], '#': ['pound', 'hash'], ...Object.fromEntries(UNITS.map((w, i) => [String(i + 1), [w]])), '0': ['zero', 'oh'] };
const CARRIER = ['i want', 'i want to', 'i need', 'i need to', 'i would like', 'i would like to', 'i want to talk to', 'talk to', 'speak to'];
const MAX_DIGITS = 20;

/** Lower-case words of a phrase, or null if it has anything a grammar cannot say (digits, symbols). */
export function phraseWords(phrase: string): string[] | null {
  const words = phrase.toLowerCase().replace(/[_\-/]+/g, ' ').replace(/[.,!?;:"()]/g, ' ').split(/\s+/).filter(Boolean);
  return words.length > 0 && words.every((w) => /^[a-z']+$/.test(w)) ? words : null;
}

/** Every word a grammar may use (to look up in the dictionary before building it). */
export function grammarWords(grammar: RecognitionGrammar): string[] {
  const phrases = [...DIGITS, ...TEENS, ...TENS, ...YES, ...NO, ...MONTHS, ...WEEKDAYS, ...ORDINALS, ...CARRIER, 'hundred thousand and minus point plus please thanks thank you today tomorrow yesterday next the of press star pound hash'];
  if (grammar.kind === 'choices') for (const c of grammar.choices) phrases.push(c.label, ...c.examples);
  return [...new Set(phrases.flatMap((p) => phraseWords(p) ?? []))];
}

export function grammarToJsgf(grammar: RecognitionGrammar, isKnown: (word: string) => boolean): string | null {
  const alt = (phrases: readonly string[]): string => {
    const kept = phrases.map(phraseWords).filter((w): w is string[] => w !== null && w.every(isKnown));
    return kept.length ? `(${kept.map((w) => w.join(' ')).join(' | ')})` : '<VOID>';
  };
  const rules: Record<string, string> = { digit: alt(DIGITS) };
  let main: string;
  switch (grammar.kind) {
    case 'free':
    case 'email':
      return null;
    case 'yes_no':
      rules.yes = alt(YES);
      rules.no = alt(NO);
      main = `(<yes> | <no>) [${alt(['please', 'thanks', 'thank you'])}]`;
      break;
    case 'digits': {
      const min = Math.max(1, Math.min(grammar.min ?? 1, MAX_DIGITS));
      const max = grammar.max === undefined ? null : Math.max(min, Math.min(grammar.max, MAX_DIGITS));
      main = [...Array<string>(min).fill('<digit>'), ...(max === null ? ['<digit>*'] : Array<string>(max - min).fill('[<digit>]'))].join(' ');
      break;
    }
    case 'phone':
      main = `[plus] <digit> <digit> <digit> <digit>*`;
      break;
    case 'number':
      rules.unit = alt(UNITS);
      rules.under100 = `<unit> | ${alt(TEENS)} | ${alt(TENS)} [<unit>]`;
      rules.under1000 = `<under100> | <unit> hundred [[and] <under100>]`;
      main = `zero | [minus] <under1000> [thousand [[and] <under1000>]] [point <digit>+]`;
      break;
    case 'date':
      rules.ordinal = alt(ORDINALS);
      rules.month = alt(MONTHS);
      main = `${alt(['today', 'tomorrow', 'yesterday'])} | [next] ${alt(WEEKDAYS)} | <month> [the] <ordinal> | [the] <ordinal> [of <month>]`;
      break;
    case 'choices': {
      const phrases = grammar.choices.flatMap((c) => [c.label, ...c.examples]);
      rules.choice = alt(phrases);
      main = `[${alt(CARRIER)}] [the] <choice> [please]`;
      break;
    }
    case 'dtmf':
      main = `[press] ${alt(grammar.keys.flatMap((k) => KEY_WORDS[k] ?? []))}`;
      break;
  }
  const body = Object.entries(rules).map(([name, rule]) => `<${name}> = ${rule};`);
  return ['#JSGF V1.0;', 'grammar converse;', `public <utterance> = ${main};`, ...body, ''].join('\n');
}

/**
 * Free speech as a loop over a vocabulary (the words of the agent's prompt, flow and knowledge): far
 * cheaper to load than a language model (pocketsphinx builds an n-gram search over its whole
 * 130k-word dictionary: tens of seconds on a loaded machine), at the cost of word order knowledge.
 */
export function wordLoopJsgf(words: readonly string[]): string | null {
  const kept = [...new Set(words.filter((w) => /^[a-z']+$/.test(w)))];
  if (kept.length === 0) return null;
  return ['#JSGF V1.0;', 'grammar converse;', 'public <utterance> = <word>+;', `<word> = (${kept.join(' | ')});`, ''].join('\n');
}
