import { sentenceSpans } from './sentences.js';

const TERMINAL = /[.!?…。！？।॥؟]["'”’)\]]*$/;
const ENTITIES: Record<string, string> = { amp: '&', nbsp: ' ', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'" };
const BULLET = /^\s*(?:[-*+•◦▪‣–]|\d{1,3}[.)])\s+/;
const TABLE_RULE = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;

/** Ends a line that stands alone (heading, list item, table row, paragraph) with a period so TTS pauses. */
const endSentence = (line: string) => (line && !TERMINAL.test(line) ? `${line.replace(/[,;:\-–—]+$/, '')}.` : line);

/** Code that reached us as plain text (a chunk of a code block): shell prompts or symbol-dense lines. */
function looksLikeCode(line: string): boolean {
  const t = line.trim();
  if (/^(\$ |>>> |#!|\/\/ |<\?|import |export |const |let |var |def |function |return\b)/.test(t)) return true;
  if (/[{}]$/.test(t) || /=>|===|!==|\(\)|::|&&|\|\|/.test(t)) return true;
  const symbols = t.replace(/[^{}[\]<>=;\\^~`]/g, '').length;
  return t.length >= 8 && symbols / t.length > 0.1;
}

function cleanLine(raw: string): { text: string; standalone: boolean } {
  let line = raw;
  let standalone = false;
  if (/^\s*#{1,6}\s/.test(line)) { line = line.replace(/^\s*#{1,6}\s+/, '').replace(/\s+#+\s*$/, ''); standalone = true; }
  if (BULLET.test(line)) { line = line.replace(BULLET, ''); standalone = true; }
  line = line.replace(/^\s*(>\s?)+/, '');
  if (line.includes('|')) {
    line = line.split('|').map((c) => c.trim()).filter(Boolean).join(', ');
    standalone = true;
  }
  return { text: line, standalone };
}

/** Removes everything a voice should not read: markup, code, links, addresses, symbols. */
function stripForSpeech(input: string): string {
  const text = input
    .replace(/\r\n?/g, '\n')
    .replace(/^---\n[\s\S]*?\n(---|\.\.\.)\s*(\n|$)/, '')
    .replace(/(^|\n)\s*(```|~~~)[\s\S]*?(\n\s*\2[^\n]*|$)/g, '\n\n')
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<\/(p|div|li|h[1-6]|tr|br)>|<br\s*\/?>/gi, '\n\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(#39|[a-z]+);/gi, (m, e: string) => ENTITIES[e.toLowerCase()] ?? m)
    .replace(/!\[[^\]]*\]\([^)]*\)/g, ' ')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1');
  const paragraphs = text.split(/\n\s*\n/).map((para) => {
    const lines = para.split('\n').filter((l) => l.trim() && !TABLE_RULE.test(l) && !looksLikeCode(l)).map(cleanLine);
    return lines.map((l, i) => (l.standalone || i === lines.length - 1 ? endSentence(l.text.trim()) : l.text.trim())).join(' ');
  });
  return paragraphs
    .join(' ')
    .replace(/\b(?:https?:\/\/|ftp:\/\/|www\.)[^\s)]*[^\s).,!?;:]/gi, ' ')
    .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, ' ')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/(\*\*|__|~~)/g, '')
    .replace(/(^|\s)[*_]+|[*_]+(?=\s|[.,!?;:]|$)/g, '$1')
    .replace(/[#|<>{}[\]\\^~]+|={2,}|-{3,}|_{2,}/g, ' ')
    .replace(/\(\s*\)/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/\s+([.,!?;:])/g, '$1')
    .replace(/([,;:])\s*\./g, '.')
    .replace(/\.(\s*\.)+/g, '.')
    .replace(/^[\s.,;:]+/, '')
    .trim();
}

/**
 * Shapes text for text-to-speech in voice mode: plain words only, trimmed to whole sentences that fit in
 * `maxChars`. If even the first sentence is too long it is cut at a word boundary and ends with a period.
 *
 * @example toSpeakable('## Refunds\n- Within **30 days**, see https://x.io') // 'Refunds. Within 30 days, see.'
 */
export function toSpeakable(text: string, maxChars = 300): string {
  const plain = stripForSpeech(text);
  if (plain.length <= maxChars) return plain;
  let end = 0;
  for (const s of sentenceSpans(plain)) {
    if (s.end > maxChars) break;
    end = s.end;
  }
  if (end > 0) return plain.slice(0, end).trim();
  const head = plain.slice(0, maxChars);
  const space = head.lastIndexOf(' ');
  const words = (space > 0 ? head.slice(0, space) : head).replace(/[\s,;:\-–—(]+$/, '');
  return endSentence(words.length < maxChars ? words : words.slice(0, maxChars - 1));
}
