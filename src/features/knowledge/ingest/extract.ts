import { decodeText } from './decode-text.js';
import { extractCsv } from './extract-csv.js';
import { extractDocx } from './extract-docx.js';
import { extractHtml } from './extract-html.js';
import { extractMarkdown } from './extract-markdown.js';
import { extractPdf } from './extract-pdf.js';
import { extractText } from './extract-text.js';
import { finalizeDocument } from './finalize.js';
import { canonicalLanguage } from './language.js';
import type { DocumentType, ExtractedDocument, ExtractOptions, RawDocument } from './types.js';

export const EXTRACT_DEFAULTS = {
  maxPages: 1000,
  maxChars: 5_000_000,
  timeoutMs: 60_000,
  maxUncompressedBytes: 100 * 1024 * 1024,
  maxDecodedStreamBytes: 64 * 1024 * 1024,
  maxDecodedBytes: 256 * 1024 * 1024,
  parserMemoryMb: 1024,
} as const satisfies Required<ExtractOptions>;

const EMPTY_HINTS: Partial<Record<DocumentType, string>> = {
  pdf: 'it may be a scanned image; text recognition (OCR) is not supported',
  csv: 'it has no data rows',
};

/**
 * Reads a document into structured sections. PDF and DOCX are first decoded with a cap on the bytes
 * they decompress to, then parsed in a child process with a memory cap and a deadline; text formats are
 * parsed in-process.
 *
 * @throws ExtractionError with a message fit to show the uploader.
 * @example const doc = await extractDocument(bytes, detectType(bytes, 'faq.pdf', 'application/pdf'));
 */
export async function extractDocument(input: Uint8Array | string, type: DocumentType, opts: ExtractOptions = {}): Promise<ExtractedDocument> {
  const o = { ...EXTRACT_DEFAULTS, ...definedOnly(opts) };
  const bytes = () => (typeof input === 'string' ? Buffer.from(input, 'utf8') : input);
  // Plain and Markdown text beyond twice the budget can never survive finalization: don't parse it.
  let cut = false;
  const capped = () => {
    const text = decodeText(input);
    cut = text.length > o.maxChars * 2;
    return cut ? text.slice(0, o.maxChars * 2) : text;
  };
  let raw: RawDocument;
  switch (type) {
    case 'pdf': raw = await extractPdf(bytes(), o); break;
    case 'docx': raw = await extractDocx(bytes(), o); break;
    case 'html': raw = extractHtml(decodeText(input)); break;
    case 'markdown': raw = extractMarkdown(capped()); break;
    case 'csv': raw = extractCsv(decodeText(input), o); break;
    case 'txt': raw = extractText(capped()); break;
  }
  if (cut) raw.truncated = true;
  const language = canonicalLanguage(raw.language);
  const hint = EMPTY_HINTS[type];
  return finalizeDocument({ ...raw, language }, { maxChars: o.maxChars, ...(hint ? { emptyHint: hint } : {}) });
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
