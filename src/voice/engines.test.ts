import { describe, expect, it } from 'vitest';
import { selectSpeechEngines, type CloudNetwork, type SpeechProviderRef } from './engines.js';
import { createPocketsphinxEngine } from './stt/pocketsphinx.js';
import { createEspeakEngine } from './tts/espeak.js';
import { SpeechProviderError } from './cloud/errors.js';

describe('selectSpeechEngines', () => {
  const offline = { stt: createPocketsphinxEngine(), tts: createEspeakEngine() };
  const net: CloudNetwork = { fetch: globalThis.fetch, guard: async () => undefined };
  const provider = (kind: SpeechProviderRef['kind']): SpeechProviderRef => ({ kind, apiKey: 'k', baseUrl: null, defaultModel: null });

  it('an agent without speech providers gets the offline engines and its voice', () => {
    const selected = selectSpeechEngines({ stt: { provider: null, model: null }, tts: { provider: null, voice: 'en-us+m3' } }, offline, net);
    expect(selected.stt.name).toBe('pocketsphinx');
    expect(selected.tts.name).toBe('espeak-ng');
    expect(selected.voice).toBe('en-us+m3');
  });

  it('a provider picks its cloud engine: Deepgram recognizes, ElevenLabs and OpenAI (either kind) speak', () => {
    const pick = (stt: SpeechProviderRef | null, tts: SpeechProviderRef | null) => selectSpeechEngines({ stt: { provider: stt, model: null }, tts: { provider: tts, voice: 'v' } }, offline, net);
    expect(pick(provider('deepgram'), provider('elevenlabs'))).toMatchObject({ stt: { name: 'deepgram' }, tts: { name: 'elevenlabs' }, voice: 'v' });
    expect(pick(null, provider('openai_speech')).tts.name).toBe('openai-tts');
    expect(pick(null, provider('openai')).tts.name).toBe('openai-tts');
  });

  it('a provider in a role it cannot fill fails clearly, never a silent fallback', () => {
    const sttByElevenLabs = () => selectSpeechEngines({ stt: { provider: provider('elevenlabs'), model: null }, tts: { provider: null, voice: null } }, offline, net);
    expect(sttByElevenLabs).toThrow(SpeechProviderError);
    expect(sttByElevenLabs).toThrow("elevenlabs speech recognition: elevenlabs providers do not offer speech recognition; set the agent's stt.provider_id to a provider of kind deepgram, or to null for the offline engine");
    const ttsByDeepgram = () => selectSpeechEngines({ stt: { provider: null, model: null }, tts: { provider: provider('deepgram'), voice: null } }, offline, net);
    expect(ttsByDeepgram).toThrow(/^deepgram text-to-speech: deepgram providers do not offer text-to-speech; set the agent's tts.provider_id to a provider of kind elevenlabs, openai_speech or openai,/);
  });
});
