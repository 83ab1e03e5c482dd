import { describe, expect, it } from 'vitest';
import { GiB, makeFlateBombPdf, makeLyingBombDocx, MiB, zlibOf, deflatedZeros } from '../../../../test/fixtures/knowledge/bombs.js';
import { makeDocx, makePdf } from '../../../../test/fixtures/knowledge/generate.js';
import { decodeBounded } from './decode-budget.js';
import { ExtractionError } from './errors.js';
import { extractDocument } from './extract.js';
import { runInSandbox } from './sandbox.js';
import { assertSafeZip, listZipEntries } from './zip-inspect.js';

/** Resident memory may grow this much while a bomb is refused (one decoder chunk, GC slack). */
const RSS_BUDGET = 200 * MiB;

async function failure(p: Promise<unknown>): Promise<ExtractionError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(ExtractionError);
  return e as ExtractionError;
}

/** Runs `fn`, sampling this process's RSS every 10 ms, and returns the peak growth over the start. */
async function peakRssGrowth(fn: () => Promise<unknown>): Promise<number> {
  const base = process.memoryUsage.rss();
  let peak = base;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 10);
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, process.memoryUsage.rss()) - base;
}

describe('decodeBounded', () => {
  it('counts what a stream decodes to, stops past the limit, and ignores what follows the stream', async () => {
    expect(await decodeBounded(zlibOf('hello world'), 'zlib', 100, true)).toEqual({ length: 11, output: Buffer.from('hello world') });
    const withTrailer = Buffer.concat([zlibOf('abc'), Buffer.from('\nendstream\nendobj\n')]);
    expect((await decodeBounded(withTrailer, 'zlib', 100)).length).toBe(3);
    expect((await decodeBounded(Buffer.from('not compressed'), 'zlib', 100)).length).toBe(0);
    const over = await decodeBounded(deflatedZeros(64 * MiB, 'raw'), 'raw', MiB, true);
    expect(over.length).toBeGreaterThan(MiB);
    expect(over.length).toBeLessThan(2 * MiB);
    expect(over.output).toBeUndefined();
  });
});

describe('decompression bombs (built in the test: ~1 MB that inflates to 1 GiB)', () => {
  it('refuses a DOCX whose document.xml inflates to 1 GiB behind headers that declare 4 KiB', async () => {
    const docx = await makeLyingBombDocx(GiB);
    expect(docx.length).toBeLessThan(2 * MiB);
    // The declared sizes pass the header check: only decoding tells.
    expect(() => assertSafeZip(listZipEntries(docx))).not.toThrow();
    let e: ExtractionError | undefined;
    const growth = await peakRssGrowth(async () => { e = await failure(extractDocument(docx, 'docx')); });
    expect(e!.reason).toBe('decompression_bomb');
    expect(e!.message).toMatch(/^The Word document decompresses beyond the limit: "word\/document\.xml" expands to more than 64 MB/);
    expect(growth).toBeLessThan(RSS_BUDGET);
    const doc = await extractDocument(await makeDocx(), 'docx');
    expect(doc.sections.map((s) => s.text)).toContain('Gift cards and downloadable software are not refundable.');
  });

  it('refuses a PDF with one FlateDecode content stream of 1 GiB, plain or behind ASCIIHexDecode', async () => {
    for (const hex of [false, true]) {
      const pdf = await makeFlateBombPdf(GiB, { hex });
      let e: ExtractionError | undefined;
      const growth = await peakRssGrowth(async () => { e = await failure(extractDocument(pdf, 'pdf')); });
      expect(e!.reason).toBe('decompression_bomb');
      expect(e!.message).toMatch(/^The PDF decompresses beyond the limit: stream \d+ \(at byte \d+\) expands to more than 64 MB/);
      expect(growth).toBeLessThan(RSS_BUDGET);
    }
    const doc = await extractDocument(await makePdf([{ heading: 'After', paragraphs: ['Normal documents still read fine.'] }]), 'pdf');
    expect(doc.sections.map((s) => s.text)).toEqual(['After', 'Normal documents still read fine.']);
  });

  it('caps the total: many streams each under the per-stream limit', async () => {
    const pdf = await makeFlateBombPdf(8 * MiB, { streams: 4 });
    const e = await failure(extractDocument(pdf, 'pdf', { maxDecodedStreamBytes: 16 * MiB, maxDecodedBytes: 24 * MiB }));
    expect(e.message).toBe('The PDF decompresses beyond the limit: its parts expand to more than 24 MB in total.');
    // Within both limits the same file is read (NUL bytes are whitespace to pdfjs).
    const doc = await extractDocument(pdf, 'pdf', { maxDecodedStreamBytes: 16 * MiB, maxDecodedBytes: 40 * MiB });
    expect(doc.sections.map((s) => s.text)).toEqual(['The bomb page has some real text too.']);
  });

  it('the parser process is memory-capped by the OS: a bomb that skipped the check costs the host nothing', async () => {
    // Straight to the sandbox, as if the decode check had missed it (LZW, encryption, …).
    const pdf = await makeFlateBombPdf(GiB);
    let e: ExtractionError | undefined;
    const growth = await peakRssGrowth(async () => {
      e = await failure(runInSandbox({ kind: 'pdf', data: pdf, maxPages: 10, maxChars: 10_000 }, { timeoutMs: 60_000, memoryMb: 300, label: 'PDF' }));
    });
    expect(e!.reason).toBe('too_large');
    expect(e!.message).toBe('The PDF needs more than 300 MB of memory to read.');
    expect(growth).toBeLessThan(RSS_BUDGET);
  });
});
