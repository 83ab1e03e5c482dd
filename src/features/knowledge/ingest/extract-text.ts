import type { RawDocument, Section } from './types.js';

const BULLET = /^\s*(?:[-*•◦▪–]|\d{1,3}[.)])\s+/;

/**
 * Plain text: blank lines separate paragraphs, hard-wrapped lines are re-joined, and lines led by
 * bullets or numbers become list items.
 */
export function extractText(text: string): RawDocument {
  const sections: Section[] = [];
  for (const block of text.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/)) {
    let current: Section | undefined;
    for (const line of block.split('\n')) {
      if (!line.trim()) continue;
      if (BULLET.test(line)) {
        sections.push((current = { kind: 'list', text: line.replace(BULLET, '').trim() }));
      } else if (current) {
        current.text += ` ${line.trim()}`;
      } else {
        sections.push((current = { kind: 'paragraph', text: line.trim() }));
      }
    }
  }
  return { sections };
}
