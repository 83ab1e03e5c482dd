import { describe, expect, it } from 'vitest';
import { splitSentences } from './sentences.js';

describe('splitSentences', () => {
  it('splits after sentence punctuation and line breaks', () => {
    expect(splitSentences('Hello there. How can I help? Tell me!\nThanks')).toEqual(['Hello there.', 'How can I help?', 'Tell me!', 'Thanks']);
  });

  it('keeps abbreviations and decimals inside a sentence', () => {
    expect(splitSentences('Dr. Smith sees you at 3.5 p.m. today. Bye.')).toEqual(['Dr. Smith sees you at 3.5 p.m. today.', 'Bye.']);
  });

  it('cuts a run-on sentence at a space, never losing words', () => {
    const long = Array.from({ length: 120 }, (_, i) => `word${i}`).join(' ');
    const parts = splitSentences(long);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => p.length <= 300)).toBe(true);
    expect(parts.join(' ')).toBe(long);
  });

  it('gives nothing for blank text', () => {
    expect(splitSentences('  \n ')).toEqual([]);
  });
});
