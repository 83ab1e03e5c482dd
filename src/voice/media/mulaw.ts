/**
 * G.711 μ-law (the phone codec: 8 kHz, one byte per sample), as in ITU-T G.711 and Sun's reference
 * g711.c: a sign bit, a 3-bit segment (exponent) and a 4-bit mantissa, all bits inverted on the wire.
 * Decoding uses a 256-entry table built once; encoding is a few shifts per sample.
 */
const BIAS = 0x84;
const CLIP = 32635;

function decodeByte(byte: number): number {
  const u = ~byte & 0xff;
  const magnitude = ((((u & 0x0f) << 3) + BIAS) << ((u & 0x70) >> 4)) - BIAS;
  return u & 0x80 ? -magnitude : magnitude;
}

const DECODE_TABLE = Int16Array.from({ length: 256 }, (_, b) => decodeByte(b));

export function muLawEncodeSample(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  const magnitude = Math.min(sample < 0 ? -sample : sample, CLIP) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

export function muLawDecodeSample(byte: number): number {
  return DECODE_TABLE[byte & 0xff]!;
}

/** PCM Int16 → μ-law bytes (one per sample). */
export function muLawEncode(pcm: Int16Array): Uint8Array {
  const out = new Uint8Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = muLawEncodeSample(pcm[i]!);
  return out;
}

/** μ-law bytes → PCM Int16. */
export function muLawDecode(bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = DECODE_TABLE[bytes[i]!]!;
  return out;
}
