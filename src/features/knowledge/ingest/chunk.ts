import { documentText } from './finalize.js';
import { sentenceSpans, splitAtWords, type Span } from './sentences.js';
import type { Chunk, ChunkOptions, ExtractedDocument, Section } from './types.js';

export const CHUNK_DEFAULTS = { maxChars: 1200, overlapChars: 150, minChars: 200 } as const;

/** A sentence, list item, table row or code line, with its position in the document text. */
interface Unit extends Span { page: number | undefined; canOverlap: boolean }

/** A run of sections under one heading path: chunks never cross it and overlap never leaves it. */
interface Group { heading: string | undefined; units: Unit[] }

function unitsOf(section: Section, offset: number, full: string, maxChars: number, language?: string): Unit[] {
  const local = section.text;
  let spans: Span[];
  if (section.kind === 'table_row') spans = [{ start: 0, end: local.length }];
  else if (section.kind === 'code') spans = lineSpans(local);
  else spans = sentenceSpans(local, language);
  const canOverlap = section.kind !== 'table_row';
  return spans
    .map((s) => ({ start: s.start + offset, end: s.end + offset }))
    .flatMap((s) => splitAtWords(full, s, maxChars))
    .map((s) => ({ ...s, page: section.page, canOverlap }));
}

function lineSpans(text: string): Span[] {
  const spans: Span[] = [];
  let start = 0;
  for (const line of text.split('\n')) {
    if (line.trim()) spans.push({ start, end: start + line.trimEnd().length });
    start += line.length + 1;
  }
  return spans;
}

function groupsOf(doc: ExtractedDocument, full: string, maxChars: number, language?: string): Group[] {
  const groups: Group[] = [];
  let offset = 0;
  let group: Group | undefined;
  for (const section of doc.sections) {
    if (section.kind === 'heading' || !group || group.heading !== section.heading) {
      group = { heading: section.heading, units: [] };
      groups.push(group);
    }
    if (section.kind !== 'heading') group.units.push(...unitsOf(section, offset, full, maxChars, language));
    offset += section.text.length + 2;
  }
  return groups.filter((g) => g.units.length > 0);
}

/** Trailing units of a chunk, at most `overlapChars` long, that the next chunk repeats. Never all of it. */
function overlapTail(units: Unit[], overlapChars: number): Unit[] {
  const last = units[units.length - 1]!;
  let i = units.length;
  while (i > 1 && units[i - 1]!.canOverlap && last.end - units[i - 1]!.start <= overlapChars) i--;
  return units.slice(i);
}

function packGroup(group: Group, o: { maxChars: number; overlapChars: number; minChars: number }): Unit[][] {
  const chunks: Unit[][] = [];
  let current: Unit[] = [];
  let fresh = 0; // units in `current` that are not overlap from the previous chunk
  for (const unit of group.units) {
    const first = current[0];
    const pageBreak = first !== undefined && unit.page !== current[current.length - 1]!.page && unit.start - first.start >= o.minChars;
    if (first && fresh > 0 && (unit.end - first.start > o.maxChars || pageBreak)) {
      chunks.push(current);
      current = pageBreak ? [] : overlapTail(current, o.overlapChars);
      while (current.length && unit.end - current[0]!.start > o.maxChars) current.shift();
      fresh = 0;
    }
    current.push(unit);
    fresh++;
  }
  if (fresh > 0) chunks.push(current);
  // Fold a short tail into its predecessor when the two still fit.
  const tail = chunks[chunks.length - 1], prev = chunks[chunks.length - 2];
  const foldable = tail && prev && tail[tail.length - 1]!.page === prev[prev.length - 1]!.page;
  if (foldable && tail[tail.length - 1]!.end - tail[0]!.start < o.minChars && tail[tail.length - 1]!.end - prev[0]!.start <= o.maxChars) {
    chunks.splice(-2, 2, [...prev, ...tail.filter((u) => u.start > prev[prev.length - 1]!.start)]);
  }
  return chunks;
}

/**
 * Splits an extracted document into retrieval chunks. Chunks follow the document's structure: a heading
 * starts a new chunk and its path becomes the chunk's `heading`; chunks end between sentences (a
 * sentence longer than `maxChars` is cut between words); table rows are never split and never repeated;
 * consecutive chunks under the same heading share up to `overlapChars` of whole sentences; a PDF page
 * change starts a new chunk once the current one has `minChars`. `text` is always
 * `documentText(doc).slice(char_start, char_end)`.
 */
export function chunkDocument(doc: ExtractedDocument, opts: ChunkOptions = {}): Chunk[] {
  const o = {
    maxChars: Math.max(50, opts.maxChars ?? CHUNK_DEFAULTS.maxChars),
    overlapChars: Math.max(0, opts.overlapChars ?? CHUNK_DEFAULTS.overlapChars),
    minChars: Math.max(0, opts.minChars ?? CHUNK_DEFAULTS.minChars),
  };
  const language = opts.language ?? doc.language;
  const full = documentText(doc);
  let groups = groupsOf(doc, full, o.maxChars, language);
  if (groups.length === 0) {
    // A document of nothing but headings: index the headings themselves.
    const asText = doc.sections.map((s): Section => ({ ...s, kind: 'paragraph' }));
    groups = groupsOf({ ...doc, sections: asText }, full, o.maxChars, language);
  }
  const chunks: Chunk[] = [];
  for (const group of groups) {
    for (const units of packGroup(group, o)) {
      const start = units[0]!.start, end = units[units.length - 1]!.end;
      const chunk: Chunk = { position: chunks.length, text: full.slice(start, end), char_start: start, char_end: end };
      if (units[0]!.page !== undefined) chunk.page = units[0]!.page;
      if (group.heading) chunk.heading = group.heading;
      chunks.push(chunk);
    }
  }
  return chunks;
}
