/** Half-open character ranges [start, end) into some string. */
export interface Span { start: number; end: number }

const segmenters = new Map<string, Intl.Segmenter>();

function segmenterFor(language: string | undefined): Intl.Segmenter {
  const key = language ?? 'en';
  let s = segmenters.get(key);
  if (!s) {
    try {
      s = new Intl.Segmenter(key, { granularity: 'sentence' });
    } catch {
      s = new Intl.Segmenter('en', { granularity: 'sentence' });
    }
    segmenters.set(key, s);
  }
  return s;
}

/** Trims whitespace off a span; returns undefined when nothing is left. */
export function trimSpan(text: string, start: number, end: number): Span | undefined {
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return end > start ? { start, end } : undefined;
}

/**
 * Sentence ranges (whitespace-trimmed) using the ICU sentence rules for the language, which also handle
 * "।", "。" and "؟". Line breaks end sentences, so list items and table rows stay separate.
 */
export function sentenceSpans(text: string, language?: string): Span[] {
  const spans: Span[] = [];
  for (const seg of segmenterFor(language).segment(text)) {
    const span = trimSpan(text, seg.index, seg.index + seg.segment.length);
    if (span) spans.push(span);
  }
  return spans;
}

/**
 * Splits a span longer than `max` at whitespace (or, for text without spaces, every `max` characters
 * without splitting a surrogate pair). Shorter spans come back unchanged.
 */
export function splitAtWords(text: string, span: Span, max: number): Span[] {
  const out: Span[] = [];
  let { start } = span;
  while (span.end - start > max) {
    let cut = start + max;
    const window = text.slice(start, cut + 1);
    const space = window.search(/\s\S*$/);
    if (space > 0) cut = start + space;
    else if (/[\uDC00-\uDFFF]/.test(text[cut] ?? '')) cut--;
    const piece = trimSpan(text, start, cut);
    if (piece) out.push(piece);
    start = cut;
    while (start < span.end && /\s/.test(text[start]!)) start++;
  }
  const rest = trimSpan(text, start, span.end);
  if (rest) out.push(rest);
  return out;
}
