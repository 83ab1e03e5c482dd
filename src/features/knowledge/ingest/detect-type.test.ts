import { describe, expect, it } from 'vitest';
import { makeDocx, makePdf, makePlainZip } from '../../../../test/fixtures/knowledge/generate.js';
import { detectType } from './detect-type.js';
import { UnsupportedTypeError } from './errors.js';

const text = (s: string) => Buffer.from(s, 'utf8');

describe('detectType', () => {
  it('recognises PDF and DOCX by their bytes, whatever the name says', async () => {
    const pdf = await makePdf([{ paragraphs: ['Hello.'] }]);
    const docx = await makeDocx();
    expect(detectType(pdf, 'report.pdf', 'application/pdf')).toBe('pdf');
    expect(detectType(pdf, 'upload.bin', 'application/octet-stream')).toBe('pdf');
    expect(detectType(pdf, 'notes.txt', 'text/plain')).toBe('pdf');
    expect(detectType(docx, 'policy.docx', null)).toBe('docx');
    expect(detectType(docx, 'blob', undefined)).toBe('docx');
  });

  it('accepts a PDF header preceded by junk within the first KB', () => {
    expect(detectType(Buffer.concat([Buffer.alloc(100, 0x20), text('%PDF-1.4\n')]), 'x', null)).toBe('pdf');
  });

  it('lets a file that claims to be PDF/DOCX through so extraction can explain what is wrong', () => {
    expect(detectType(text('this is not a word document'), 'policy.docx', null)).toBe('docx');
    expect(detectType(text('not a pdf'), 'x.pdf', 'application/pdf')).toBe('pdf');
  });

  it('rejects ZIP archives that are not Word documents', async () => {
    const zip = await makePlainZip();
    expect(() => detectType(zip, 'archive.zip', 'application/zip')).toThrow(UnsupportedTypeError);
    expect(detectType(zip, 'renamed.docx', null)).toBe('docx');
  });

  it('rejects images, legacy Office files and other binaries even with a supported extension', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
    expect(() => detectType(png, 'photo.pdf', 'application/pdf')).toThrow(/Images are not supported/);
    const ole = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    expect(() => detectType(ole, 'old.doc', 'application/msword')).toThrow(/save the document as .docx/);
    expect(() => detectType(Buffer.from([1, 2, 0, 0, 5, 6, 7]), 'data.txt', 'text/plain')).toThrow(UnsupportedTypeError);
  });

  it('chooses among text formats by extension, then by declared type', () => {
    expect(detectType(text('# Title'), 'README.md', null)).toBe('markdown');
    expect(detectType(text('a,b\n1,2'), 'rows.csv', null)).toBe('csv');
    expect(detectType(text('a\tb\n1\t2'), 'rows.tsv', null)).toBe('csv');
    expect(detectType(text('<p>hi</p>'), 'page.htm', null)).toBe('html');
    expect(detectType(text('plain'), 'notes.txt', null)).toBe('txt');
    expect(detectType(text('a;b'), 'export', 'text/csv; charset=utf-8')).toBe('csv');
    expect(detectType(text('words'), 'server.log', 'text/plain')).toBe('txt');
  });

  it('sniffs text content when nothing is declared', () => {
    expect(detectType(text('<!DOCTYPE html><html><body>x</body></html>'), null, null)).toBe('html');
    expect(detectType(text('intro\n\n## Setup\nsteps'), '', 'application/octet-stream')).toBe('markdown');
    expect(detectType(text('Just some words.'), undefined, undefined)).toBe('txt');
  });

  it('rejects explicitly unsupported types', () => {
    expect(() => detectType(text('{"a":1}'), 'data.json', 'application/json')).toThrow(/\.json are not supported/);
    expect(() => detectType(text('{\\rtf1\\ansi hello}'), 'letter.rtf', null)).toThrow(/Rich Text Format/);
  });
});
