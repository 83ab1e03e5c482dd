import { describe, expect, it } from 'vitest';
import { Resampler, resample } from './resample.js';
import { rmsDbfs } from './pcm.js';
import { sine, snrDb } from '../../../test/helpers/audio.js';

describe('resample', () => {
  it('8 kHz → 16 kHz → 8 kHz returns the original sine (SNR ≥ 50 dB away from the edges)', () => {
    const original = sine(440, 8000, 0.5);
    const up = resample(original, 8000, 16000);
    expect(up).toHaveLength(original.length * 2);
    const back = resample(up, 16000, 8000);
    expect(back).toHaveLength(original.length);
    expect(snrDb(original, back, 200, original.length - 200)).toBeGreaterThan(50);
  });

  it('22.05 kHz and 24 kHz TTS output land on the same sine at 16 kHz and 8 kHz', () => {
    for (const [from, to] of [[22050, 16000], [22050, 8000], [24000, 16000], [24000, 8000]] as const) {
      const out = resample(sine(1000, from, 0.5), from, to);
      expect(out.length).toBe(Math.round(0.5 * to));
      expect(snrDb(sine(1000, to, 0.5), out, 200, out.length - 200)).toBeGreaterThan(45);
    }
  });

  it('removes what would alias: a 6 kHz tone downsampled to 8 kHz comes out ≥ 60 dB down', () => {
    // Naive decimation would fold 6 kHz onto 2 kHz at full level.
    const out = resample(sine(6000, 22050, 0.5), 22050, 8000);
    expect(rmsDbfs(out.subarray(200, out.length - 200))).toBeLessThan(rmsDbfs(sine(6000, 22050, 0.5)) - 60);
  });

  it('streams: any chunking gives the same samples as one call', () => {
    const input = sine(700, 8000, 0.3);
    const whole = resample(input, 8000, 16000);
    const r = new Resampler(8000, 16000);
    const parts: number[] = [];
    for (let at = 0; at < input.length; at += 37) parts.push(...r.process(input.subarray(at, at + 37)));
    parts.push(...r.flush());
    expect(Int16Array.from(parts)).toEqual(whole);
  });
});
