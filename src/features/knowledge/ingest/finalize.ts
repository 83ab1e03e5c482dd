import { toStorableText } from '../../../platform/storable-text.js';
import { ExtractionError } from './errors.js';
import type { ExtractedDocument, RawDocument, Section } from './types.js';

export const HEADING_SEPARATOR = ' > ';
const MAX_HEADING_CHARS = 200;

/** Whitespace clean-up shared by all formats; code keeps its indentation. */
export function normalizeText(text: string, kind: Section['kind']): string {
  // Zero-width characters and C0 controls (except tab/newline) only hurt search.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const controls = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
  // NUL becomes a space with the other controls; unpaired surrogates (PostgreSQL cannot store them) U+FFFD.
  const cleaned = toStorableText(text.replace(/\r\n?/g, '\n').replace(/[\u200b-\u200d\u2060\ufeff\u00ad]/g, '').replace(controls, ' '));
  if (kind === 'code') return cleaned.replace(/[ \t]+$/gm, '').replace(/^\n+|\n+$/g, '');
  return cleaned
    .replace(/[ \t\u00a0\u2000-\u200a\u202f\u3000]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Cuts at the last whitespace before `limit` (or at `limit` for text without spaces). */
export function cutAtWord(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const head = text.slice(0, limit + 1);
  const space = head.search(/\s\S*$/);
  return (space > limit / 2 ? text.slice(0, space) : text.slice(0, limit)).trimEnd();
}

/**
 * Normalizes text, drops empty sections, fills every section's heading path, applies `maxChars` and
 * rejects documents with no text at all.
 */
export function finalizeDocument(
  doc: RawDocument,
  opts: { maxChars: number; emptyHint?: string },
): ExtractedDocument {
  const out: Section[] = [];
  const stack: Array<{ level: number; text: string }> = [];
  let total = 0;
  let truncated = doc.truncated ?? false;
  for (const raw of doc.sections) {
    let kind = raw.kind;
    let text = normalizeText(raw.text, kind);
    if (!text) continue;
    if (kind === 'heading' && text.length > MAX_HEADING_CHARS) kind = 'paragraph';
    if (total + text.length > opts.maxChars) {
      text = cutAtWord(text, opts.maxChars - total);
      truncated = true;
      if (!text || kind === 'heading') break;
    }
    const section: Section = { text, kind };
    if (raw.page !== undefined) section.page = raw.page;
    if (kind === 'heading') {
      const level = Math.min(6, Math.max(1, raw.level ?? 1));
      while (stack.length && stack[stack.length - 1]!.level >= level) stack.pop();
      stack.push({ level, text: text.replace(/\s+/g, ' ') });
      section.level = level;
    }
    if (stack.length) section.heading = stack.map((h) => h.text).join(HEADING_SEPARATOR);
    out.push(section);
    total += text.length;
    if (truncated) break;
  }
  if (!out.some((s) => /\S/.test(s.text))) {
    throw new ExtractionError('empty', `No text could be extracted from this document${opts.emptyHint ? ` (${opts.emptyHint})` : ''}.`);
  }
  const result: ExtractedDocument = { sections: out };
  const title = (doc.title ? normalizeText(doc.title, 'heading').replace(/\s+/g, ' ') : undefined) || out.find((s) => s.kind === 'heading')?.text;
  if (title) result.title = title;
  if (doc.language) result.language = doc.language;
  if (doc.pageCount !== undefined) result.pageCount = doc.pageCount;
  if (truncated) result.truncated = true;
  return result;
}

/** The document's full text: sections joined by blank lines. Chunk offsets point into this string. */
export function documentText(doc: ExtractedDocument): string {
  return doc.sections.map((s) => s.text).join('\n\n');
}
