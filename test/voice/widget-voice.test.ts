/**
 * Voice on the widget WebSocket, end to end at the protocol level (no browser): the caller simulator in
 * its `widget` mode connects with a session URL, streams a real-time 16 kHz PCM line (espeak-ng speech
 * between line noise) and hears the agent's binary audio, which is transcribed back with pocketsphinx.
 * Covers the greeting, a yes/no collect answered by voice, barge-in (`clear`), typed text during a voice
 * call, hang-up by closing the socket, the audio byte budget, and two concurrent sessions of two orgs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SimulatedCaller } from '../../src/voice/sim/caller.js';
import { createPocketsphinxEngine } from '../../src/voice/stt/pocketsphinx.js';
import { createOrg, type TestOrg } from '../helpers/api.js';
import { modeName } from '../helpers/harness.js';
import { HAS_ESPEAK, HAS_POCKETSPHINX } from '../helpers/speech.js';
import { created } from '../sessions/support.js';
import { ORIGIN, sessionUrl, startWidgetApp, type WidgetApp } from '../widget/support.js';
import { callWhen, edges, LONG_GREETING, tts } from './support.js';

const bookingFlow = {
  name: 'Booking',
  nodes: [
    { id: 'start', type: 'entry', data: {} },
    { id: 'hello', type: 'speak', data: { text: 'Welcome to Acme.' } },
    { id: 'ask', type: 'collect', data: { variable: 'ok', prompt: 'Shall I book it?', validation: 'yes_no' } },
    { id: 'bye', type: 'end_call', data: { message: 'Noted. Goodbye.' } },
  ],
  variables: [{ name: 'ok' }],
  edges: edges(['start:hello', 'hello:ask', 'ask:bye']),
};

interface VoiceOrg {
  org: TestOrg;
  flowChannel: string;
  agentChannel: string;
}

type Line = { role: string; text: string; interrupted?: boolean };
const linesOf = (c: { transcript: Line[] }) => c.transcript.map((m) => `${m.role}: ${m.text}`);

describe.skipIf(!HAS_ESPEAK || !HAS_POCKETSPHINX)(`voice on the widget WebSocket (${modeName})`, () => {
  let w: WidgetApp;
  const orgs: Record<'A' | 'B', VoiceOrg> = {} as Record<'A' | 'B', VoiceOrg>;
  const stt = createPocketsphinxEngine();

  beforeAll(async () => {
    w = await startWidgetApp();
    for (const name of ['A', 'B'] as const) {
      const org = await createOrg(w.t.app, `Widget voice ${name}`);
      const flow = await created(w.t.app, org.tokens.admin, '/flows', bookingFlow);
      const talker = await created(w.t.app, org.tokens.admin, '/agents', { name: 'Talker', system_prompt: 'You answer visitors of Acme.', greeting: LONG_GREETING });
      const channel = (target: Record<string, string>) => created(w.t.app, org.tokens.admin, '/channels', { name: 'Site', type: 'web', provider: 'web', allowed_origins: [ORIGIN], ...target });
      orgs[name] = { org, flowChannel: (await channel({ flow_id: flow.id })).id, agentChannel: (await channel({ agent_id: talker.id })).id };
    }
  });
  afterAll(async () => {
    await stt.close();
    await w?.close();
  });

  const dial = async (o: VoiceOrg, channelId: string) =>
    SimulatedCaller.connect({ url: await sessionUrl(w, o.org.apiKey, channelId), provider: 'widget', providerCallId: '', origin: ORIGIN, tts });
  const sessionOf = async (c: SimulatedCaller) => String((await c.frameWhere((f) => f.type === 'session')).id);

  it('two concurrent voice sessions of two orgs: each hears the greeting, answers by voice, and only its own lines are in its transcript', async () => {
    const run = async (o: VoiceOrg, answer: 'yes' | 'no') => {
      const caller = await dial(o, o.flowChannel);
      const id = await sessionOf(caller);
      const [greeting] = await caller.agentSays({ since: 0 });
      const from = caller.frames.length;
      await caller.say(answer);
      const transcript = await caller.frameWhere((f) => f.type === 'transcript', { from });
      const ended = await caller.frameWhere((f) => f.type === 'ended', { from });
      const code = await caller.closed;
      // Transcribed once the call is over (a cold decoder here takes longer than the flow's silence timeout).
      const heard = await SimulatedCaller.transcribe(stt, greeting!.pcm, ['Welcome to Acme.', 'Shall I book it?'], 16_000);
      return { id, heard, transcript, ended, code, caller };
    };
    const [a, b] = await Promise.all([run(orgs.A, 'yes'), run(orgs.B, 'no')]);
    for (const [r, answer, o] of [[a, 'yes', orgs.A], [b, 'no', orgs.B]] as const) {
      expect(r.heard).toMatch(/welcome|acme|book/i);
      expect(r.transcript).toEqual({ type: 'transcript', text: answer, final: true });
      expect(r.ended).toEqual({ type: 'ended', reason: 'completed' });
      expect(r.code).toBe(1000);
      // The goodbye was heard before the close: the socket waits for the agent's last audio.
      expect(r.caller.utterances.length).toBeGreaterThanOrEqual(2);
      // Every turn's reply also came as text frames.
      expect(r.caller.frames.filter((f) => f.type === 'message').map((f) => f.text)).toEqual(['Welcome to Acme.', 'Shall I book it?', 'Noted. Goodbye.']);
      const c = await callWhen(w.t, o.org.tokens.admin, r.id, (x) => x.status === 'ended' && x.latency.some((l: { stt_ms: number | null }) => l.stt_ms !== null));
      expect(c).toMatchObject({ channel: 'web', channel_id: o.flowChannel, mode: 'live', ended_reason: 'completed', outcome: 'completed', variables: { ok: answer } });
      expect(linesOf(c)).toEqual(['agent: Welcome to Acme.', 'agent: Shall I book it?', `caller: ${answer}`, 'agent: Noted. Goodbye.']);
      const spoken = c.latency.filter((l: { stt_ms: number | null }) => l.stt_ms !== null);
      expect(spoken).toHaveLength(1);
      expect(spoken[0].first_audio_ms).toBeGreaterThan(0);
      expect(spoken[0].tts_ms).toBeGreaterThanOrEqual(0);
    }
    expect(a.id).not.toBe(b.id);
  }, 120_000);

  it('barge-in: caller speech cuts the agent off (a clear frame), the cut line is marked interrupted; closing the socket hangs up', async () => {
    const caller = await dial(orgs.A, orgs.A.agentChannel);
    const id = await sessionOf(caller);
    while (caller.utterances.length === 0) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 400));
    const spoke = caller.say('hello');
    await caller.frameWhere((f) => f.type === 'clear', { timeoutMs: 60_000 });
    expect(caller.clears.length).toBeGreaterThan(0);
    await spoke;
    const cut = await callWhen(w.t, orgs.A.org.tokens.admin, id, (x) => x.transcript.some((m: Line) => m.interrupted));
    expect(cut.transcript[0]).toMatchObject({ role: 'agent', text: LONG_GREETING, interrupted: true });
    // What the free-speech recognizer makes of a word said over the agent varies with the machine's load
    // ("hello", or "do no" in one CI run): the test is about the cut, so any final transcript will do,
    // and it must be the caller's line in the stored transcript.
    const heard = await caller.frameWhere((f) => f.type === 'transcript' && f.final === true && String(f.text).length > 0, { timeoutMs: 60_000 });
    await caller.hangup();
    const ended = await callWhen(w.t, orgs.A.org.tokens.admin, id, (x) => x.status === 'ended');
    expect(ended).toMatchObject({ ended_reason: 'caller_hangup', outcome: 'caller_hangup' });
    expect(ended.transcript.find((m: Line) => m.role === 'caller').text).toBe(heard.text);
  }, 120_000);

  it('a typed message during a voice call is a turn of the call: answered aloud and as a message frame, the audio never trips the message rate', async () => {
    const caller = await dial(orgs.B, orgs.B.flowChannel);
    const id = await sessionOf(caller);
    await caller.agentSays({ since: 0 });
    const heard = caller.utterances.length;
    const from = caller.frames.length;
    caller.press('5'); // 5 is no yes/no answer (1 and 2 are): the prompt is repeated, aloud
    await caller.agentSays({ since: heard });
    caller.type('yes');
    await caller.frameWhere((f) => f.type === 'ended', { from });
    expect(caller.frames.some((f) => f.type === 'error')).toBe(false);
    const c = await callWhen(w.t, orgs.B.org.tokens.admin, id, (x) => x.status === 'ended');
    expect(c).toMatchObject({ ended_reason: 'completed', variables: { ok: 'yes' } });
    expect(linesOf(c).filter((l) => l.startsWith('caller:'))).toEqual(['caller: 5', 'caller: yes']);
    expect(caller.utterances.length).toBeGreaterThanOrEqual(heard + 2);
  }, 120_000);

  it('audio beyond twice real time is refused (rate_limited), and a client that keeps flooding is closed 1008', async () => {
    const ws = new WebSocket(await sessionUrl(w, orgs.A.org.apiKey, orgs.A.flowChannel), { headers: { origin: ORIGIN } });
    const frames: Array<Record<string, unknown>> = [];
    ws.on('message', (d, isBinary) => void (isBinary || frames.push(JSON.parse(String(d)) as Record<string, unknown>)));
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await new Promise((resolve) => ws.once('open', resolve));
    while (!frames.some((f) => f.type === 'session')) await new Promise((r) => setTimeout(r, 20));
    // Ten seconds of audio at once (320 KB in 10 KB frames): the 4 s burst passes, the rest is refused.
    const chunk = Buffer.alloc(10_240);
    for (let i = 0; i < 32 && ws.readyState === WebSocket.OPEN; i++) ws.send(chunk, { binary: true });
    expect(await closed).toBe(1008);
    expect(frames.filter((f) => f.type === 'error').map((f) => f.code)).toContain('rate_limited');
  }, 60_000);
});
