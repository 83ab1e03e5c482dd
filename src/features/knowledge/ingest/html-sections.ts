import type { Section, SectionKind } from './types.js';

/** The slice of the DOM we use; linkedom nodes satisfy it (the project has no DOM lib types). */
export interface DomNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
  getAttribute?(name: string): string | null;
}

const SKIP = new Set([
  'script', 'style', 'noscript', 'template', 'svg', 'canvas', 'iframe', 'object', 'embed', 'nav', 'button',
  'select', 'input', 'textarea', 'head', 'title', 'meta', 'link', 'img', 'picture', 'video', 'audio', 'map',
]);
const BLOCK = new Set([
  'p', 'div', 'section', 'article', 'main', 'header', 'footer', 'aside', 'blockquote', 'ul', 'ol', 'dl', 'dt', 'dd',
  'figure', 'figcaption', 'address', 'hr', 'form', 'fieldset', 'details', 'summary', 'caption', 'body', 'html',
  'center', 'li', 'pre', 'table', 'tr', 'td', 'th', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
]);
const HEADING = /^h([1-6])$/;
/** Set before Readability runs, which demotes every h1 to h2; the walker prefers it to the tag. */
export const LEVEL_ATTRIBUTE = 'data-heading-level';

const tagOf = (n: DomNode) => n.nodeName.toLowerCase();
const children = (n: DomNode) => Array.from(n.childNodes);
const isElement = (n: DomNode) => n.nodeType === 1;

/** Text of a subtree with spaces between block elements (textContent glues "<p>a</p><p>b</p>" into "ab"). */
export function plainText(node: DomNode): string {
  if (node.nodeType === 3) return node.textContent ?? '';
  if (!isElement(node) && node.nodeType !== 9 && node.nodeType !== 11) return '';
  const tag = tagOf(node);
  if (SKIP.has(tag)) return '';
  if (tag === 'br') return '\n';
  const inner = children(node).map(plainText).join('');
  return BLOCK.has(tag) ? ` ${inner} ` : inner;
}

const clean = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Table rows as "header: value; header: value" so every row stands alone in a chunk. */
function tableRows(table: DomNode): string[] {
  const rows: DomNode[] = [];
  const collect = (n: DomNode) => {
    for (const c of children(n)) {
      if (!isElement(c)) continue;
      const tag = tagOf(c);
      if (tag === 'tr') rows.push(c);
      else if (tag === 'thead' || tag === 'tbody' || tag === 'tfoot') collect(c);
    }
  };
  collect(table);
  const cells = rows.map((r) => children(r).filter((c) => isElement(c) && /^t[dh]$/.test(tagOf(c))));
  const texts = cells.map((row) => row.map((c) => clean(plainText(c))));
  const firstIsHeader = cells[0]?.some((c) => tagOf(c) === 'th') || (!cells.flat().some((c) => tagOf(c) === 'th') && rows.length >= 2);
  const header = firstIsHeader ? texts.shift() ?? [] : [];
  return texts
    .map((row) => row.map((value, i) => (value && header[i] ? `${header[i]}: ${value}` : value)).filter(Boolean).join('; '))
    .filter((row) => row.length > 0);
}

/** Walks an HTML tree into sections: headings, paragraphs, list items, table rows and code blocks. */
export function sectionsFromDom(root: DomNode): Section[] {
  const sections: Section[] = [];
  let buffer = '';
  const context: SectionKind[] = ['paragraph'];
  const flush = () => {
    if (buffer.trim()) sections.push({ kind: context[context.length - 1]!, text: buffer });
    buffer = '';
  };
  const walk = (node: DomNode): void => {
    // Source line breaks mean nothing in HTML; only <br> does.
    if (node.nodeType === 3) { buffer += (node.textContent ?? '').replace(/\s+/g, ' '); return; }
    if (!isElement(node) && node.nodeType !== 9 && node.nodeType !== 11) return;
    const tag = tagOf(node);
    if (SKIP.has(tag)) return;
    if (tag === 'br') { buffer += '\n'; return; }
    const heading = HEADING.exec(tag);
    if (heading) {
      flush();
      const original = Number(node.getAttribute?.(LEVEL_ATTRIBUTE));
      sections.push({ kind: 'heading', text: clean(plainText(node)), level: original || Number(heading[1]) });
    } else if (tag === 'pre') {
      flush();
      sections.push({ kind: 'code', text: node.textContent ?? '' });
    } else if (tag === 'table') {
      flush();
      for (const text of tableRows(node)) sections.push({ kind: 'table_row', text });
    } else if (tag === 'li') {
      flush();
      context.push('list');
      children(node).forEach(walk);
      flush();
      context.pop();
    } else if (BLOCK.has(tag)) {
      flush();
      children(node).forEach(walk);
      flush();
    } else {
      children(node).forEach(walk);
    }
  };
  walk(root);
  flush();
  return sections;
}
