import { inflateRawSync } from 'node:zlib';
import { ExtractionError } from './errors.js';

/**
 * Reads a ZIP archive's central directory without decompressing anything, so a DOCX can be vetted
 * (is it a zip, does it hold word/document.xml, is it a zip bomb) before mammoth inflates it.
 */
export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const U32_MAX = 0xffffffff;

const notZip = (detail: string) =>
  new ExtractionError('not_zip', `The file is not a valid Word document (DOCX files are ZIP archives; ${detail}).`);

export const isZip = (buf: Uint8Array): boolean =>
  buf.length >= 4 && buf[0] === 0x50 && buf[1] === 0x4b && (buf[2] === 3 || buf[2] === 5) && (buf[3] === 4 || buf[3] === 6);

/** Lists the entries declared in the central directory. Throws `ExtractionError('not_zip')` on malformed input. */
export function listZipEntries(buf: Uint8Array): ZipEntry[] {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);
  const u64 = (at: number) => Number(view.getBigUint64(at, true));
  if (!isZip(buf)) throw notZip('this file has no ZIP signature');

  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (u32(i) === EOCD) { eocd = i; break; }
  }
  if (eocd < 0) throw notZip('the archive is truncated: no end-of-central-directory record');

  let count = u16(eocd + 10);
  let cdOffset = u32(eocd + 16);
  if ((count === 0xffff || cdOffset === U32_MAX) && eocd >= 20 && u32(eocd - 20) === ZIP64_LOCATOR) {
    const at = u64(eocd - 20 + 8);
    if (at + 56 > buf.length || u32(at) !== ZIP64_EOCD) throw notZip('the ZIP64 directory is damaged');
    count = u64(at + 32);
    cdOffset = u64(at + 48);
  }
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > buf.length || u32(p) !== CENTRAL_HEADER) throw notZip('the central directory is damaged');
    const nameLen = u16(p + 28), extraLen = u16(p + 30), commentLen = u16(p + 32);
    if (p + 46 + nameLen + extraLen > buf.length) throw notZip('the central directory is damaged');
    const entry: ZipEntry = {
      name: Buffer.from(buf.subarray(p + 46, p + 46 + nameLen)).toString('utf8'),
      method: u16(p + 10),
      compressedSize: u32(p + 20),
      uncompressedSize: u32(p + 24),
      localHeaderOffset: u32(p + 42),
    };
    applyZip64Extra(entry, view, p + 46 + nameLen, extraLen);
    entries.push(entry);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** ZIP64 "extended information" (id 0x0001) holds the real sizes of entries whose fields read 0xFFFFFFFF. */
function applyZip64Extra(entry: ZipEntry, view: DataView, start: number, length: number): void {
  for (let p = start; p + 4 <= start + length; ) {
    const id = view.getUint16(p, true), size = view.getUint16(p + 2, true);
    if (id === 0x0001) {
      let q = p + 4;
      const next = () => { const v = q + 8 <= p + 4 + size ? Number(view.getBigUint64(q, true)) : Number.MAX_SAFE_INTEGER; q += 8; return v; };
      if (entry.uncompressedSize === U32_MAX) entry.uncompressedSize = next();
      if (entry.compressedSize === U32_MAX) entry.compressedSize = next();
      if (entry.localHeaderOffset === U32_MAX) entry.localHeaderOffset = next();
      return;
    }
    p += 4 + size;
  }
}

export interface ZipLimits {
  maxUncompressedBytes: number;
  /** Largest allowed uncompressed:compressed ratio, for entries and for the whole archive. */
  maxRatio: number;
  maxEntries: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxUncompressedBytes: 100 * 1024 * 1024, maxRatio: 100, maxEntries: 10_000 };

/** Entries this small may compress extremely well (repeated XML) without being a threat. */
const RATIO_EXEMPT_BYTES = 1024 * 1024;

/** Rejects archives whose declared sizes or compression ratios look like a zip bomb. */
export function assertSafeZip(entries: ZipEntry[], limits: ZipLimits = DEFAULT_ZIP_LIMITS): void {
  const bomb = (why: string) => new ExtractionError('zip_bomb', `The document was rejected as a possible zip bomb: ${why}.`);
  if (entries.length > limits.maxEntries) throw bomb(`it holds ${entries.length} files`);
  let total = 0, compressed = 0;
  for (const e of entries) {
    total += e.uncompressedSize;
    compressed += e.compressedSize;
    if (e.uncompressedSize > RATIO_EXEMPT_BYTES && e.uncompressedSize > limits.maxRatio * Math.max(1, e.compressedSize)) {
      throw bomb(`"${e.name}" expands ${Math.round(e.uncompressedSize / Math.max(1, e.compressedSize))}:1`);
    }
  }
  const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;
  if (total > limits.maxUncompressedBytes) throw bomb(`it would expand to ${mb(total)} (limit ${mb(limits.maxUncompressedBytes)})`);
  if (total > RATIO_EXEMPT_BYTES && total > limits.maxRatio * Math.max(1, compressed)) throw bomb('it compresses suspiciously well');
}

/** Where an entry's data starts: after its local header, whose name and extra lengths may differ from the central ones. */
export function entryDataOffset(buf: Uint8Array, entry: ZipEntry): number {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const at = entry.localHeaderOffset;
  if (at + 30 > buf.length || view.getUint32(at, true) !== LOCAL_HEADER) throw notZip(`the entry "${entry.name}" is damaged`);
  return at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
}

/** Inflates one (small) entry, refusing to produce more than `maxBytes`. */
export function readZipEntry(buf: Uint8Array, entry: ZipEntry, maxBytes: number): Buffer {
  const start = entryDataOffset(buf, entry);
  const data = buf.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return Buffer.from(data.subarray(0, maxBytes));
  if (entry.method !== 8) throw notZip(`the entry "${entry.name}" uses an unsupported compression method`);
  try {
    return inflateRawSync(data, { maxOutputLength: maxBytes });
  } catch {
    throw notZip(`the entry "${entry.name}" could not be decompressed`);
  }
}
