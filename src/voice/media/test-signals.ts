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
