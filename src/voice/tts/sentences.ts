/**
 * Splits text into sentences so the first one is synthesized (and heard) while the rest is still
 * being produced. Splits after . ! ? … followed by space, and on line breaks; abbreviations like
 * "Dr." and numbers like "3.5" stay whole. Very long sentences are cut at a comma or space.
 */
const ABBREVIATIONS = new Set(['mr', 'mrs', 'ms', 'dr', 'st', 'vs', 'etc', 'no', 'jr', 'sr', 'prof', 'inc', 'ltd']);
// "Dr." or dotted initials ("p.m.", "e.g."): a period that does not end the sentence.
const isAbbreviation = (word: string): boolean => ABBREVIATIONS.has(word.toLowerCase().replace(/\.$/, '')) || /^([a-z]\.)+$/i.test(word);
const MAX_SENTENCE_CHARS = 300;

export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  let current = '';
  for (const piece of text.split(/(?<=\s)/)) {
    current += piece;
    const word = piece.trim();
    const endsSentence = /[.!?…]["')\]]*$/.test(word) && !isAbbreviation(word);
    if (piece.includes('\n') || (endsSentence && /\s$/.test(piece))) {
      pushSentence(sentences, current);
      current = '';
    }
  }
  pushSentence(sentences, current);
  return sentences;
}

function pushSentence(into: string[], raw: string): void {
  let s = raw.replace(/\s+/g, ' ').trim();
  while (s.length > MAX_SENTENCE_CHARS) {
    const head = s.slice(0, MAX_SENTENCE_CHARS);
    const cut = Math.max(head.lastIndexOf(', '), head.lastIndexOf(' '));
    const at = cut > 0 ? cut + 1 : MAX_SENTENCE_CHARS;
    into.push(s.slice(0, at).trim());
    s = s.slice(at).trim();
  }
  if (s) into.push(s);
}
