import { ExtractionError } from './errors.js';
import { assertPdfDecodesWithinLimits } from './pdf-decode-check.js';
import { layoutPages, type PdfItem } from './pdf-layout.js';
import { runInSandbox, type SandboxFailure } from './sandbox.js';
import type { RawDocument } from './types.js';

interface PdfText { pages: PdfItem[][]; numPages: number; title?: string; language?: string; truncated: boolean }

export interface PdfOptions {
  maxPages: number;
  maxChars: number;
  timeoutMs: number;
  maxDecodedStreamBytes: number;
  maxDecodedBytes: number;
  parserMemoryMb: number;
}

export async function extractPdf(data: Uint8Array, opts: PdfOptions): Promise<RawDocument> {
  if (data.length === 0) throw new ExtractionError('corrupt', 'The PDF file is empty.');
  await assertPdfDecodesWithinLimits(data, { maxStreamBytes: opts.maxDecodedStreamBytes, maxTotalBytes: opts.maxDecodedBytes });
  const reply = await runInSandbox<PdfText>(
    { kind: 'pdf', data, maxPages: opts.maxPages, maxChars: opts.maxChars },
    { timeoutMs: opts.timeoutMs, memoryMb: opts.parserMemoryMb, label: 'PDF' },
  );
  if (!reply.ok) throw pdfFailure(reply, opts.maxPages);
  const { pages, numPages, title, language, truncated } = reply.value;
  const doc: RawDocument = { sections: layoutPages(pages), pageCount: numPages, truncated };
  if (typeof title === 'string' && title.trim()) doc.title = title;
  if (typeof language === 'string' && language.trim()) doc.language = language;
  return doc;
}

function pdfFailure(f: SandboxFailure, maxPages: number): ExtractionError {
  if (f.reason === 'too_many_pages') {
    return new ExtractionError('too_many_pages', `The PDF has ${f.pages} pages; the limit is ${maxPages}.`);
  }
  switch (f.name) {
    case 'PasswordException':
      return new ExtractionError('encrypted', 'The PDF is password-protected; upload an unprotected copy.');
    case 'InvalidPDFException':
      return new ExtractionError('corrupt', 'The file is not a valid PDF or is damaged (invalid PDF structure).');
    default:
      return new ExtractionError('corrupt', `The PDF is damaged and could not be read${f.message ? ` (${f.message})` : ''}.`);
  }
}
