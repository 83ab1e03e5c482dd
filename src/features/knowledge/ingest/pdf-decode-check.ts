import { DecodeBudget, decodeBounded, type DecodeLimits } from './decode-budget.js';

/**
 * Decodes every stream of a PDF the way pdfjs would (Flate, Brotli, and the ASCII filters in front of
 * them), counting the output against the limits and keeping none of it, before pdfjs sees the file. A
 * 1 MB PDF holding one Flate stream of 1 GiB is refused here with a clear reason.
 *
 * Streams are found by their `stream` keyword, not through the cross-reference table, so a damaged or
 * lying xref cannot hide one; the data is decoded from where pdfjs starts reading to the end of the
 * compressed data, whatever /Length says. What this does not decode (LZW, RunLength, image codecs,
 * encrypted streams, filters given by indirect reference) is bounded by the parser process's memory cap.
 *
 * @throws ExtractionError('decompression_bomb')
 */
export async function assertPdfDecodesWithinLimits(pdf: Uint8Array, limits: DecodeLimits): Promise<void> {
  const budget = new DecodeBudget(limits, 'PDF');
  const buf = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  let n = 0;
  for (let at = buf.indexOf('stream'); at >= 0; at = buf.indexOf('stream', at + 6)) {
    if (!isStreamKeyword(buf, at)) continue;
    const start = dataStart(buf, at + 6);
    const filters = streamFilters(buf, at) ?? ['FlateDecode'];
    n += 1;
    budget.add(`stream ${n} (at byte ${start})`, await decodedSize(buf.subarray(start), filters, budget.partLimit));
  }
}

const WHITESPACE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIMITERS = new Set([...'()<>[]{}/%'].map((c) => c.charCodeAt(0)));
const isBoundary = (b: number | undefined) => b === undefined || WHITESPACE.has(b) || DELIMITERS.has(b);

/** A `stream` token on its own (not `endstream`, not part of a longer word). */
function isStreamKeyword(buf: Buffer, at: number): boolean {
  return isBoundary(at > 0 ? buf[at - 1] : undefined) && isBoundary(buf[at + 6]);
}

/** Where pdfjs starts reading: after the end of the line that holds the keyword (Lexer.skipToNextLine). */
function dataStart(buf: Buffer, from: number): number {
  for (let p = from; p < buf.length; p++) {
    if (buf[p] === 0x0a) return p + 1;
    if (buf[p] === 0x0d) return buf[p + 1] === 0x0a ? p + 2 : p + 1;
  }
  return buf.length;
}

const MAX_DICT_BYTES = 64 * 1024;

/**
 * The filter names of the dictionary right before `stream`, or undefined when it cannot be read (then
 * the caller assumes Flate, which is what a bomb would use). pdfjs reads `/F` before `/Filter`.
 */
function streamFilters(buf: Buffer, keywordAt: number): string[] | undefined {
  const text = dictionaryBefore(buf, keywordAt);
  if (text === undefined) return undefined;
  const value = /\/F\s*(\[[^\]]*\]|\/[^\s/[\]<>()%]*)/.exec(text) ?? /\/Filter\s*(\[[^\]]*\]|\/[^\s/[\]<>()%]*)/.exec(text);
  if (!value) return /\/(?:F|Filter)\b/.test(text) ? undefined : [];
  return [...value[1]!.matchAll(/\/([^\s/[\]<>()%]*)/g)].map((m) => m[1]!.replace(/#([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))));
}

/** The text of the `<< … >>` that ends (after whitespace) right before `keywordAt`, nested dicts included. */
function dictionaryBefore(buf: Buffer, keywordAt: number): string | undefined {
  let p = keywordAt - 1;
  while (p >= 0 && WHITESPACE.has(buf[p]!)) p--;
  if (p < 1 || buf[p] !== 0x3e || buf[p - 1] !== 0x3e) return undefined;
  const floor = Math.max(0, keywordAt - MAX_DICT_BYTES);
  let depth = 0;
  for (let q = p; q > floor; q--) {
    if (buf[q] === 0x3e && buf[q - 1] === 0x3e) { depth++; q--; }
    else if (buf[q] === 0x3c && buf[q - 1] === 0x3c) {
      depth--;
      q--;
      if (depth === 0) return buf.subarray(q + 2, p - 1).toString('latin1');
    }
  }
  return undefined;
}

/** The largest decoded size along the chain, up to the first filter this check does not decode. */
async function decodedSize(data: Buffer, filters: string[], limit: number): Promise<number> {
  let current = data;
  let largest = 0;
  for (let i = 0; i < filters.length; i++) {
    const keep = i < filters.length - 1;
    let out: { length: number; output?: Buffer };
    switch (filters[i]) {
      case 'Fl': case 'FlateDecode': out = await decodeBounded(current, 'zlib', limit, keep); break;
      case 'BrotliDecode': out = await decodeBounded(current, 'brotli', limit, keep); break;
      case 'AHx': case 'ASCIIHexDecode': { const output = asciiHex(current); out = { length: output.length, output }; break; }
      case 'A85': case 'ASCII85Decode': out = ascii85(current, limit); break;
      default: return largest;
    }
    largest = Math.max(largest, out.length);
    if (!out.output) return largest;
    current = out.output;
  }
  return largest;
}

const hexValue = (b: number) => (b >= 0x30 && b <= 0x39 ? b - 0x30 : (b | 0x20) >= 0x61 && (b | 0x20) <= 0x66 ? (b | 0x20) - 0x57 : -1);

/** ASCIIHexDecode: hex digit pairs up to `>`, anything else skipped (as pdfjs does). */
function asciiHex(data: Buffer): Buffer {
  const out = Buffer.allocUnsafe(Math.ceil(data.length / 2));
  let n = 0, high = -1;
  for (const b of data) {
    if (b === 0x3e) break;
    const v = hexValue(b);
    if (v < 0) continue;
    if (high < 0) high = v;
    else { out[n++] = (high << 4) | v; high = -1; }
  }
  if (high >= 0) out[n++] = high << 4;
  return out.subarray(0, n);
}

/** ASCII85Decode up to `~>`; `z` is four zero bytes, so the output is capped at `limit`. */
function ascii85(data: Buffer, limit: number): { length: number; output?: Buffer } {
  const out = Buffer.alloc(Math.min(limit + 4, data.length * 4 + 4));
  let n = 0, group = 0, count = 0;
  for (let i = 0; i < data.length; i++) {
    const b = data[i]!;
    if (b === 0x7e) break;
    if (WHITESPACE.has(b)) continue;
    if (n + 4 > out.length) return { length: limit + 1 };
    if (b === 0x7a && count === 0) { n += 4; continue; }
    if (b < 0x21 || b > 0x75) continue;
    group = group * 85 + (b - 0x21);
    if (++count === 5) { out.writeUInt32BE(group >>> 0, n); n += 4; group = 0; count = 0; }
  }
  if (count > 1) {
    for (let k = count; k < 5; k++) group = group * 85 + 84;
    const tail = Buffer.alloc(4);
    tail.writeUInt32BE(group >>> 0, 0);
    tail.copy(out, n, 0, count - 1);
    n += count - 1;
  }
  return { length: n, output: out.subarray(0, n) };
}
