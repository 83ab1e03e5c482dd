/**
 * Cloud speech end to end on the real app and database, every vendor played by its protocol-level fake
 * on 127.0.0.1 (test/fakes/speech): speech providers saved with vault-encrypted keys, their test call,
 * agents naming them per role, and `resolveSpeechEngines` (the voice pipeline's entry point) building
 * engines that carry the decrypted key to the vendor. Another org's provider is not_found; with the
 * private network closed a tenant's loopback base_url is refused for the WebSocket and HTTP alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSpeechEngines } from '../../src/pipeline/agent/speech.js';
import { AppError } from '../../src/platform/errors.js';
import { concatPcm } from '../../src/voice/media/pcm.js';
import { createPocketsphinxEngine } from '../../src/voice/stt/pocketsphinx.js';
import { createEspeakEngine } from '../../src/voice/tts/espeak.js';
import { call, createOrg, type TestOrg } from '../helpers/api.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { startFakeDeepgram, startFakeElevenLabs, startFakeOpenAiTts, tone, type FakeDeepgram, type FakeElevenLabs, type FakeOpenAiTts } from '../fakes/speech/index.js';

const DG_KEY = `dg-speech-CANARY-${'d'.repeat(24)}`;
const XI_KEY = `xi-speech-CANARY-${'x'.repeat(24)}`;
const OA_KEY = `sk-speech-CANARY-${'o'.repeat(24)}`;
const offline = { stt: createPocketsphinxEngine(), tts: createEspeakEngine() };

async function collect(stream: AsyncIterable<Int16Array>): Promise<Int16Array[]> {
  const chunks: Int16Array[] = [];
  for await (const c of stream) chunks.push(c);
  return chunks;
}

describe(`cloud speech providers (${modeName})`, () => {
  let t: TestApp;
  let dg: FakeDeepgram;
  let el: FakeElevenLabs;
  let oa: FakeOpenAiTts;
  let org: TestOrg;
  let other: TestOrg;
  const ids = { deepgram: '', elevenlabs: '', openaiSpeech: '', openai: '', otherDeepgram: '' };
  const create = async (o: TestOrg, body: Record<string, unknown>) => {
    const res = await call(t.app, { method: 'POST', url: '/providers', token: o.tokens.admin, body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };

  beforeAll(async () => {
    [dg, el, oa] = await Promise.all([startFakeDeepgram({ apiKey: DG_KEY }), startFakeElevenLabs({ apiKey: XI_KEY }), startFakeOpenAiTts({ apiKey: OA_KEY })]);
    t = await createTestApp({ config: { allowPrivateNetwork: true } });
    org = await createOrg(t.app, 'Speech');
    other = await createOrg(t.app, 'Other speech');
    ids.deepgram = await create(org, { name: 'Deepgram', kind: 'deepgram', base_url: dg.url, credentials: { api_key: DG_KEY }, default_model: 'nova-3' });
    ids.elevenlabs = await create(org, { name: 'ElevenLabs', kind: 'elevenlabs', base_url: el.url, credentials: { api_key: XI_KEY } });
    ids.openaiSpeech = await create(org, { name: 'OpenAI voice', kind: 'openai_speech', base_url: oa.url, credentials: { api_key: OA_KEY }, default_model: 'tts-1' });
    ids.openai = await create(org, { name: 'OpenAI', kind: 'openai', base_url: oa.url, credentials: { api_key: OA_KEY } });
    ids.otherDeepgram = await create(other, { name: 'Theirs', kind: 'deepgram', base_url: dg.url, credentials: { api_key: DG_KEY } });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([dg?.close(), el?.close(), oa?.close()]);
  });

  it('POST /providers/{id}/test reaches each speech API with its own auth header', async () => {
    const test = async (id: string) => (await call(t.app, { method: 'POST', url: `/providers/${id}/test`, token: org.tokens.admin })).json();
    expect(await test(ids.deepgram)).toEqual({ ok: true, latency_ms: expect.any(Number) });
    expect(dg.requests.at(-1)).toMatchObject({ method: 'GET', path: '/v1/projects', headers: { authorization: `Token ${DG_KEY}` } });
    expect(await test(ids.elevenlabs)).toEqual({ ok: true, latency_ms: expect.any(Number) });
    expect(el.requests.at(-1)).toMatchObject({ method: 'GET', path: '/v1/models', headers: { 'xi-api-key': XI_KEY } });
    expect(await test(ids.openaiSpeech)).toEqual({ ok: true, latency_ms: expect.any(Number) });
    expect(oa.requests.at(-1)).toMatchObject({ method: 'GET', path: '/v1/models', headers: { authorization: `Bearer ${OA_KEY}` } });
    // A wrong key: each vendor's 401, reported without its text.
    for (const [kind, url] of [['deepgram', dg.url], ['elevenlabs', el.url], ['openai_speech', oa.url]] as const) {
      const wrong = await create(org, { name: `wrong ${kind}`, kind, base_url: url, credentials: { api_key: `wrong-CANARY-${'w'.repeat(20)}` } });
      const res = await call(t.app, { method: 'POST', url: `/providers/${wrong}/test`, token: org.tokens.admin });
      expect(res.json()).toMatchObject({ ok: false, error: 'the provider refused the credentials (HTTP 401)' });
      expect(res.body).not.toContain('CANARY');
    }
  });

  it('agents take Deepgram for recognition and ElevenLabs or OpenAI (either kind) for speech', async () => {
    for (const tts of [ids.elevenlabs, ids.openaiSpeech, ids.openai]) {
      const res = await call(t.app, { method: 'POST', url: '/agents', token: org.tokens.admin, body: { name: 'voice', stt: { provider_id: ids.deepgram, model: null }, tts: { provider_id: tts, voice: null } } });
      expect(res.statusCode, res.body).toBe(201);
    }
    const wrongRole = await call(t.app, { method: 'POST', url: '/agents', token: org.tokens.admin, body: { name: 'x', stt: { provider_id: ids.openaiSpeech } } });
    expect(wrongRole.statusCode).toBe(400);
    expect(wrongRole.json().error.message).toBe('stt.provider_id must name a speech recognition provider (deepgram), not openai_speech');
  });

  it('resolveSpeechEngines: Deepgram hears and ElevenLabs speaks with the decrypted keys', async () => {
    const speech = await resolveSpeechEngines(t.deps, { orgId: org.id }, { stt: { provider_id: ids.deepgram, model: null }, tts: { provider_id: ids.elevenlabs, voice: null }, language: 'en' }, offline);
    expect([speech.stt.name, speech.tts.name, speech.voice]).toEqual(['deepgram', 'elevenlabs', null]);
    const session = await speech.stt.start({ sampleRate: 8000 });
    dg.enqueue('what are your opening hours');
    session.write(tone(8000, 600, 300));
    expect((await session.finish()).text).toBe('what are your opening hours');
    session.close();
    const conn = dg.connections.at(-1)!;
    expect(conn.headers.authorization).toBe(`Token ${DG_KEY}`);
    expect(conn.query).toMatchObject({ model: 'nova-3', sample_rate: '8000', language: 'en' }); // the provider's default_model
    const audio = concatPcm(await collect(speech.tts.synthesize('We open at nine.', { sampleRate: 8000 })));
    expect(audio.length).toBe('We open at nine.'.length * 20 * 8);
    expect(el.requests.at(-1)).toMatchObject({ query: { output_format: 'ulaw_8000' }, headers: { 'xi-api-key': XI_KEY } });
  });

  it('an agent model overrides the provider default; an openai key speaks through /audio/speech', async () => {
    const speech = await resolveSpeechEngines(t.deps, { orgId: org.id }, { stt: { provider_id: ids.deepgram, model: 'nova-2-phonecall' }, tts: { provider_id: ids.openai, voice: 'coral' } }, offline);
    const session = await speech.stt.start({ sampleRate: 16000 });
    expect(dg.connections.at(-1)!.query.model).toBe('nova-2-phonecall');
    session.close();
    const audio = concatPcm(await collect(speech.tts.synthesize('Hello.', { sampleRate: 16000, voice: speech.voice! })));
    expect(audio.length).toBeGreaterThan(0);
    expect(oa.requests.at(-1)).toMatchObject({ path: '/v1/audio/speech', body: { voice: 'coral', model: 'gpt-4o-mini-tts', response_format: 'pcm' }, headers: { authorization: `Bearer ${OA_KEY}` } });
  });

  it("another org's provider is not_found; a provider in the wrong role is unprocessable; none means offline", async () => {
    const foreign = await resolveSpeechEngines(t.deps, { orgId: org.id }, { stt: { provider_id: ids.otherDeepgram, model: null }, tts: { provider_id: null, voice: null } }, offline).catch((e: unknown) => e);
    expect(foreign).toBeInstanceOf(AppError);
    expect(foreign).toMatchObject({ code: 'not_found' });
    await expect(resolveSpeechEngines(t.deps, { orgId: org.id }, { stt: { provider_id: null, model: null }, tts: { provider_id: ids.deepgram, voice: null } }, offline)).rejects.toMatchObject({ code: 'unprocessable' });
    const none = await resolveSpeechEngines(t.deps, { orgId: other.id }, { stt: { provider_id: null, model: null }, tts: { provider_id: null, voice: null } }, offline);
    expect([none.stt.name, none.tts.name]).toEqual(['pocketsphinx', 'espeak-ng']);
  });

  it('with the private network closed, a loopback base_url is refused for the WebSocket and for HTTP', async () => {
    const strict = await createTestApp({ testDb: t.testDb, keyring: t.keyring, config: { allowPrivateNetwork: false } });
    try {
      const before = dg.connections.length;
      const speech = await resolveSpeechEngines(strict.deps, { orgId: org.id }, { stt: { provider_id: ids.deepgram, model: null }, tts: { provider_id: ids.openaiSpeech, voice: null } }, offline);
      await expect(speech.stt.start({ sampleRate: 16000 })).rejects.toMatchObject({ code: 'network', message: expect.stringMatching(/refused/) });
      expect(dg.connections.length).toBe(before);
      const error = await collect(speech.tts.synthesize('Hello.', { sampleRate: 16000 })).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'network', message: expect.stringMatching(/refused/) });
    } finally {
      await strict.close();
    }
  });
});
