import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { LEVEL_ATTRIBUTE, sectionsFromDom, type DomNode } from './html-sections.js';
import type { RawDocument } from './types.js';

interface HtmlDocument extends DomNode {
  documentElement: (DomNode & { getAttribute(name: string): string | null }) | null;
  body: DomNode | null;
  querySelector(selector: string): DomNode | null;
  querySelectorAll(selector: string): ArrayLike<DomNode & { remove(): void; setAttribute(name: string, value: string): void }>;
}

/** Chrome around the content: never knowledge, often repeated on every page of a site. */
const NOISE = [
  'script', 'style', 'noscript', 'template', 'iframe', 'svg', 'nav', 'footer', 'aside', 'form',
  '[role=navigation]', '[role=contentinfo]', '[role=complementary]', '[aria-hidden=true]', '[hidden]',
].join(',');

/** Readability's article is used unless it kept less than this share of the page's text. */
const MIN_ARTICLE_SHARE = 0.4;

const load = (html: string) => parseHTML(html).document as unknown as HtmlDocument;
const textLength = (sections: { text: string }[]) => sections.reduce((n, s) => n + s.text.replace(/\s+/g, '').length, 0);

function stripNoise(doc: HtmlDocument): void {
  for (const el of Array.from(doc.querySelectorAll(NOISE))) el.remove();
}

/**
 * Extracts the main content of a web page. Readability picks the article; when it finds none, or drops
 * most of the page (FAQ and docs pages with many sibling blocks), the whole de-noised body is used.
 */
export function extractHtml(html: string): RawDocument {
  const page = load(html);
  const language = page.documentElement?.getAttribute('lang')?.trim() || undefined;
  const titleTag = page.querySelector('title')?.textContent?.trim() || undefined;
  stripNoise(page);
  const bodySections = sectionsFromDom(page.body ?? page);

  let article: ReturnType<Readability['parse']> = null;
  try {
    const forReadability = load(html);
    stripNoise(forReadability);
    for (const h of Array.from(forReadability.querySelectorAll('h1,h2,h3,h4,h5,h6'))) {
      h.setAttribute(LEVEL_ATTRIBUTE, h.nodeName.slice(1));
    }
    article = new Readability(forReadability as never, { charThreshold: 200 }).parse();
  } catch {
    // Readability is a heuristic; the body walk below is the fallback.
  }
  const articleSections = article?.content ? sectionsFromDom(load(`<!doctype html><html><body>${article.content}</body></html>`).body!) : [];
  const useArticle = textLength(articleSections) >= MIN_ARTICLE_SHARE * textLength(bodySections) && articleSections.length > 0;

  const doc: RawDocument = { sections: useArticle ? articleSections : bodySections };
  const title = article?.title?.trim() || titleTag;
  if (title) doc.title = title;
  if (language) doc.language = language;
  return doc;
}
