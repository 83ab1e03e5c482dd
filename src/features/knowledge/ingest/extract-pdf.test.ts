import { beforeAll, describe, expect, it } from 'vitest';
import { makeEncryptedPdf, makeGarbagePdf, makePdf } from '../../../../test/fixtures/knowledge/generate.js';
import { chunkDocument } from './chunk.js';
import { ExtractionError } from './errors.js';
import { extractDocument } from './extract.js';

const LONG = 'Our support team answers every message within one business day, including weekends and public holidays. '.repeat(8).trim();

let pdf: Uint8Array;
beforeAll(async () => {
  pdf = await makePdf(
    [
      { heading: 'Getting started', paragraphs: ['Welcome to Acme. This guide explains the basics of your account.', LONG] },
      { heading: 'Billing', paragraphs: ['Invoices are sent on the first day of each month.', '• Cards are charged automatically', '• Bank transfers take three days'] },
      { paragraphs: ['Contact us at any time through the help centre.'] },
    ],
    { title: 'Acme Customer Guide', language: 'en-GB' },
  );
});

async function failure(p: Promise<unknown>): Promise<ExtractionError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(ExtractionError);
  return e as ExtractionError;
}

describe('extractDocument: PDF', () => {
  it('extracts text per page with headings, paragraphs, list items and metadata', async () => {
    const doc = await extractDocument(pdf, 'pdf');
    expect(doc.title).toBe('Acme Customer Guide');
    expect(doc.language).toBe('en-GB');
    expect(doc.pageCount).toBe(3);
    const byKind = (kind: string) => doc.sections.filter((s) => s.kind === kind);
    expect(byKind('heading').map((s) => [s.text, s.page])).toEqual([['Getting started', 1], ['Billing', 2]]);
    expect(doc.sections[1]).toMatchObject({ kind: 'paragraph', page: 1, heading: 'Getting started', text: 'Welcome to Acme. This guide explains the basics of your account.' });
    // The long paragraph was wrapped over several lines in the PDF and comes back as one paragraph.
    expect(doc.sections[2]).toMatchObject({ kind: 'paragraph', page: 1, text: LONG });
    expect(byKind('list').map((s) => s.text)).toEqual(['Cards are charged automatically', 'Bank transfers take three days']);
    // Page 3 has no heading of its own: it stays under the last one. Page numbers are dropped.
    expect(doc.sections.at(-1)).toMatchObject({ page: 3, heading: 'Billing', text: 'Contact us at any time through the help centre.' });
    expect(doc.sections.some((s) => /^\d+$/.test(s.text))).toBe(false);
  });

  it('chunks PDFs with page numbers and heading paths', async () => {
    const doc = await extractDocument(pdf, 'pdf');
    const chunks = chunkDocument(doc, { maxChars: 400, overlapChars: 120, minChars: 50 });
    expect(chunks.map((c) => c.position)).toEqual(chunks.map((_, i) => i));
    expect(chunks[0]).toMatchObject({ page: 1, heading: 'Getting started' });
    expect(chunks[0]!.text.startsWith('Welcome to Acme.')).toBe(true);
    const billing = chunks.filter((c) => c.heading === 'Billing');
    expect(billing.map((c) => c.page)).toEqual([2, 3]);
    expect(billing[0]!.text).toContain('Bank transfers take three days');
    for (const c of chunks) expect(c.text.length).toBeLessThanOrEqual(400);
  });

  it('rejects a PDF with more pages than allowed', async () => {
    const e = await failure(extractDocument(pdf, 'pdf', { maxPages: 2 }));
    expect(e.reason).toBe('too_many_pages');
    expect(e.message).toBe('The PDF has 3 pages; the limit is 2.');
  });

  it('stops at maxChars and marks the document truncated', async () => {
    const doc = await extractDocument(pdf, 'pdf', { maxChars: 300 });
    expect(doc.truncated).toBe(true);
    expect(doc.sections.reduce((n, s) => n + s.text.length, 0)).toBeLessThanOrEqual(300);
  });

  it('rejects password-protected PDFs', async () => {
    const e = await failure(extractDocument(await makeEncryptedPdf(), 'pdf'));
    expect(e.reason).toBe('encrypted');
    expect(e.message).toMatch(/password-protected/);
  });

  it('rejects truncated PDFs, garbage after the header and empty files', async () => {
    expect((await failure(extractDocument(pdf.slice(0, Math.floor(pdf.length / 3)), 'pdf'))).reason).toBe('corrupt');
    const garbage = await failure(extractDocument(makeGarbagePdf(), 'pdf'));
    expect(garbage.reason).toBe('corrupt');
    expect(garbage.message).toMatch(/not a valid PDF or is damaged/);
    expect((await failure(extractDocument(new Uint8Array(0), 'pdf'))).message).toBe('The PDF file is empty.');
  });

  it('explains that a PDF without text may be a scan', async () => {
    const e = await failure(extractDocument(await makePdf([{ paragraphs: [] }]), 'pdf'));
    expect(e.reason).toBe('empty');
    expect(e.message).toMatch(/No text could be extracted .*OCR/);
  });

  it('abandons a parse that exceeds the deadline, and the process carries on', async () => {
    const e = await failure(extractDocument(pdf, 'pdf', { timeoutMs: 5 }));
    expect(e.reason).toBe('timeout');
    expect((await extractDocument(pdf, 'pdf')).pageCount).toBe(3);
  });
});
