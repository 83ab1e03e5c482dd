import { DecodeBudget, decodeBounded, type DecodeLimits } from './decode-budget.js';
import { entryDataOffset, type ZipEntry } from './zip-inspect.js';

/**
 * Inflates every deflated entry of an archive, counting the output against the limits and keeping none of
 * it, before the parser (mammoth, through JSZip) inflates anything. The sizes in the local and central
 * headers are the attacker's to choose, so they are not trusted: each entry is decoded from its data
 * offset to the end of its deflate stream (or of the file), which is at least what JSZip would produce.
 * Stored entries (method 0) do not expand. A reader that sees the archive differently from this one
 * is still bounded by the parser process's memory cap.
 *
 * @throws ExtractionError('decompression_bomb'), ExtractionError('not_zip') for a damaged local header
 */
export async function assertZipDecodesWithinLimits(buf: Uint8Array, entries: ZipEntry[], limits: DecodeLimits, label: string): Promise<void> {
  const budget = new DecodeBudget(limits, label);
  for (const entry of entries) {
    if (entry.method !== 8) continue;
    const data = buf.subarray(entryDataOffset(buf, entry));
    const { length } = await decodeBounded(data, 'raw', budget.partLimit);
    budget.add(`"${entry.name}"`, length);
  }
}
