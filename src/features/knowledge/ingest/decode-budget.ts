import { createBrotliDecompress, createInflate, createInflateRaw, constants } from 'node:zlib';
import { ExtractionError } from './errors.js';

/**
 * Caps on the bytes a document may actually decompress to, checked by decoding before any parser sees
 * the file. Declared sizes (ZIP headers, PDF /Length) are the attacker's to choose; only decoding tells.
 */
export interface DecodeLimits {
  /** Largest decoded size of one PDF stream or one archive entry. */
  maxStreamBytes: number;
  /** Largest decoded size of all of a document's streams or entries together. */
  maxTotalBytes: number;
}

export type Codec = 'zlib' | 'raw' | 'brotli';

const mb = (n: number) => (n >= 1024 * 1024 ? `${Math.round(n / 1024 / 1024)} MB` : `${n} bytes`);
const CHUNK = 256 * 1024;

/** Tracks one document's decoded bytes against the limits and throws the user-facing error. */
export class DecodeBudget {
  private total = 0;

  constructor(readonly limits: DecodeLimits, private readonly label: string) {}

  /** Bytes still allowed for one part (the smaller of the per-part and the remaining total budget). */
  get partLimit(): number {
    return Math.min(this.limits.maxStreamBytes, this.limits.maxTotalBytes - this.total);
  }

  /** Counts `bytes` decoded from `part`; throws once a limit is exceeded. */
  add(part: string, bytes: number): void {
    if (bytes > this.limits.maxStreamBytes) {
      throw this.bomb(`${part} expands to more than ${mb(this.limits.maxStreamBytes)} (limit per part)`);
    }
    this.total += bytes;
    if (this.total > this.limits.maxTotalBytes) {
      throw this.bomb(`its parts expand to more than ${mb(this.limits.maxTotalBytes)} in total`);
    }
  }

  private bomb(why: string): ExtractionError {
    return new ExtractionError('decompression_bomb', `The ${this.label} decompresses beyond the limit: ${why}.`);
  }
}

function decoderFor(codec: Codec) {
  // SYNC_FLUSH as the finishing flush: a truncated stream yields what it holds (parsers are as lenient).
  const opts = { chunkSize: CHUNK, finishFlush: constants.Z_SYNC_FLUSH };
  if (codec === 'brotli') return createBrotliDecompress({ chunkSize: CHUNK });
  return codec === 'zlib' ? createInflate(opts) : createInflateRaw(opts);
}

/**
 * Streams `data` through a decoder on the libuv pool (the event loop never blocks) and stops as soon as
 * the output passes `limit`. Returns the output when `keep` is set (only while within the limit),
 * otherwise just counts it; memory stays at one chunk. Invalid or truncated input ends the count where
 * the decoder stopped. Trailing bytes after the end of the compressed stream are ignored.
 *
 * @example const { length } = await decodeBounded(bytes, 'zlib', 64 << 20);  // length > limit: refuse
 */
export function decodeBounded(data: Uint8Array, codec: Codec, limit: number, keep = false): Promise<{ length: number; output?: Buffer }> {
  return new Promise((resolve) => {
    const decoder = decoderFor(codec);
    const kept: Buffer[] = [];
    let length = 0;
    let done = false;
    const end = () => {
      if (done) return;
      done = true;
      decoder.destroy();
      resolve(keep && length <= limit ? { length, output: Buffer.concat(kept) } : { length });
    };
    decoder.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > limit) return end();
      if (keep) kept.push(chunk);
    });
    decoder.once('end', end);
    decoder.once('error', end);
    decoder.end(data);
  });
}
