import { looksBinary } from './decode-text.js';
import { UnsupportedTypeError } from './errors.js';
import type { DocumentType } from './types.js';
import { isZip, listZipEntries } from './zip-inspect.js';

const BY_EXTENSION: Record<string, DocumentType> = {
  pdf: 'pdf', docx: 'docx', txt: 'txt', text: 'txt', md: 'markdown', markdown: 'markdown', mdown: 'markdown',
  mkd: 'markdown', csv: 'csv', tsv: 'csv', html: 'html', htm: 'html', xhtml: 'html',
};

const BY_MIME: Record<string, DocumentType> = {
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'text/plain': 'txt', 'text/markdown': 'markdown', 'text/x-markdown': 'markdown',
  'text/csv': 'csv', 'application/csv': 'csv', 'text/tab-separated-values': 'csv',
  'text/html': 'html', 'application/xhtml+xml': 'html',
};

/** Binary formats people commonly upload by mistake, recognised by their first bytes. */
const KNOWN_BINARY: Array<[number[], string]> = [
  [[0xd0, 0xcf, 0x11, 0xe0], 'Legacy Office files (.doc, .xls, .ppt) are not supported; save the document as .docx or PDF'],
  [[0x89, 0x50, 0x4e, 0x47], 'Images are not supported (PNG)'],
  [[0xff, 0xd8, 0xff], 'Images are not supported (JPEG)'],
  [[0x47, 0x49, 0x46, 0x38], 'Images are not supported (GIF)'],
  [[0x1f, 0x8b], 'Compressed archives are not supported (gzip)'],
  [[0x7b, 0x5c, 0x72, 0x74, 0x66], 'Rich Text Format (.rtf) is not supported; save the document as .docx or PDF'],
];

const startsWith = (buf: Uint8Array, sig: number[]) => sig.every((b, i) => buf[i] === b);

function hasPdfHeader(buf: Uint8Array): boolean {
  // The PDF spec allows junk before the header within the first 1024 bytes.
  return Buffer.from(buf.subarray(0, 1024)).includes('%PDF-');
}

function extensionOf(filename: string | undefined | null): string {
  const m = /\.([a-z0-9]+)$/i.exec(filename ?? '');
  return m?.[1]?.toLowerCase() ?? '';
}

/**
 * Decides how to read an upload. The content decides for binary formats (PDF by `%PDF-`, DOCX by a ZIP
 * holding `word/document.xml`); the name and declared type only choose among text formats, or let a
 * damaged PDF/DOCX through so extraction can say what is wrong with it.
 *
 * @throws UnsupportedTypeError for anything we do not ingest (the caller answers 415).
 */
export function detectType(buffer: Uint8Array, filename?: string | null, declaredMime?: string | null): DocumentType {
  const ext = extensionOf(filename);
  const mime = (declaredMime ?? '').split(';')[0]!.trim().toLowerCase();
  const claimed: DocumentType | undefined = BY_EXTENSION[ext] ?? BY_MIME[mime];

  if (hasPdfHeader(buffer)) return 'pdf';
  if (isZip(buffer)) {
    let isWord = false;
    try {
      isWord = listZipEntries(buffer).some((e) => e.name === 'word/document.xml');
    } catch {
      // A damaged archive: only worth a specific error if it claims to be a Word document.
    }
    if (isWord || claimed === 'docx') return 'docx';
    throw new UnsupportedTypeError('ZIP archives other than Word documents (.docx) are not supported');
  }
  for (const [sig, message] of KNOWN_BINARY) if (startsWith(buffer, sig)) throw new UnsupportedTypeError(message);
  if (claimed === 'pdf' || claimed === 'docx') return claimed;
  if (looksBinary(buffer)) throw new UnsupportedTypeError('This file is not a supported document (PDF, DOCX, TXT, Markdown, CSV or HTML)');

  if (claimed) return claimed;
  const generic = ext === '' && (mime === '' || mime === 'application/octet-stream' || mime.startsWith('text/'));
  if (!generic) {
    throw new UnsupportedTypeError(`Files of type ${ext ? `.${ext}` : mime} are not supported (PDF, DOCX, TXT, Markdown, CSV or HTML)`);
  }
  return sniffText(Buffer.from(buffer.subarray(0, 4096)).toString('utf8'));
}

function sniffText(head: string): DocumentType {
  if (/^\s*(<!doctype html|<html[\s>]|<head[\s>]|<body[\s>])/i.test(head)) return 'html';
  if (/^#{1,6}\s+\S/m.test(head) || /^```/m.test(head)) return 'markdown';
  return 'txt';
}
