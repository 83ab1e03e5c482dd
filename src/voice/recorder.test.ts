import { describe, expect, it } from 'vitest';
import { muLawDecode } from './media/mulaw.js';
import { CallRecorder, RECORDING_RATE, type RecordingChunk } from './recorder.js';

const RATE = RECORDING_RATE;
const tone = (value: number, seconds: number, rate = RATE) => new Int16Array(Math.round(seconds * rate)).fill(value);

/** A recorder on a clock the test moves, fed caller audio in 20 ms frames as a phone line does. */
function setup(opts: { sampleRate?: number; chunkSamples?: number; maxSeconds?: number } = {}) {
  let now = 1_000_000;
  const chunks: RecordingChunk[] = [];
  const rate = opts.sampleRate ?? RATE;
  const rec = new CallRecorder({ sampleRate: rate, onChunk: (c) => chunks.push(c), now: () => now, ...opts });
  const frame = rate / 50;
  return {
    rec,
    chunks,
    /** `seconds` of caller audio at `value`, in real time. */
    line(value: number, seconds: number) {
      for (let i = 0; i < Math.round(seconds * 50); i++) {
        now += 20;
        rec.callerAudio(tone(value, 0.02, rate).subarray(0, frame));
      }
    },
    wait(ms: number) {
      now += ms;
    },
    /** The whole recording, decoded. */
    audio() {
      expect(chunks.map((c) => c.seq)).toEqual(chunks.map((_, i) => i));
      return muLawDecode(Uint8Array.from(chunks.flatMap((c) => [...c.data])));
    },
  };
}

/** The mean level of [from, to) seconds. */
const level = (pcm: Int16Array, from: number, to: number) => {
  const part = pcm.subarray(Math.round(from * RATE), Math.round(to * RATE));
  return part.reduce((a, b) => a + b, 0) / part.length;
};

/** μ-law steps grow with the level: within 4 % (or 40 near zero). */
const expectNear = (value: number, target: number) => expect(Math.abs(value - target)).toBeLessThanOrEqual(Math.max(40, 0.04 * target));

describe('call recorder', () => {
  it('mixes the agent\'s audio into the caller\'s where it plays: queued pieces back to back, from when they were sent', () => {
    const s = setup();
    s.line(1000, 1);
    s.rec.agentAudio(tone(2000, 0.5)); // sent at 1 s: plays 1–1.5 s
    s.rec.agentAudio(tone(4000, 0.5)); // sent at once, queued after it: 1.5–2 s
    s.line(1000, 2);
    s.rec.finish();
    const pcm = s.audio();
    expect(pcm.length).toBe(3 * RATE);
    expectNear(level(pcm, 0.05, 0.95), 1000);
    expectNear(level(pcm, 1.05, 1.45), 3000);
    expectNear(level(pcm, 1.55, 1.95), 5000);
    expectNear(level(pcm, 2.05, 2.95), 1000);
  });

  it('a barge-in drops the agent audio not yet played', () => {
    const s = setup();
    s.line(0, 0.5);
    s.rec.agentAudio(tone(3000, 2)); // would play 0.5–2.5 s
    s.line(0, 0.5);
    s.rec.clearAgent(); // at 1 s
    s.line(500, 1.5);
    s.rec.finish();
    const pcm = s.audio();
    expectNear(level(pcm, 0.55, 0.95), 3000);
    expectNear(level(pcm, 1.05, 2.45), 500);
  });

  it('hands out one-minute chunks as the call goes on, and the rest at the end; memory does not grow with the call', () => {
    const s = setup({ chunkSamples: RATE }); // one-second chunks
    s.line(100, 10);
    // Chunks stay a margin (2 s) behind the clock for late frames.
    expect(s.chunks.length).toBeGreaterThanOrEqual(7);
    expect(s.chunks.every((c) => c.data.length === RATE)).toBe(true);
    s.rec.finish();
    s.rec.finish();
    expect(s.audio().length).toBe(10 * RATE);
    s.line(100, 1);
    expect(s.audio().length).toBe(10 * RATE); // nothing after the end
  });

  it('stops at the size cap while the call goes on', () => {
    const s = setup({ chunkSamples: RATE, maxSeconds: 3 });
    s.line(100, 6);
    s.rec.finish();
    expect(s.audio().length).toBe(3 * RATE);
  });

  it('widget audio (16 kHz) is recorded at 8 kHz; a pause in the caller\'s audio is silence, not a shift', () => {
    const s = setup({ sampleRate: 16_000 });
    s.line(1000, 1);
    s.wait(2000); // the microphone was off for two seconds
    s.line(1000, 1);
    s.rec.finish();
    const pcm = s.audio();
    expect(pcm.length).toBeGreaterThanOrEqual(3.6 * RATE);
    expect(pcm.length).toBeLessThanOrEqual(4 * RATE);
    expectNear(level(pcm, 0.1, 0.9), 1000);
    expect(Math.abs(level(pcm, 1.5, 2.5))).toBeLessThan(50);
    expectNear(level(pcm, pcm.length / RATE - 0.9, pcm.length / RATE - 0.1), 1000);
  });

  it('agent audio of a call whose caller sends nothing still lands on the wall clock', () => {
    const s = setup();
    s.wait(1000);
    s.rec.agentAudio(tone(2000, 1));
    s.wait(3000);
    s.rec.finish();
    const pcm = s.audio();
    expect(pcm.length).toBeGreaterThanOrEqual(3.5 * RATE);
    expectNear(level(pcm, 0.8, 1.6), 2000);
    expect(Math.abs(level(pcm, 2.2, 3.4))).toBeLessThan(50);
  });
});
