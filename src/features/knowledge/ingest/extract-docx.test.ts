import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { makeDeclaredBombDocx, makeDocx, makePlainZip, makeZerosBombDocx } from '../../../../test/fixtures/knowledge/generate.js';
import { chunkDocument } from './chunk.js';
import { ExtractionError } from './errors.js';
import { extractDocument } from './extract.js';

async function failure(p: Promise<unknown>): Promise<ExtractionError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(ExtractionError);
  return e as ExtractionError;
}

describe('extractDocument: DOCX', () => {
  it('keeps headings, paragraphs, list items and table rows with their header', async () => {
    const doc = await extractDocument(await makeDocx(), 'docx');
    expect(doc.title).toBe('Acme Help Centre');
    expect(doc.sections.map((s) => [s.kind, s.text, s.heading])).toEqual([
      ['heading', 'Refunds', 'Refunds'],
      ['paragraph', 'Customers can ask for a full refund within 30 days of purchase.', 'Refunds'],
      ['heading', 'Exceptions', 'Refunds > Exceptions'],
      ['paragraph', 'Gift cards and downloadable software are not refundable.', 'Refunds > Exceptions'],
      ['list', 'Keep your receipt', 'Refunds > Exceptions'],
      ['heading', 'Pricing', 'Pricing'],
      ['table_row', 'Plan: Basic; Price: $10; Support: Email', 'Pricing'],
      ['table_row', 'Plan: Pro; Price: $30; Support: Phone and email', 'Pricing'],
    ]);
  });

  it('chunks by heading path', async () => {
    const chunks = chunkDocument(await extractDocument(await makeDocx(), 'docx'));
    expect(chunks.map((c) => [c.position, c.heading])).toEqual([[0, 'Refunds'], [1, 'Refunds > Exceptions'], [2, 'Pricing']]);
    expect(chunks[2]!.text).toBe('Plan: Basic; Price: $10; Support: Email\n\nPlan: Pro; Price: $30; Support: Phone and email');
  });

  it('reads the language from the core properties', async () => {
    const zip = await JSZip.loadAsync(await makeDocx());
    const core = (await zip.file('docProps/core.xml')!.async('string')).replace('</cp:coreProperties>', '<dc:language>hi-IN</dc:language></cp:coreProperties>');
    zip.file('docProps/core.xml', core);
    const doc = await extractDocument(await zip.generateAsync({ type: 'uint8array' }), 'docx');
    expect(doc.language).toBe('hi-IN');
  });

  it('rejects a .docx that is not a ZIP archive', async () => {
    const e = await failure(extractDocument(Buffer.from('I am plain text pretending to be Word'), 'docx'));
    expect(e.reason).toBe('not_zip');
    expect(e.message).toMatch(/not a valid Word document/);
  });

  it('rejects a ZIP without word/document.xml', async () => {
    const e = await failure(extractDocument(await makePlainZip(), 'docx'));
    expect(e.reason).toBe('missing_document');
    expect(e.message).toMatch(/no word\/document\.xml/);
  });

  it('rejects a truncated archive', async () => {
    const bytes = await makeDocx();
    expect((await failure(extractDocument(bytes.slice(0, bytes.length - 200), 'docx'))).reason).toBe('not_zip');
  });

  it('rejects a damaged document.xml with a readable reason', async () => {
    const zip = await JSZip.loadAsync(await makeDocx());
    zip.file('word/document.xml', '<w:document><w:body><w:p>unclosed');
    const e = await failure(extractDocument(await zip.generateAsync({ type: 'uint8array' }), 'docx'));
    expect(e.reason).toBe('corrupt');
    expect(e.message).toMatch(/^The Word document is damaged/);
  });

  it('rejects an entry that declares a multi-gigabyte size, before inflating anything', async () => {
    const started = Date.now();
    const e = await failure(extractDocument(await makeDeclaredBombDocx(), 'docx'));
    expect(e.reason).toBe('zip_bomb');
    expect(e.message).toMatch(/word\/document\.xml/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('rejects a highly compressed entry of zeros and archives over the size cap', async () => {
    const bomb = await makeZerosBombDocx(20);
    expect(bomb.length).toBeLessThan(100_000);
    const e = await failure(extractDocument(bomb, 'docx'));
    expect(e.reason).toBe('zip_bomb');
    expect(e.message).toMatch(/zeros\.bin" expands \d+:1/);
    const capped = await failure(extractDocument(await makeDocx(), 'docx', { maxUncompressedBytes: 1000 }));
    expect(capped.message).toMatch(/would expand to/);
  });
});
