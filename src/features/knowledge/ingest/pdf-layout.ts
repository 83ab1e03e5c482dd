import type { Section } from './types.js';

/** A pdfjs text item as the sandbox sends it: [text, x, y, width, height (≈ font size), endsLine]. */
export type PdfItem = [string, number, number, number, number, number];

interface Line { text: string; x: number; y: number; size: number }

const BULLET = /^(?:[•◦▪▫‣⁃●○■□–\-*]|\d{1,3}[.)]|[a-z][.)])\s+/i;
const PAGE_NUMBER = /^(?:page\s*)?\d{1,4}(?:\s*(?:of|\/)\s*\d{1,4})?$/i;

/** Groups text items into visual lines, adding spaces where glyph runs are visibly apart. */
export function buildLines(items: PdfItem[]): Line[] {
  const lines: Line[] = [];
  let line: Line | undefined;
  let prevEnd = 0;
  let breakNext = false;
  for (const [str, x, y, width, height, eol] of items) {
    const size = height > 0 ? height : (line?.size ?? 10);
    if (str.length > 0) {
      const sameLine = line && !breakNext && Math.abs(y - line.y) <= 0.4 * Math.max(size, line.size);
      if (!line || !sameLine) {
        line = { text: str, x, y, size: /\S/.test(str) ? size : 0 };
        lines.push(line);
      } else {
        const gap = x - prevEnd;
        if (gap > 0.2 * size && !/\s$/.test(line.text) && !/^\s/.test(str)) line.text += ' ';
        line.text += str;
        if (/\S/.test(str)) line.size = Math.max(line.size, size);
      }
      prevEnd = x + width;
      breakNext = false;
    }
    if (eol) breakNext = true;
  }
  return lines.map((l) => ({ ...l, text: l.text.replace(/\s+/g, ' ').trim() })).filter((l) => l.text.length > 0);
}

/** The font size most characters are set in. */
function bodySize(pages: Line[][]): number {
  const weight = new Map<number, number>();
  for (const l of pages.flat()) {
    const key = Math.round(l.size * 2) / 2;
    weight.set(key, (weight.get(key) ?? 0) + l.text.length);
  }
  let best = 10, bestWeight = -1;
  for (const [size, w] of weight) if (w > bestWeight) [best, bestWeight] = [size, w];
  return best;
}

function median(values: number[]): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const isHeadingLine = (l: Line, body: number) =>
  l.size >= body * 1.2 && l.text.length <= 150 && /\p{L}/u.test(l.text) && !/[.,;:]$/.test(l.text);

/** Joins wrapped lines, undoing end-of-line hyphenation ("infor-" + "mation"). */
function joinLines(a: string, b: string): string {
  if (/\p{L}-$/u.test(a) && /^\p{Ll}/u.test(b)) return a.slice(0, -1) + b;
  return `${a} ${b}`;
}

/**
 * Rebuilds headings, paragraphs and list items from positioned text: larger-than-body lines become
 * headings (levels by size), a vertical gap well above the usual line spacing starts a paragraph, and
 * bullet-led lines start list items. Lone page numbers are dropped.
 */
export function layoutPages(pages: PdfItem[][]): Section[] {
  const linesByPage = pages.map(buildLines).map((ls) => ls.filter((l) => !PAGE_NUMBER.test(l.text)));
  const body = bodySize(linesByPage);
  const headingSizes = [...new Set(linesByPage.flat().filter((l) => isHeadingLine(l, body)).map((l) => Math.round(l.size)))].sort((a, b) => b - a);
  const gaps: number[] = [];
  for (const ls of linesByPage) {
    for (let i = 1; i < ls.length; i++) {
      const gap = ls[i - 1]!.y - ls[i]!.y;
      if (gap > 0 && Math.abs(ls[i]!.size - body) < 0.5 && Math.abs(ls[i - 1]!.size - body) < 0.5) gaps.push(gap);
    }
  }
  const spacing = median(gaps) ?? body * 1.2;

  const sections: Section[] = [];
  linesByPage.forEach((lines, index) => {
    const page = index + 1;
    let current: Section | undefined;
    let prev: Line | undefined;
    for (const line of lines) {
      const heading = isHeadingLine(line, body);
      const gap = prev ? prev.y - line.y : 0;
      const continues = current && prev && gap > 0 && gap <= spacing * 1.5 && Math.abs(prev.size - line.size) < 0.5;
      if (heading) {
        if (current?.kind === 'heading' && continues) current.text = `${current.text} ${line.text}`;
        else sections.push((current = { kind: 'heading', text: line.text, page, level: headingSizes.indexOf(Math.round(line.size)) + 1 }));
      } else if (BULLET.test(line.text)) {
        sections.push((current = { kind: 'list', text: line.text.replace(BULLET, ''), page }));
      } else if (current && current.kind !== 'heading' && continues && Math.abs(line.x - prev!.x) < body * 4) {
        current.text = joinLines(current.text, line.text);
      } else {
        sections.push((current = { kind: 'paragraph', text: line.text, page }));
      }
      prev = line;
    }
  });
  return sections;
}
