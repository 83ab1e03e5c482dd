import type { RawDocument, Section, SectionKind } from './types.js';

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const ATX = /^ {0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$/;
const LIST_ITEM = /^(\s*)(?:[-*+]|\d{1,9}[.)])\s+(.*)$/;
const TABLE_SEPARATOR = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;
const RULE = /^ {0,3}([-*_])(\s*\1){2,}\s*$/;

/** Inline Markdown to plain text; link targets are kept in parentheses (useful context for an LLM). */
export function stripInlineMarkdown(text: string): string {
  return text
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g, (_, label: string, url: string) => (label === url ? url : `${label} (${url})`))
    .replace(/<((?:https?|mailto):[^>\s]+)>/g, '$1')
    .replace(/<\/?[a-z][^>]*>/gi, '')
    .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, '$2')
    .replace(/(^|[^\p{L}\p{N}*_])([*_])(?=\S)([\s\S]*?\S)\2(?![\p{L}\p{N}])/gu, '$1$3')
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\\([\\`*_{}[\]()#+\-.!|>~])/g, '$1');
}

const cells = (line: string) => line.trim().replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/).map((c) => stripInlineMarkdown(c.trim()));

function frontMatter(lines: string[]): { end: number; title?: string; language?: string } {
  if (lines[0]?.trim() !== '---') return { end: 0 };
  const close = lines.findIndex((l, i) => i > 0 && /^(---|\.\.\.)\s*$/.test(l));
  if (close < 0) return { end: 0 };
  const meta: { end: number; title?: string; language?: string } = { end: close + 1 };
  for (const line of lines.slice(1, close)) {
    const m = /^(title|lang|language)\s*:\s*["']?(.*?)["']?\s*$/i.exec(line);
    if (!m?.[2]) continue;
    if (m[1]!.toLowerCase() === 'title') meta.title = m[2];
    else meta.language = m[2];
  }
  return meta;
}

/** Headings (ATX and setext), paragraphs, list items, fenced code and pipe tables. */
export function extractMarkdown(markdown: string): RawDocument {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const meta = frontMatter(lines);
  const sections: Section[] = [];
  let buffer: string[] = [];
  let kind: SectionKind = 'paragraph';
  const flush = () => {
    if (buffer.length) sections.push({ kind, text: stripInlineMarkdown(buffer.join(' ')) });
    buffer = [];
    kind = 'paragraph';
  };
  for (let i = meta.end; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = FENCE.exec(line);
    if (fence) {
      flush();
      const close = new RegExp(`^ {0,3}${fence[1]![0] === '`' ? '`' : '~'}{${fence[1]!.length},}\\s*$`);
      const code: string[] = [];
      while (++i < lines.length && !close.test(lines[i]!)) code.push(lines[i]!);
      sections.push({ kind: 'code', text: code.join('\n') });
      continue;
    }
    const atx = ATX.exec(line);
    if (atx) {
      flush();
      sections.push({ kind: 'heading', level: atx[1]!.length, text: stripInlineMarkdown(atx[2] ?? '') });
      continue;
    }
    if (kind === 'paragraph' && buffer.length && /^ {0,3}(=+|-+)\s*$/.test(line)) {
      sections.push({ kind: 'heading', level: line.trim()[0] === '=' ? 1 : 2, text: stripInlineMarkdown(buffer.join(' ')) });
      buffer = [];
      continue;
    }
    if (RULE.test(line) || !line.trim()) { flush(); continue; }
    if (line.includes('|') && TABLE_SEPARATOR.test(lines[i + 1] ?? '')) {
      flush();
      const header = cells(line);
      for (i += 2; i < lines.length && lines[i]!.includes('|') && lines[i]!.trim(); i++) {
        const row = cells(lines[i]!).map((v, c) => (v && header[c] ? `${header[c]}: ${v}` : v)).filter(Boolean);
        if (row.length) sections.push({ kind: 'table_row', text: row.join('; ') });
      }
      i--;
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      flush();
      kind = 'list';
      buffer.push(item[2]!);
      continue;
    }
    buffer.push(line.replace(/^\s*(>\s?)+/, '').trim());
  }
  flush();
  const doc: RawDocument = { sections };
  if (meta.title) doc.title = meta.title;
  if (meta.language) doc.language = meta.language;
  return doc;
}
