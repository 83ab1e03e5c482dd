import { describe, expect, it } from 'vitest';
import { mix, noise, silence, sine } from '../../test/helpers/audio.js';
import { HAS_ESPEAK, NO_ESPEAK_MESSAGE, speak } from '../../test/helpers/speech.js';
import { FrameChunker, concatPcm } from './media/pcm.js';
import { VoiceActivityDetector, type VadEvent, type VadOptions } from './vad.js';

function run(audio: Int16Array, options: Partial<VadOptions> & { sampleRate: number }, agentSpeakingUntilMs = 0): VadEvent[] {
  const vad = new VoiceActivityDetector(options);
  const chunker = new FrameChunker(options.sampleRate);
  const events: VadEvent[] = [];
  let t = 0;
  for (const frame of [...chunker.push(audio), ...chunker.flush()]) {
    vad.setAgentSpeaking(t < agentSpeakingUntilMs);
    events.push(...vad.push(frame));
    t += 20;
  }
  return events;
}

describe('voice activity detection', () => {
  const rate = 8000;

  it('finds a burst in line noise: start and end within a frame or two of the truth', () => {
    const line = noise(rate, 3, -50);
    const audio = mix(line, concatPcm([silence(rate, 1), sine(300, rate, 0.8, 0.3), silence(rate, 1.2)]));
    const events = run(audio, { sampleRate: rate });
    expect(events.map((e) => e.type)).toEqual(['speech_start', 'speech_end']);
    expect(events[0]!.atMs).toBeGreaterThanOrEqual(980);
    expect(events[0]!.atMs).toBeLessThanOrEqual(1040);
    expect(events[1]!.atMs).toBeGreaterThanOrEqual(1780);
    expect(events[1]!.atMs).toBeLessThanOrEqual(1840);
  });

  it('waits endSilenceMs before ending the turn: a shorter pause keeps one turn', () => {
    const tone = sine(300, rate, 0.4, 0.3);
    const audio = concatPcm([silence(rate, 0.5), tone, silence(rate, 0.25), tone, silence(rate, 1)]);
    expect(run(audio, { sampleRate: rate, endSilenceMs: 300 }).map((e) => e.type)).toEqual(['speech_start', 'speech_end']);
    expect(run(audio, { sampleRate: rate, endSilenceMs: 200 }).map((e) => e.type)).toEqual(['speech_start', 'speech_end', 'speech_start', 'speech_end']);
  });

  it('a burst shorter than minSpeechMs ends as noise, not as a turn; clicks shorter than speechStartMs are ignored', () => {
    const audio = concatPcm([silence(rate, 0.5), sine(300, rate, 0.1, 0.3), silence(rate, 0.6), sine(300, rate, 0.02, 0.5), silence(rate, 0.6)]);
    expect(run(audio, { sampleRate: rate, minSpeechMs: 150, speechStartMs: 60 }).map((e) => e.type)).toEqual(['speech_start', 'noise']);
  });

  it('adapts to a noisy line: steady noise at -30 dBFS is not speech, a louder voice is', () => {
    const line = noise(rate, 4, -30, 7);
    const audio = mix(line, concatPcm([silence(rate, 2), sine(300, rate, 0.8, 0.5), silence(rate, 1.2)]));
    const vad = new VoiceActivityDetector({ sampleRate: rate });
    const events = run(audio, { sampleRate: rate });
    expect(events.map((e) => e.type)).toEqual(['speech_start', 'speech_end']);
    expect(events[0]!.atMs).toBeGreaterThanOrEqual(1980);
    vad.push(line.subarray(0, 160));
    expect(vad.noiseFloorDbfs).toBeLessThan(-20);
  });

  it('speech_start while the agent is talking is a barge-in', () => {
    const audio = concatPcm([silence(rate, 0.5), sine(300, rate, 0.5, 0.3), silence(rate, 0.5), sine(300, rate, 0.5, 0.3), silence(rate, 0.5)]);
    const starts = run(audio, { sampleRate: rate }, 1000).filter((e) => e.type === 'speech_start');
    expect(starts.map((e) => e.type === 'speech_start' && e.bargeIn)).toEqual([true, false]);
  });

  it.skipIf(!HAS_ESPEAK)('segments synthesized caller lines in noise into one turn each', async () => {
    if (!HAS_ESPEAK) console.warn(NO_ESPEAK_MESSAGE);
    const rate16 = 16000;
    const lines = await Promise.all(['Yes, that is right.', 'My account number is four two seven.'].map((t) => speak(t, rate16)));
    const speech = concatPcm([silence(rate16, 0.6), lines[0]!, silence(rate16, 1), lines[1]!, silence(rate16, 1)]);
    const events = run(mix(speech, noise(rate16, speech.length / rate16, -55, 3)), { sampleRate: rate16, endSilenceMs: 400 });
    expect(events.map((e) => e.type)).toEqual(['speech_start', 'speech_end', 'speech_start', 'speech_end']);
    const secondStartMs = 600 + (lines[0]!.length / rate16) * 1000 + 1000;
    expect(Math.abs(events[2]!.atMs - secondStartMs)).toBeLessThan(150);
  });
});
