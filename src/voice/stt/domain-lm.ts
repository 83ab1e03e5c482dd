import { phraseWords } from './grammar.js';

/**
 * A small bigram language model (ARPA text) for free speech, built from the agent's own texts: its
 * prompt, greeting, flow prompts and assigned knowledge. The stock 130k-word model spreads its
 * probability over everything English; this one only over what this agent's callers plausibly say,
 * plus a base of everyday answers. Absolute discounting (D = 0.5) with back-off to unigrams.
 */
const BASE_CORPUS = [
  'yes', 'no', 'yeah', 'okay', 'thank you', 'thanks', 'goodbye', 'bye', 'hello', 'hi', 'please', 'sorry',
  'i want to', 'i need to', 'i would like to', 'can you', 'can i', 'what is', 'how do i', 'i have a question about',
  'my name is', 'my number is', 'talk to a person', 'speak to someone', 'that is all', 'not now',
  'zero one two three four five six seven eight nine ten',
];
const DISCOUNT = 0.5;
const MAX_WORDS = 200_000; // bounds the work on a large knowledge base
const log10 = (p: number): string => Math.log10(p).toFixed(4);

/** Sentences as lists of known words; an unknown word splits a sentence (no bigram spans it). */
function sentencesOf(texts: readonly string[], isKnown: (word: string) => boolean): string[][] {
  const out: string[][] = [];
  let budget = MAX_WORDS;
  for (const text of [...BASE_CORPUS, ...texts]) {
    for (const sentence of text.split(/[.!?\n]+/)) {
      let run: string[] = [];
      for (const token of sentence.split(/[\s,;:()"]+/)) {
        const word = phraseWords(token)?.join(' ');
        if (word && !word.includes(' ') && isKnown(word)) run.push(word);
        else if (run.length) {
          out.push(run);
          run = [];
        }
        if (--budget <= 0) break;
      }
      if (run.length) out.push(run);
      if (budget <= 0) return out;
    }
  }
  return out;
}

export function buildDomainLm(texts: readonly string[], isKnown: (word: string) => boolean): string {
  const unigrams = new Map<string, number>();
  const bigrams = new Map<string, Map<string, number>>();
  for (const words of sentencesOf(texts, isKnown)) {
    const seq = ['<s>', ...words, '</s>'];
    for (let i = 0; i < seq.length; i++) {
      unigrams.set(seq[i]!, (unigrams.get(seq[i]!) ?? 0) + 1);
      if (i === 0) continue;
      const next = bigrams.get(seq[i - 1]!) ?? new Map<string, number>();
      next.set(seq[i]!, (next.get(seq[i]!) ?? 0) + 1);
      bigrams.set(seq[i - 1]!, next);
    }
  }
  const total = [...unigrams].reduce((n, [w, c]) => (w === '<s>' ? n : n + c), 0);
  const p1 = (w: string): number => (unigrams.get(w) ?? 0) / total;
  const uniLines: string[] = [];
  const biLines: string[] = [];
  for (const [word] of unigrams) {
    const follow = bigrams.get(word);
    let backoff = '';
    if (follow) {
      const seen = [...follow.values()].reduce((a, b) => a + b, 0);
      let seenUnigramMass = 0;
      for (const [next, c] of follow) {
        biLines.push(`${log10((c - DISCOUNT) / seen)} ${word} ${next}`);
        seenUnigramMass += p1(next);
      }
      const leftover = (DISCOUNT * follow.size) / seen;
      backoff = ` ${log10(leftover / Math.max(1e-6, 1 - seenUnigramMass))}`;
    }
    uniLines.push(`${word === '<s>' ? '-99' : log10(p1(word))} ${word}${backoff}`);
  }
  return ['\\data\\', `ngram 1=${uniLines.length}`, `ngram 2=${biLines.length}`, '', '\\1-grams:', ...uniLines, '', '\\2-grams:', ...biLines, '', '\\end\\', ''].join('\n');
}
