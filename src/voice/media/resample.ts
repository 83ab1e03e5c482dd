/**
 * Streaming sample-rate conversion by windowed-sinc interpolation: each output sample is the input
 * convolved with a low-pass kernel (sinc × Kaiser window) centred on the output instant. The cutoff sits
 * just below the lower of the two Nyquist frequencies, so downsampling (22.05 kHz TTS → 8 kHz phone)
 * removes what would alias instead of folding it back, which naive decimation does.
 *
 * Output sample n is the signal at time n / outRate exactly (no group delay); in streaming use the
 * output trails the input by the kernel's half width, and `flush` releases that tail.
 */
export interface ResamplerOptions {
  /** Zero crossings of the sinc on each side, at the lower rate: quality against cost. */
  halfWidth?: number;
  /** Cutoff as a fraction of the lower Nyquist frequency (the transition band lies above it). */
  rolloff?: number;
}

const TABLE_STEPS = 128; // kernel samples per input sample; linear interpolation between them
const KAISER_BETA = 8.6; // ≈ 90 dB stop band

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 30; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
  }
  return sum;
}

export class Resampler {
  private readonly step: number; // input samples per output sample
  private readonly reach: number; // kernel half width in input samples
  private readonly table: Float32Array;
  private buffer = new Float32Array(0);
  private bufferStart = 0; // absolute input index of buffer[0]
  private received = 0; // input samples pushed so far
  private produced = 0; // output samples produced so far

  constructor(
    readonly inRate: number,
    readonly outRate: number,
    options: ResamplerOptions = {},
  ) {
    if (!(inRate > 0 && outRate > 0)) throw new Error('sample rates must be positive');
    this.step = inRate / outRate;
    const cutoff = Math.min(1, outRate / inRate) * (options.rolloff ?? 0.92); // of the input Nyquist
    const halfWidth = options.halfWidth ?? 16;
    this.reach = Math.ceil(halfWidth / Math.min(1, outRate / inRate));
    this.table = new Float32Array(this.reach * TABLE_STEPS + 2);
    const i0beta = besselI0(KAISER_BETA);
    for (let i = 0; i < this.table.length; i++) {
      const d = i / TABLE_STEPS;
      const r = d / this.reach;
      const window = r >= 1 ? 0 : besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / i0beta;
      const x = Math.PI * cutoff * d;
      this.table[i] = cutoff * (d === 0 ? 1 : Math.sin(x) / x) * window;
    }
  }

  private kernel(distance: number): number {
    const pos = Math.abs(distance) * TABLE_STEPS;
    const i = Math.floor(pos);
    if (i + 1 >= this.table.length) return 0;
    const frac = pos - i;
    return this.table[i]! * (1 - frac) + this.table[i + 1]! * frac;
  }

  /** Resamples the next chunk; returns the output samples that are complete so far. */
  process(input: Int16Array): Int16Array {
    this.append(input);
    return this.drain(this.received);
  }

  /** Ends the stream (silence after it) and returns the remaining output; the resampler is done after. */
  flush(): Int16Array {
    const end = this.received;
    this.append(new Int16Array(this.reach + 1));
    const out = this.drain(end);
    this.received = end;
    return out;
  }

  private append(input: Int16Array): void {
    const merged = new Float32Array(this.buffer.length + input.length);
    merged.set(this.buffer);
    for (let i = 0; i < input.length; i++) merged[this.buffer.length + i] = input[i]!;
    this.buffer = merged;
    this.received = this.bufferStart + merged.length;
  }

  /** Produces every output sample at or before `inputEnd` whose kernel window is fully buffered. */
  private drain(inputEnd: number): Int16Array {
    const available = this.bufferStart + this.buffer.length;
    const out: number[] = [];
    for (;;) {
      const t = this.produced * this.step;
      if (t >= inputEnd || Math.floor(t) + this.reach >= available) break;
      let acc = 0;
      const first = Math.max(0, Math.floor(t) - this.reach + 1);
      const last = Math.floor(t) + this.reach;
      for (let k = first; k <= last; k++) {
        const x = k - this.bufferStart;
        if (x >= 0) acc += this.buffer[x]! * this.kernel(t - k);
      }
      out.push(Math.max(-32768, Math.min(32767, Math.round(acc))));
      this.produced++;
    }
    const keepFrom = Math.max(this.bufferStart, Math.floor(this.produced * this.step) - this.reach);
    this.buffer = this.buffer.slice(keepFrom - this.bufferStart);
    this.bufferStart = keepFrom;
    return Int16Array.from(out);
  }
}

/** Resamples a whole buffer at once. */
export function resample(pcm: Int16Array, inRate: number, outRate: number, options?: ResamplerOptions): Int16Array {
  if (inRate === outRate) return pcm.slice();
  const r = new Resampler(inRate, outRate, options);
  const head = r.process(pcm);
  const tail = r.flush();
  const out = new Int16Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}
