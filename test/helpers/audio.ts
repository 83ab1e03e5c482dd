/** Signals and measures shared by the media tests (test code only). */
export function sine(freq: number, sampleRate: number, seconds: number, amplitude = 0.5): Int16Array {
  return Int16Array.from({ length: Math.round(sampleRate * seconds) }, (_, n) => Math.round(amplitude * 32767 * Math.sin((2 * Math.PI * freq * n) / sampleRate)));
}

/** Signal-to-noise ratio in dB of `actual` against `expected`, over [from, to). */
export function snrDb(expected: ArrayLike<number>, actual: ArrayLike<number>, from: number, to: number): number {
  let signal = 0;
  let noise = 0;
  for (let i = from; i < to; i++) {
    signal += expected[i]! ** 2;
    noise += (expected[i]! - actual[i]!) ** 2;
  }
  return 10 * Math.log10(signal / noise);
}

/** Deterministic white noise at roughly `dbfs` RMS (a fixed-seed LCG: the same samples every run). */
export function noise(sampleRate: number, seconds: number, dbfs: number, seed = 1): Int16Array {
  const amplitude = 32768 * 10 ** (dbfs / 20) * Math.sqrt(3); // uniform noise: RMS = amplitude / √3
  let state = seed;
  return Int16Array.from({ length: Math.round(sampleRate * seconds) }, () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return Math.round(((state / 2 ** 32) * 2 - 1) * amplitude);
  });
}

/** `a` with `b` added sample by sample (clipped); lengths follow `a`. */
export function mix(a: Int16Array, b: Int16Array): Int16Array {
  return Int16Array.from(a, (v, i) => Math.max(-32768, Math.min(32767, v + (b[i] ?? 0))));
}

export const silence = (sampleRate: number, seconds: number): Int16Array => new Int16Array(Math.round(sampleRate * seconds));
