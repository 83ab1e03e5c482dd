/**
 * PCM Int16 little-endian helpers: the widget's binary frames and espeak-ng's output are raw LE bytes,
 * the engines work on Int16Array. Conversions copy (a Node Buffer may start at an odd offset, which an
 * Int16Array view cannot) and are explicit about endianness, so they hold on any host.
 */

export function pcmFromBytes(bytes: Uint8Array): Int16Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Int16Array(bytes.byteLength >> 1);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}

export function pcmToBytes(pcm: Int16Array): Uint8Array {
  const out = new Uint8Array(pcm.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < pcm.length; i++) view.setInt16(i * 2, pcm[i]!, true);
  return out;
}

export function concatPcm(parts: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const samplesPerFrame = (sampleRate: number, frameMs = 20): number => Math.round((sampleRate * frameMs) / 1000);

/** Root mean square level in dBFS (0 = full-scale square wave); silence is -Infinity. */
export function rmsDbfs(pcm: Int16Array): number {
  if (pcm.length === 0) return -Infinity;
  let sum = 0;
  for (let i = 0; i < pcm.length; i++) sum += pcm[i]! * pcm[i]!;
  return 20 * Math.log10(Math.sqrt(sum / pcm.length) / 32768);
}

/**
 * Cuts a stream of arbitrary-sized chunks into fixed frames (20 ms by default: the unit of the phone
 * media streams and of voice activity detection). The remainder waits for the next push; `flush` pads
 * the last partial frame with silence.
 */
export class FrameChunker {
  private pending = new Int16Array(0);
  readonly frameSamples: number;

  constructor(sampleRate: number, frameMs = 20) {
    this.frameSamples = samplesPerFrame(sampleRate, frameMs);
  }

  push(chunk: Int16Array): Int16Array[] {
    const all = this.pending.length ? concatPcm([this.pending, chunk]) : chunk;
    const frames: Int16Array[] = [];
    let at = 0;
    for (; at + this.frameSamples <= all.length; at += this.frameSamples) frames.push(all.slice(at, at + this.frameSamples));
    this.pending = all.slice(at);
    return frames;
  }

  flush(): Int16Array[] {
    if (this.pending.length === 0) return [];
    const last = new Int16Array(this.frameSamples);
    last.set(this.pending);
    this.pending = new Int16Array(0);
    return [last];
  }
}

/** A RIFF/WAVE header's format and where its samples start (espeak-ng --stdout writes one). */
export interface WavFormat {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  dataOffset: number;
}

/**
 * Reads the header of a PCM WAV stream from its first bytes; null while more bytes are needed. The data
 * chunk's length is ignored: a streaming writer does not know it yet (espeak-ng writes 0x7ffff000).
 */
export function parseWavHeader(bytes: Uint8Array): WavFormat | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length < 12) return null;
  if (tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('not a RIFF/WAVE stream');
  let at = 12;
  let format: Omit<WavFormat, 'dataOffset'> | null = null;
  while (at + 8 <= bytes.length) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    if (id === 'data') {
      if (!format) throw new Error('WAV data chunk before its fmt chunk');
      return { ...format, dataOffset: at + 8 };
    }
    if (id === 'fmt ') {
      if (at + 8 + 16 > bytes.length) return null;
      if (view.getUint16(at + 8, true) !== 1) throw new Error('WAV stream is not PCM');
      format = { channels: view.getUint16(at + 10, true), sampleRate: view.getUint32(at + 12, true), bitsPerSample: view.getUint16(at + 22, true) };
    }
    at += 8 + size + (size & 1);
  }
  return null;
}

/** The 44-byte header of a mono 16-bit PCM WAV file holding `samples` samples (its data follows). */
export function wavHeader(sampleRate: number, samples: number): Uint8Array {
  const bytes = new Uint8Array(44);
  const view = new DataView(bytes.buffer);
  const ascii = (at: number, s: string) => [...s].forEach((c, i) => (bytes[at + i] = c.charCodeAt(0)));
  const dataBytes = samples * 2;
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  return bytes;
}
