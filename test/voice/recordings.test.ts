/**
 * Call recordings (docs/voice.md "Recordings") over a Twilio media stream with the caller simulator:
 * an agent with `settings.voice.record` records both sides on the call's timeline; the WAV the API
 * returns holds the agent's greeting and reply and the caller's line where they were spoken (energy and
 * recognition); the stored bytes are ciphertext; who may listen and delete; another org gets 404; an
 * agent without the setting records nothing; deleting the call deletes its recording.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { muLawEncode } from '../../src/voice/media/mulaw.js';
import { parseWavHeader, pcmFromBytes, rmsDbfs } from '../../src/voice/media/pcm.js';
import { SimulatedCaller } from '../../src/voice/sim/caller.js';
import { createPocketsphinxEngine } from '../../src/voice/stt/pocketsphinx.js';
import { call, createOrg, type TestOrg } from '../helpers/api.js';
import { modeName } from '../helpers/harness.js';
import { HAS_ESPEAK, HAS_POCKETSPHINX } from '../helpers/speech.js';
import { expectError } from '../http/support.js';
import { twilioCreds } from '../fakes/provider-sim/fixtures.js';
import { callWhen, created, dialIn, latestCall, startVoiceHarness, type VoiceHarness } from './support.js';

const GREETING = 'Hello, this is the Acme box company.';
const CALLER_LINE = 'can i return a product';
const RATE = 8000;

type Channel = { id: string; webhook_url: string; phone_number: string };

describe.skipIf(!HAS_ESPEAK || !HAS_POCKETSPHINX)(`call recordings (${modeName})`, () => {
  let h: VoiceHarness;
  let a: TestOrg;
  let b: TestOrg;
  let recorded: Channel;
  let unrecorded: Channel;
  const stt = createPocketsphinxEngine({ freeSpeech: 'word_loop' });

  const admin = async (sql: string, params: unknown[]) => (await h.t.testDb.admin.transaction((q) => q<Record<string, unknown>>(sql, params))).rows;
  const chunksOf = (callId: string) => admin('select seq, samples, data from app.call_recordings where call_id = $1 order by seq', [callId]);
  const getAudio = (token: string, id: string) => call(h.t.app, { method: 'GET', url: `/calls/${id}/recording`, token });

  beforeAll(async () => {
    h = await startVoiceHarness();
    a = await createOrg(h.t.app, 'Recording A');
    b = await createOrg(h.t.app, 'Recording B');
    const agent = await created(h.t, a.tokens.admin, '/agents', { name: 'Recorded', greeting: GREETING, settings: { voice: { record: true } } });
    const plain = await created(h.t, a.tokens.admin, '/agents', { name: 'Not recorded', greeting: GREETING });
    const line = (agentId: string, n: string) =>
      created(h.t, a.tokens.admin, '/channels', { name: `Line ${n}`, type: 'voice', provider: 'twilio', credentials: twilioCreds, phone_number: `+1415555020${n}`, agent_id: agentId });
    recorded = await line(agent.id, '1');
    unrecorded = await line(plain.id, '2');
  });
  afterAll(async () => {
    await stt.close();
    await h?.close();
  });

  /** A call: the greeting, the caller's line, the agent's reply, the caller hangs up. Wall times of each part. */
  async function conversation(channel: Channel) {
    const { caller } = await dialIn(h, channel);
    const id = (await latestCall(h.t, a.tokens.admin)).id as string;
    const [greeting] = await caller.agentSays({ since: 0 });
    await new Promise((r) => setTimeout(r, 600));
    const lineStart = Date.now();
    await caller.say(CALLER_LINE);
    const lineEnd = Date.now();
    const [reply] = await caller.agentSays({ since: 1 });
    await new Promise((r) => setTimeout(r, 500));
    await caller.hangup();
    return { id, greeting: greeting!, lineStart, lineEnd, reply: reply! };
  }

  it('records both sides on the call\'s timeline, serves them as a WAV, stores only ciphertext; support agents listen, members do not', async () => {
    const c = await conversation(recorded);
    const detail = await callWhen(h.t, a.tokens.admin, c.id, (x) => x.status === 'ended' && x.recording !== null);
    expect(detail.recording).toMatchObject({ format: 'wav', created_at: expect.any(String) });

    expectError(await getAudio(a.tokens.member, c.id), 403);
    expectError(await getAudio(a.tokens.viewer, c.id), 403);
    const res = await getAudio(a.tokens.support_agent, c.id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('audio/wav');
    const wav = new Uint8Array(res.rawPayload);
    expect(wav.length).toBe(detail.recording.bytes);
    expect(Number(res.headers['content-length'])).toBe(wav.length);
    expect(parseWavHeader(wav)).toEqual({ sampleRate: RATE, channels: 1, bitsPerSample: 16, dataOffset: 44 });
    const pcm = pcmFromBytes(wav.subarray(44));
    expect(detail.recording.duration_ms).toBe(Math.round((pcm.length * 1000) / RATE));

    // Plausible length: the call from the greeting to the hang-up (the recording starts with the stream).
    const seconds = pcm.length / RATE;
    const spoken = (Date.now() - c.greeting.at) / 1000;
    expect(seconds).toBeGreaterThan((c.reply.at - c.greeting.at) / 1000 + 1);
    expect(seconds).toBeLessThan(spoken + 3);

    // The timeline: the greeting's onset in the recording anchors the wall times of the rest.
    const window = (fromMs: number, toMs: number) => {
      const at = (wall: number) => Math.max(0, Math.round(((onset + (wall - c.greeting.at)) * RATE) / 1000));
      return pcm.subarray(at(fromMs), at(toMs));
    };
    const onset = firstLoudMs(pcm);
    expect(onset).toBeLessThan(3000);
    const greetingEnd = c.greeting.at + (c.greeting.pcm.length * 1000) / RATE;
    const replyEnd = c.reply.at + (c.reply.pcm.length * 1000) / RATE;
    expect(rmsDbfs(window(c.greeting.at + 200, greetingEnd - 200))).toBeGreaterThan(-35);
    expect(rmsDbfs(window(c.lineStart + 300, c.lineEnd - 300))).toBeGreaterThan(-35);
    expect(rmsDbfs(window(c.reply.at + 200, replyEnd - 200))).toBeGreaterThan(-35);
    // Between the greeting and the caller's line only the line's hiss.
    expect(rmsDbfs(window(greetingEnd + 250, c.lineStart - 100))).toBeLessThan(-45);
    // And what is where: the caller's words, then the agent's.
    expect(await SimulatedCaller.transcribe(stt, window(c.lineStart - 100, c.lineEnd + 200), [CALLER_LINE, GREETING])).toMatch(/return/);
    expect(await SimulatedCaller.transcribe(stt, window(c.greeting.at - 100, greetingEnd + 200), [CALLER_LINE, GREETING])).toMatch(/acme/);

    // In the table: the vault's binary envelope, never the audio.
    const rows = await chunksOf(c.id);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.reduce((n, r) => n + Number(r.samples), 0)).toBe(pcm.length);
    const plain = Buffer.from(muLawEncode(window(c.greeting.at + 300, c.greeting.at + 320)));
    for (const r of rows) {
      const data = Buffer.from(r.data as Uint8Array);
      expect(data.subarray(0, 4).toString('latin1')).toBe('v1b.');
      expect(data.includes(Buffer.from('RIFF'))).toBe(false);
      expect(data.includes(plain)).toBe(false);
      expect(data.length).toBe(Number(r.samples) + 4 + 36 + 1 + 12 + 16);
    }
  }, 120_000);

  it('another org gets 404 on every recording route; members cannot delete; an admin deletes it alone (audited)', async () => {
    const { caller } = await dialIn(h, recorded);
    const id = (await latestCall(h.t, a.tokens.admin)).id as string;
    await caller.agentSays({ since: 0 });
    await caller.hangup();
    await callWhen(h.t, a.tokens.admin, id, (x) => x.recording !== null);

    const missing = '00000000-0000-4000-8000-000000000000';
    for (const [method, url] of [['GET', `/calls/${id}/recording`], ['DELETE', `/calls/${id}/recording`], ['GET', `/calls/${id}`]] as const) {
      const theirs = await call(h.t.app, { method, url, token: b.tokens.admin });
      expectError(theirs, 404);
      expect(theirs.body).toBe((await call(h.t.app, { method, url: url.replace(id, missing), token: b.tokens.admin })).body);
    }
    expectError(await call(h.t.app, { method: 'DELETE', url: `/calls/${id}/recording`, token: a.tokens.member }), 403);
    expectError(await call(h.t.app, { method: 'DELETE', url: `/calls/${id}/recording`, token: a.tokens.support_agent }), 403);
    expect((await getAudio(a.tokens.owner, id)).statusCode).toBe(200);

    expect((await call(h.t.app, { method: 'DELETE', url: `/calls/${id}/recording`, token: a.tokens.admin })).statusCode).toBe(204);
    expect(await chunksOf(id)).toEqual([]);
    const after = (await call(h.t.app, { method: 'GET', url: `/calls/${id}`, token: a.tokens.admin })).json();
    expect(after.recording).toBeNull();
    expect(after.transcript.length).toBeGreaterThan(0);
    expectError(await getAudio(a.tokens.admin, id), 404);
    expectError(await call(h.t.app, { method: 'DELETE', url: `/calls/${id}/recording`, token: a.tokens.admin }), 404);
    const audit = (await call(h.t.app, { method: 'GET', url: '/audit-log?limit=5', token: a.tokens.owner })).json().data;
    expect(audit.find((e: { action: string }) => e.action === 'call.recording_deleted')).toMatchObject({ target_type: 'call', target_id: id });
  }, 90_000);

  it('an agent without settings.voice.record records nothing; deleting a call deletes its recording', async () => {
    const { caller } = await dialIn(h, unrecorded);
    const plainId = (await latestCall(h.t, a.tokens.admin)).id as string;
    await caller.agentSays({ since: 0 });
    await caller.hangup();
    const plain = await callWhen(h.t, a.tokens.admin, plainId, (x) => x.status === 'ended');
    expect(plain.recording).toBeNull();
    expectError(await getAudio(a.tokens.admin, plainId), 404);
    expect(await chunksOf(plainId)).toEqual([]);

    const second = await dialIn(h, recorded);
    const id = (await latestCall(h.t, a.tokens.admin)).id as string;
    await second.caller.agentSays({ since: 0 });
    await second.caller.hangup();
    await callWhen(h.t, a.tokens.admin, id, (x) => x.recording !== null);
    expect((await chunksOf(id)).length).toBeGreaterThan(0);
    expect((await call(h.t.app, { method: 'DELETE', url: `/calls/${id}`, token: a.tokens.admin })).statusCode).toBe(204);
    expect(await chunksOf(id)).toEqual([]);
  }, 90_000);
});

/** Where the first 100 ms louder than -35 dBFS starts (the greeting's onset), in ms. */
function firstLoudMs(pcm: Int16Array): number {
  const step = RATE / 10;
  for (let i = 0; i + step <= pcm.length; i += step / 4) if (rmsDbfs(pcm.subarray(i, i + step)) > -35) return (i * 1000) / RATE;
  throw new Error('the recording is silent');
}
