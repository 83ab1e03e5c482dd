import { describe, expect, it } from 'vitest';
import { FrameChunker, parseWavHeader, pcmFromBytes, pcmToBytes, rmsDbfs, samplesPerFrame, wavHeader } from './pcm.js';

describe('PCM Int16 LE', () => {
  it('reads little-endian bytes, also from an odd offset', () => {
    const bytes = Uint8Array.from([0xaa, 0x34, 0x12, 0xff, 0x7f, 0x00, 0x80]);
    expect(Array.from(pcmFromBytes(bytes.subarray(1)))).toEqual([0x1234, 0x7fff, -32768]);
  });

  it('writes what it reads', () => {
    const pcm = Int16Array.from([0, 1, -1, 32767, -32768, 1234]);
    expect(Array.from(pcmToBytes(pcm).subarray(0, 6))).toEqual([0, 0, 1, 0, 0xff, 0xff]);
    expect(pcmFromBytes(pcmToBytes(pcm))).toEqual(pcm);
  });

  it('measures level in dBFS', () => {
    expect(rmsDbfs(new Int16Array(160))).toBe(-Infinity);
    expect(rmsDbfs(new Int16Array(160).fill(16384))).toBeCloseTo(-6.02, 1);
  });

  it('cuts a stream into 20 ms frames whatever the chunk sizes', () => {
    expect(samplesPerFrame(8000)).toBe(160);
    expect(samplesPerFrame(16000)).toBe(320);
    const chunker = new FrameChunker(8000);
    const input = Int16Array.from({ length: 500 }, (_, i) => i);
    const frames = [...chunker.push(input.subarray(0, 100)), ...chunker.push(input.subarray(100, 390)), ...chunker.push(input.subarray(390))];
    expect(frames.map((f) => f.length)).toEqual([160, 160, 160]);
    expect(frames[1]![0]).toBe(160);
    const [last] = chunker.flush();
    expect(last!.length).toBe(160);
    expect(Array.from(last!.subarray(0, 21))).toEqual([...Array.from({ length: 20 }, (_, i) => 480 + i), 0]);
  });

  it('parses a streaming WAV header (unknown data length) once enough bytes are in', () => {
    const header = Uint8Array.from(Buffer.from('524946462400ff7f57415645666d74201000000001000100225600004' + '4ac0000020010006461746100f0ff7f', 'hex'));
    expect(parseWavHeader(header.subarray(0, 30))).toBeNull();
    expect(parseWavHeader(header)).toEqual({ sampleRate: 22050, channels: 1, bitsPerSample: 16, dataOffset: 44 });
    expect(() => parseWavHeader(new TextEncoder().encode('not a wav file'))).toThrow(/RIFF/);
  });

  it('writes a mono 16-bit WAV header that the reader reads back', () => {
    const header = wavHeader(8000, 12_345);
    expect(header.length).toBe(44);
    expect(parseWavHeader(header)).toEqual({ sampleRate: 8000, channels: 1, bitsPerSample: 16, dataOffset: 44 });
    const view = new DataView(header.buffer);
    expect(view.getUint32(40, true)).toBe(24_690);
    expect(view.getUint32(4, true)).toBe(36 + 24_690);
  });
});
