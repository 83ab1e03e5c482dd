import { describe, expect, it } from 'vitest';
import { selectSpeechEngines } from './engines.js';
import { createPocketsphinxEngine } from './stt/pocketsphinx.js';
import { createEspeakEngine } from './tts/espeak.js';
import { SpeechUnavailableError } from './unavailable.js';

describe('selectSpeechEngines', () => {
  const offline = { stt: createPocketsphinxEngine(), tts: createEspeakEngine() };

  it('an agent without speech providers gets the offline engines and its voice', () => {
    const selected = selectSpeechEngines({ stt: { provider: null, model: null }, tts: { provider: null, voice: 'en-us+m3' } }, offline);
    expect(selected.stt.name).toBe('pocketsphinx');
    expect(selected.tts.name).toBe('espeak-ng');
    expect(selected.voice).toBe('en-us+m3');
  });

  it('a cloud provider not yet supported fails with a clear message, not a silent fallback', () => {
    const select = () => selectSpeechEngines({ stt: { provider: { kind: 'deepgram' }, model: null }, tts: { provider: null, voice: null } }, offline);
    expect(select).toThrow(SpeechUnavailableError);
    expect(select).toThrow(/deepgram speech recognition is unavailable/);
  });
});
