import { describe, expect, it } from 'vitest';
import { muLawDecode, muLawDecodeSample, muLawEncode, muLawEncodeSample } from './mulaw.js';
import { sine, snrDb } from '../../../test/helpers/audio.js';

describe('G.711 μ-law', () => {
  it('matches the reference table at known points', () => {
    // Values from ITU-T G.711 / Sun g711.c: 0xFF and 0x7F are ±0, 0x80/0x00 the extremes.
    expect(muLawDecodeSample(0xff)).toBe(0);
    expect(muLawDecodeSample(0x7f)).toBe(0);
    expect(muLawDecodeSample(0x80)).toBe(32124);
    expect(muLawDecodeSample(0x00)).toBe(-32124);
    expect(muLawDecodeSample(0xfe)).toBe(8);
    expect(muLawDecodeSample(0x7e)).toBe(-8);
    expect(muLawDecodeSample(0xf0)).toBe(120);
    expect(muLawDecodeSample(0xef)).toBe(132);
    expect(muLawDecodeSample(0xe0)).toBe(372);
    expect(muLawEncodeSample(0)).toBe(0xff);
    expect(muLawEncodeSample(32767)).toBe(0x80);
    expect(muLawEncodeSample(-32768)).toBe(0x00);
    expect(muLawEncodeSample(8)).toBe(0xfe);
    expect(muLawEncodeSample(-8)).toBe(0x7e);
    expect(muLawEncodeSample(1000)).toBe(0xce);
  });

  it('every code decodes and re-encodes to itself (except negative zero)', () => {
    for (let b = 0; b < 256; b++) {
      if (b === 0x7f) continue;
      expect(muLawEncodeSample(muLawDecodeSample(b))).toBe(b);
    }
  });

  it('is monotonic: a louder sample never decodes quieter', () => {
    let previous = -Infinity;
    for (let s = -32768; s <= 32767; s += 61) {
      const decoded = muLawDecodeSample(muLawEncodeSample(s));
      expect(decoded).toBeGreaterThanOrEqual(previous);
      previous = decoded;
    }
  });

  it('round-trips a sine with the SNR of 8-bit log PCM (≥ 32 dB; G.711 gives about 34 at -6 dBFS)', () => {
    const pcm = sine(1000, 8000, 0.5);
    const back = muLawDecode(muLawEncode(pcm));
    expect(back).toHaveLength(pcm.length);
    expect(snrDb(pcm, back, 0, pcm.length)).toBeGreaterThan(32);
  });
});
