import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { assertSafeZip, listZipEntries, readZipEntry, type ZipEntry } from './zip-inspect.js';

describe('zip inspection', () => {
  it('lists entries with their declared sizes and reads a small one', async () => {
    const zip = new JSZip();
    zip.file('word/document.xml', '<doc>' + 'x'.repeat(5000) + '</doc>');
    zip.file('stored.txt', 'plain', { compression: 'STORE' });
    const bytes = await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
    const entries = listZipEntries(bytes);
    const doc = entries.find((e) => e.name === 'word/document.xml')!;
    expect(doc).toMatchObject({ method: 8, uncompressedSize: 5011 });
    expect(doc.compressedSize).toBeLessThan(100);
    expect(readZipEntry(bytes, doc, 10_000).toString()).toMatch(/^<doc>x+<\/doc>$/);
    expect(readZipEntry(bytes, entries.find((e) => e.name === 'stored.txt')!, 100).toString()).toBe('plain');
    expect(() => readZipEntry(bytes, doc, 100)).toThrow(/could not be decompressed/);
  });

  it('rejects non-zips and archives without a central directory', () => {
    expect(() => listZipEntries(Buffer.from('hello'))).toThrow(/no ZIP signature/);
    expect(() => listZipEntries(Buffer.from('PK\x03\x04 truncated'))).toThrow(/truncated/);
  });

  it('applies size, ratio and entry-count limits', () => {
    const entry = (uncompressedSize: number, compressedSize: number): ZipEntry => ({ name: 'e', method: 8, compressedSize, uncompressedSize, localHeaderOffset: 0 });
    expect(() => assertSafeZip([entry(50_000, 10)])).not.toThrow(); // tiny entries may compress extremely well
    expect(() => assertSafeZip([entry(5_000_000, 60_000)])).not.toThrow();
    expect(() => assertSafeZip([entry(5_000_000, 4_000)])).toThrow(/expands 1250:1/);
    expect(() => assertSafeZip(Array.from({ length: 30 }, () => entry(4_000_000, 1_000_000)))).toThrow(/would expand to 114 MB/);
    expect(() => assertSafeZip(Array.from({ length: 10_001 }, () => entry(1, 1)))).toThrow(/holds 10001 files/);
  });
});
