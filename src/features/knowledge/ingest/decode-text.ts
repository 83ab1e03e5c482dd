/**
 * Turns uploaded bytes into a string: UTF-8 (with or without BOM), UTF-16 with a BOM, and, when the bytes
 * are not valid UTF-8, Windows-1252 (what spreadsheet exports and old text files usually are).
 */
export function decodeText(input: Uint8Array | string): string {
  if (typeof input === 'string') return input.replace(/^\uFEFF/, '');
  if (input[0] === 0xff && input[1] === 0xfe) return new TextDecoder('utf-16le').decode(input.subarray(2));
  if (input[0] === 0xfe && input[1] === 0xff) return new TextDecoder('utf-16be').decode(input.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(input);
  } catch {
    return new TextDecoder('windows-1252').decode(input);
  }
}

/**
 * True when the bytes look like binary data rather than text: NUL bytes or many control characters in
 * the first 8 KB (UTF-16 with a BOM counts as text).
 */
export function looksBinary(buf: Uint8Array): boolean {
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) return false;
  const sample = buf.subarray(0, 8192);
  let control = 0;
  for (const b of sample) {
    if (b === 0) return true;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) control++;
  }
  return sample.length > 0 && control / sample.length > 0.05;
}
