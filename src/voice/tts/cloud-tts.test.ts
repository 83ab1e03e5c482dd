/**
 * The ElevenLabs and OpenAI engines' real client code against protocol-level fakes on 127.0.0.1
 * (test/fakes/speech): the request each API expects, streamed audio reassembled across odd chunk
 * boundaries, μ-law and 24 kHz PCM turned into the transport's rate, clear errors that never quote the
 * vendor's text (OpenAI's 401 repeats the key), and cancellation that stops the download (barge-in).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeElevenLabs, startFakeOpenAiTts, type FakeElevenLabs, type FakeOpenAiTts } from '../../../test/fakes/speech/index.js';
import { SpeechProviderError } from '../cloud/errors.js';
import { concatPcm } from '../media/pcm.js';
import { createElevenLabsEngine } from './elevenlabs.js';
import { chunkText } from './http-audio.js';
import { createOpenAiTtsEngine } from './openai.js';
import type { TtsStream } from './types.js';

const XI_KEY = `xi-canary-${'x'.repeat(24)}`;
const OA_KEY = `sk-canary-${'o'.repeat(24)}`;
const WRONG = `sk-wrong-CANARY-${'w'.repeat(20)}`;
const TEXT = 'Hello there. Your balance is forty two dollars.'; // 47 characters

async function collect(stream: AsyncIterable<Int16Array>): Promise<Int16Array[]> {
  const chunks: Int16Array[] = [];
  for await (const c of stream) chunks.push(c);
  return chunks;
}

/** The dominant frequency of a tone, from its zero crossings. */
function frequencyOf(pcm: Int16Array, sampleRate: number): number {
  let crossings = 0;
  for (let i = 1; i < pcm.length; i++) if (pcm[i - 1]! < 0 !== pcm[i]! < 0) crossings++;
  return crossings / 2 / (pcm.length / sampleRate);
}

/** Reads one chunk, cancels, and returns how many samples arrived in all. */
async function cancelAfterFirstChunk(stream: TtsStream): Promise<number> {
  let received = 0;
  for await (const chunk of stream) {
    received += chunk.length;
    stream.cancel();
  }
  return received;
}

async function until(condition: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
}

describe('ElevenLabs streaming text-to-speech against the local fake', () => {
  let el: FakeElevenLabs;
  beforeAll(async () => {
    el = await startFakeElevenLabs({ apiKey: XI_KEY, voices: ['21m00Tcm4TlvDq8ikWAM', 'voice-two'] });
  });
  afterAll(async () => el?.close());
  beforeEach(() => {
    el.requests.length = 0;
    el.served.length = 0;
    el.behaviour = { msPerChar: 20, hz: 440, chunkBytes: 1001, chunkDelayMs: 2 };
  });

  it('widget rate: asks for pcm_16000 with xi-api-key and the model, and streams every sample in order', async () => {
    const engine = createElevenLabsEngine({ apiKey: XI_KEY, baseUrl: el.url, model: 'eleven_turbo_v2_5' });
    const chunks = await collect(engine.synthesize(TEXT, { sampleRate: 16000, voice: 'voice-two' }));
    const [req] = el.requests;
    expect(req).toMatchObject({ method: 'POST', path: '/v1/text-to-speech/voice-two/stream', query: { output_format: 'pcm_16000' }, body: { text: TEXT, model_id: 'eleven_turbo_v2_5' } });
    expect(req!.headers['xi-api-key']).toBe(XI_KEY);
    expect(chunks.length).toBeGreaterThan(5); // streamed, not one buffer
    const audio = concatPcm(chunks);
    expect(audio.length).toBe(TEXT.length * 20 * 16); // 20 ms a character, 16 samples a ms: none lost at the odd chunk edges
    expect(frequencyOf(audio, 16000)).toBeCloseTo(440, -1);
  });

  it('phone rate: asks for ulaw_8000 and hands back PCM at 8 kHz with the tone intact', async () => {
    const engine = createElevenLabsEngine({ apiKey: XI_KEY, baseUrl: el.url });
    const audio = concatPcm(await collect(engine.synthesize(TEXT, { sampleRate: 8000 })));
    expect(el.requests[0]).toMatchObject({ path: '/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM/stream', query: { output_format: 'ulaw_8000' }, body: { model_id: 'eleven_flash_v2_5' } });
    expect(audio.length).toBe(TEXT.length * 20 * 8);
    expect(frequencyOf(audio, 8000)).toBeCloseTo(440, -1);
  });

  it('a wrong key is a clear unauthorized error; an unknown voice a bad request naming the vendor code', async () => {
    const bad = createElevenLabsEngine({ apiKey: WRONG, baseUrl: el.url });
    const e1 = await collect(bad.synthesize(TEXT, { sampleRate: 16000 })).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(SpeechProviderError);
    expect(e1).toMatchObject({ code: 'unauthorized', status: 401 });
    expect((e1 as Error).message).toBe('elevenlabs text-to-speech: the provider refused the API key (HTTP 401, invalid_api_key); check the key of this provider');
    const good = createElevenLabsEngine({ apiKey: XI_KEY, baseUrl: el.url });
    const e2 = await collect(good.synthesize(TEXT, { sampleRate: 16000, voice: 'nobody' })).catch((e: unknown) => e);
    expect(e2).toMatchObject({ code: 'bad_request', status: 404 });
    expect((e2 as Error).message).toContain('voice_not_found');
    expect(() => good.synthesize(TEXT, { sampleRate: 16000, voice: '../../user' })).toThrow(/voice id/);
  });

  it('cancel (barge-in) ends the stream and closes the download the server was still sending', async () => {
    el.behaviour = { ...el.behaviour, hangAfterChunks: 3 };
    const engine = createElevenLabsEngine({ apiKey: XI_KEY, baseUrl: el.url });
    const received = await cancelAfterFirstChunk(engine.synthesize(TEXT, { sampleRate: 16000 }));
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(TEXT.length * 20 * 16);
    await until(() => el.served[0]?.clientAborted === true);
    expect(el.served[0]!.clientAborted).toBe(true);
  });

  it('text longer than one request allows goes out as several requests cut at sentence ends', async () => {
    el.behaviour = { ...el.behaviour, msPerChar: 1 };
    const sentence = 'This sentence is exactly fifty characters long ok. ';
    const long = sentence.repeat(120); // 6,120 characters
    const engine = createElevenLabsEngine({ apiKey: XI_KEY, baseUrl: el.url });
    await collect(engine.synthesize(long, { sampleRate: 16000 }));
    const texts = el.requests.map((r) => r.body!.text as string);
    expect(texts.length).toBe(2);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(5000);
    expect(texts.join(' ')).toBe(long.trim());
  });
});

describe('OpenAI text-to-speech against the local fake', () => {
  let oa: FakeOpenAiTts;
  beforeAll(async () => {
    oa = await startFakeOpenAiTts({ apiKey: OA_KEY });
  });
  afterAll(async () => oa?.close());
  beforeEach(() => {
    oa.requests.length = 0;
    oa.served.length = 0;
    oa.behaviour = { msPerChar: 20, hz: 1000, chunkBytes: 1001, chunkDelayMs: 2 };
  });

  it('asks for pcm with the Bearer key, model and voice; 24 kHz is resampled to 8 and 16 kHz', async () => {
    const engine = createOpenAiTtsEngine({ apiKey: OA_KEY, baseUrl: oa.url });
    for (const sampleRate of [8000, 16000]) {
      const chunks = await collect(engine.synthesize(TEXT, { sampleRate, voice: 'nova' }));
      expect(chunks.length).toBeGreaterThan(5);
      const audio = concatPcm(chunks);
      const expected = (TEXT.length * 20 * sampleRate) / 1000;
      expect(Math.abs(audio.length - expected)).toBeLessThanOrEqual(2);
      expect(frequencyOf(audio, sampleRate)).toBeCloseTo(1000, -1);
    }
    expect(oa.requests[0]).toMatchObject({ method: 'POST', path: '/v1/audio/speech', body: { model: 'gpt-4o-mini-tts', voice: 'nova', input: TEXT, response_format: 'pcm' } });
    expect(oa.requests[0]!.headers.authorization).toBe(`Bearer ${OA_KEY}`);
  });

  it("a wrong key's 401 (whose message quotes the key) becomes an error that names only the code", async () => {
    const engine = createOpenAiTtsEngine({ apiKey: WRONG, baseUrl: oa.url, model: 'tts-1' });
    const error = await collect(engine.synthesize(TEXT, { sampleRate: 16000 })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unauthorized', status: 401 });
    expect((error as Error).message).toContain('invalid_api_key');
    expect((error as Error).message).not.toContain('CANARY');
  });

  it('nothing listening is a network error naming no secret', async () => {
    const engine = createOpenAiTtsEngine({ apiKey: OA_KEY, baseUrl: 'http://127.0.0.1:9/v1' });
    const error = await collect(engine.synthesize(TEXT, { sampleRate: 16000 })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'SpeechProviderError', code: 'network', message: 'openai text-to-speech: could not reach the provider' });
  });

  it('a download that breaks off mid-audio is a clear network error after the audio already played', async () => {
    oa.behaviour = { ...oa.behaviour, resetAfterChunks: 3 };
    const engine = createOpenAiTtsEngine({ apiKey: OA_KEY, baseUrl: oa.url });
    let received = 0;
    const error = await (async () => {
      for await (const chunk of engine.synthesize(TEXT, { sampleRate: 16000 })) received += chunk.length;
    })().catch((e: unknown) => e);
    expect(received).toBeGreaterThan(0);
    expect(error).toMatchObject({ name: 'SpeechProviderError', code: 'network', message: 'openai text-to-speech: the audio download broke off' });
  });

  it('cancel ends the stream and the download', async () => {
    oa.behaviour = { ...oa.behaviour, hangAfterChunks: 2 };
    const engine = createOpenAiTtsEngine({ apiKey: OA_KEY, baseUrl: oa.url });
    const received = await cancelAfterFirstChunk(engine.synthesize(TEXT, { sampleRate: 8000 }));
    expect(received).toBeGreaterThan(0);
    await until(() => oa.served[0]?.clientAborted === true);
    expect(oa.served[0]!.clientAborted).toBe(true);
  });
});

describe('chunkText', () => {
  it('packs whole sentences up to the limit', () => {
    expect(chunkText('One two. Three four. Five six.', 20)).toEqual(['One two. Three four.', 'Five six.']);
    expect(chunkText('', 20)).toEqual([]);
  });
});
