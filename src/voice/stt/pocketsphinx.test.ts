import { afterAll, describe, expect, it } from 'vitest';
import { HAS_ESPEAK, HAS_POCKETSPHINX, NO_ESPEAK_MESSAGE, NO_POCKETSPHINX_MESSAGE, speak, throughMuLaw, wordErrors } from '../../../test/helpers/speech.js';
import { SpeechUnavailableError } from '../unavailable.js';
import { createPocketsphinxEngine } from './pocketsphinx.js';
import type { RecognitionGrammar } from './types.js';

const canRun = HAS_ESPEAK && HAS_POCKETSPHINX;
if (!canRun) console.warn(HAS_ESPEAK ? NO_POCKETSPHINX_MESSAGE : NO_ESPEAK_MESSAGE);

const MENU: RecognitionGrammar = { kind: 'choices', choices: [{ label: 'billing', examples: ['my invoice'] }, { label: 'sales', examples: ['buy something'] }, { label: 'support', examples: ['it is broken'] }] };
// Caller lines synthesized with espeak-ng and the grammar the prompt would set.
const CASES: Array<[string, RecognitionGrammar]> = [
  ['yes', { kind: 'yes_no' }],
  ['no', { kind: 'yes_no' }],
  ['four two seven', { kind: 'digits' }],
  ['twenty three', { kind: 'number' }],
  ['billing', MENU],
  ['sales', MENU],
];

// Decoding is CPU-bound: generous timeouts for a loaded CI machine.
describe.skipIf(!canRun)('pocketsphinx engine (constrained per prompt)', { timeout: 180_000 }, () => {
  const engine = createPocketsphinxEngine();
  afterAll(() => engine.close());

  for (const [rate, label] of [[16000, '16 kHz PCM'], [8000, 'μ-law 8 kHz']] as const) {
    it(`recognises yes, no, digits, a number and menu choices (${label})`, async () => {
      const partials: string[] = [];
      const session = await engine.start({ sampleRate: rate, onPartial: (p) => partials.push(p.text) });
      const heard: string[] = [];
      for (const [line, grammar] of CASES) {
        await session.setGrammar(grammar);
        const pcm = await speak(line, rate);
        const audio = rate === 8000 ? throughMuLaw(pcm) : pcm;
        for (let at = 0; at < audio.length; at += rate / 50) session.write(audio.subarray(at, at + rate / 50)); // 20 ms frames
        heard.push((await session.finish()).text);
      }
      session.close();
      if (rate === 16000) expect(heard).toEqual(CASES.map(([line]) => line));
      // Through μ-law the digits can slip a word (docs/voice.md: 5–20% word error); answers that choose
      // (yes/no, menu) must still be exact.
      const errors = CASES.reduce((n, [line], i) => n + wordErrors(line, heard[i]!), 0);
      expect(errors).toBeLessThanOrEqual(2);
      expect([heard[0], heard[1], heard[4], heard[5]]).toEqual(['yes', 'no', 'billing', 'sales']);
      expect(partials.some((p) => p.split(' ').length >= 2)).toBe(true);
    });
  }

  it('free speech uses a language model built from the agent’s texts', async () => {
    const session = await engine.start({ sampleRate: 16000, languageModel: { texts: ['Our opening hours are nine to five, Monday to Friday.'] } });
    session.write(await speak('what are your opening hours', 16000));
    const result = await session.finish();
    session.close();
    expect(result.text).toContain('opening hours');
  });

  it('an utterance with no audio gives an empty result', async () => {
    const session = await engine.start({ sampleRate: 16000, grammar: { kind: 'yes_no' } });
    expect(await session.finish()).toMatchObject({ text: '', confidence: 0 });
    session.close();
  });
});

describe('pocketsphinx engine without the packages', () => {
  it('fails with a message naming the Debian packages', async () => {
    const engine = createPocketsphinxEngine({ files: { library: '/nonexistent/libpocketsphinx.so.3', sphinxbase: '/nonexistent/libsphinxbase.so.3', acousticModel: '/nonexistent', dictionary: '/nonexistent' } });
    const error = await engine.start({ sampleRate: 16000 }).catch((e: unknown) => e);
    expect(String(error)).toMatch(HAS_POCKETSPHINX ? /libpocketsphinx|load|cannot|No such file/i : /apt-get install pocketsphinx/);
    expect(error instanceof Error).toBe(true);
    await engine.close();
    void SpeechUnavailableError;
  });
});
