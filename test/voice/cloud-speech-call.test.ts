/**
 * A phone call end to end on cloud speech engines: the caller simulator phones a Twilio line whose
 * agent recognizes with Deepgram and speaks with ElevenLabs (or OpenAI), every vendor played by its
 * protocol-level fake (test/fakes/speech) reached through the provider's base_url. The greeting is
 * synthesized by the fake (it receives the text), the caller's "speech" (a tone, which the fake
 * Deepgram hears by its level) is recognized as the fake's scripted transcript, the agent answers, and
 * the transcript and the turn's voice marks are stored. No local speech packages are involved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, type TestOrg } from '../helpers/api.js';
import { modeName } from '../helpers/harness.js';
import { twilioCreds } from '../fakes/provider-sim/fixtures.js';
import { startFakeDeepgram, startFakeElevenLabs, startFakeOpenAiTts, tone, type FakeDeepgram, type FakeElevenLabs, type FakeOpenAiTts } from '../fakes/speech/index.js';
import { callWhen, created, dialIn, latestCall, startVoiceHarness, type VoiceHarness, type VoiceLine } from './support.js';

const DG_KEY = `dg-call-CANARY-${'d'.repeat(24)}`;
const XI_KEY = `xi-call-CANARY-${'x'.repeat(24)}`;
const OA_KEY = `sk-call-CANARY-${'o'.repeat(24)}`;
const GREETING = 'Hello, this is Acme.';
const HEARD = "that's all goodbye";

describe(`a phone call on cloud speech engines (${modeName})`, () => {
  let h: VoiceHarness;
  let dg: FakeDeepgram;
  let el: FakeElevenLabs;
  let oa: FakeOpenAiTts;
  let org: TestOrg;
  let elevenLine: VoiceLine;
  let openaiLine: VoiceLine;

  beforeAll(async () => {
    [dg, el, oa] = await Promise.all([startFakeDeepgram({ apiKey: DG_KEY }), startFakeElevenLabs({ apiKey: XI_KEY }), startFakeOpenAiTts({ apiKey: OA_KEY })]);
    h = await startVoiceHarness();
    org = await createOrg(h.t.app, 'Cloud voice');
    const provider = (body: Record<string, unknown>) => created(h.t, org.tokens.admin, '/providers', body);
    const deepgram = await provider({ name: 'Deepgram', kind: 'deepgram', base_url: dg.url, credentials: { api_key: DG_KEY }, default_model: 'nova-3' });
    const eleven = await provider({ name: 'ElevenLabs', kind: 'elevenlabs', base_url: el.url, credentials: { api_key: XI_KEY } });
    const openai = await provider({ name: 'OpenAI voice', kind: 'openai_speech', base_url: oa.url, credentials: { api_key: OA_KEY } });
    const agent = (tts: Record<string, unknown>) =>
      created(h.t, org.tokens.admin, '/agents', { name: 'Cloud desk', greeting: GREETING, stt: { provider_id: deepgram.id, model: 'nova-2-phonecall' }, tts });
    const line = async (n: string, tts: Record<string, unknown>): Promise<VoiceLine> =>
      created(h.t, org.tokens.admin, '/channels', { name: `Cloud line ${n}`, type: 'voice', provider: 'twilio', credentials: twilioCreds, phone_number: `+1415555030${n}`, agent_id: (await agent(tts)).id });
    elevenLine = await line('1', { provider_id: eleven.id, voice: null });
    openaiLine = await line('2', { provider_id: openai.id, voice: 'coral' });
  });
  afterAll(async () => {
    await h?.close();
    await Promise.all([dg?.close(), el?.close(), oa?.close()]);
  });

  /** Dials `line`, hears the greeting, "says" something the fake Deepgram hears as HEARD; the agent says goodbye and hangs up. */
  async function converse(line: VoiceLine) {
    const dialed = dg.connections.length;
    dg.enqueue(HEARD);
    const { caller } = await dialIn(h, line);
    const id = (await latestCall(h.t, org.tokens.admin)).id;
    const [greeting] = await caller.agentSays({ since: 0 });
    await caller.play(tone(8000, 800, 300));
    expect(await caller.closed).toBe(1000);
    const done = await callWhen(h.t, org.tokens.admin, id, (c) => c.status === 'ended' && c.latency.some((l: { first_audio_ms: number | null }) => l.first_audio_ms !== null));
    return { greeting: greeting!, done, deepgram: dg.connections.slice(dialed) };
  }

  it('Deepgram recognizes the caller (the agent\'s stt.model), ElevenLabs speaks; transcript and voice marks are stored', async () => {
    const { greeting, done, deepgram } = await converse(elevenLine);
    // The greeting was synthesized by the fake (20 ms of tone per character) and played to the caller.
    const spoken = el.requests.find((r) => r.body?.text === GREETING);
    expect(spoken).toMatchObject({ path: '/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM/stream', query: { output_format: 'ulaw_8000' }, headers: { 'xi-api-key': XI_KEY } });
    expect(greeting.pcm.length).toBeGreaterThanOrEqual(GREETING.length * 20 * 8 * 0.9);
    // One recognition stream for the call, with the agent's model (not the provider's default_model).
    expect(deepgram).toHaveLength(1);
    expect(deepgram[0]!.query).toMatchObject({ model: 'nova-2-phonecall', encoding: 'linear16', sample_rate: '8000' });
    expect(deepgram[0]!.headers.authorization).toBe(`Token ${DG_KEY}`);
    expect(deepgram[0]!.audioBytes).toBeGreaterThan(0);

    const lines = done.transcript.map((m: { role: string; text: string }) => `${m.role}: ${m.text}`);
    expect(lines[0]).toBe(`agent: ${GREETING}`);
    expect(lines[1]).toBe(`caller: ${HEARD}`);
    // The agent's closing line (the offline responder's goodbye ends the call), synthesized a sentence at a time.
    expect(lines[2]).toBe('agent: Thank you for calling. Goodbye!');
    expect(done.ended_reason).toBe('completed');
    expect(el.requests.map((r) => r.body?.text)).toEqual(expect.arrayContaining(['Thank you for calling.', 'Goodbye!']));
    const spokenTurn = done.latency.find((l: { stt_ms: number | null }) => l.stt_ms !== null);
    expect(spokenTurn).toMatchObject({ stt_ms: expect.any(Number), tts_ms: expect.any(Number), first_audio_ms: expect.any(Number) });
    expect(spokenTurn.first_audio_ms).toBeGreaterThan(0);
  }, 60_000);

  it('the same call speaking through OpenAI (the agent\'s tts.voice)', async () => {
    const { done } = await converse(openaiLine);
    expect(oa.requests.find((r) => r.body?.input === GREETING)).toMatchObject({ path: '/v1/audio/speech', body: { voice: 'coral', response_format: 'pcm' }, headers: { authorization: `Bearer ${OA_KEY}` } });
    expect(done.transcript.map((m: { role: string; text: string }) => m.role)).toEqual(['agent', 'caller', 'agent']);
    expect(done.transcript[1].text).toBe(HEARD);
    expect(done.latency.some((l: { stt_ms: number | null; tts_ms: number | null }) => l.stt_ms !== null && l.tts_ms !== null)).toBe(true);
  }, 60_000);
});
