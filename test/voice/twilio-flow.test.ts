import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, type TestOrg } from '../helpers/api.js';
import { modeName } from '../helpers/harness.js';
import { HAS_ESPEAK, HAS_POCKETSPHINX } from '../helpers/speech.js';
import { OUR_NUMBER, twilioCreds } from '../fakes/provider-sim/fixtures.js';
import { parseCallSimArgs, runCallSim } from '../../src/call-sim.js';
import { callWhen, created, dialIn, edges, latestCall, startVoiceHarness, type VoiceHarness } from './support.js';


/** A phone menu: a key picks orders, then a spoken number and a spoken yes. */
const orderFlow = {
  name: 'Phone orders',
  nodes: [
    { id: 'start', type: 'entry', data: {} },
    { id: 'hello', type: 'speak', data: { text: 'Welcome to Acme.' } },
    { id: 'menu', type: 'dtmf_menu', data: { prompt: 'Press one for orders. Press two for support.', options: [{ digit: '1', edge_id: 'menu:qty' }, { digit: '2', edge_id: 'menu:support' }] } },
    { id: 'qty', type: 'collect', data: { variable: 'qty', prompt: 'How many boxes?', validation: 'number' } },
    { id: 'confirm', type: 'collect', data: { variable: 'ok', prompt: 'You said {{qty}} boxes. Is that right?', validation: 'yes_no' } },
    { id: 'bye', type: 'end_call', data: { message: 'Thank you. Goodbye.' } },
    { id: 'support', type: 'end_call', data: { message: 'Support is closed.' } },
  ],
  variables: [{ name: 'qty' }, { name: 'ok' }],
  edges: edges(['start:hello', 'hello:menu', 'menu:qty', 'menu:support', 'qty:confirm', 'confirm:bye']),
};

describe.skipIf(!HAS_ESPEAK || !HAS_POCKETSPHINX)(`a phone call over Twilio media streams (${modeName})`, () => {
  let h: VoiceHarness;
  let org: TestOrg;
  let channel: { id: string; webhook_url: string; phone_number: string };

  beforeAll(async () => {
    h = await startVoiceHarness();
    org = await createOrg(h.t.app, 'Voice A');
    const flow = await created(h.t, org.tokens.admin, '/flows', orderFlow);
    channel = await created(h.t, org.tokens.admin, '/channels', { name: 'Line', type: 'voice', provider: 'twilio', credentials: twilioCreds, phone_number: OUR_NUMBER, flow_id: flow.id });
  });
  afterAll(async () => h?.close());

  it('a transfer node moves the live call through Twilio\'s call update (new TwiML dialling the number)', async () => {
    const flow = await created(h.t, org.tokens.admin, '/flows', {
      name: 'Transfer',
      nodes: [{ id: 'start', type: 'entry', data: {} }, { id: 'xfer', type: 'transfer', data: { phone_number: '+14155552671', message: 'Connecting you now.' } }],
      edges: [{ id: 'e1', source: 'start', target: 'xfer' }],
    });
    const line = await created(h.t, org.tokens.admin, '/channels', { name: 'Transfer line', type: 'voice', provider: 'twilio', credentials: twilioCreds, phone_number: '+14155550199', flow_id: flow.id });
    const { caller, providerCallId } = await dialIn(h, line);
    const id = (await latestCall(h.t, org.tokens.admin)).id;
    await caller.agentSays({ since: 0 });
    const deadline = Date.now() + 20_000;
    while (!h.sim.updates.some((u) => u.callId === providerCallId) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(h.sim.updates.find((u) => u.callId === providerCallId)?.params).toEqual({ Twiml: '<Response><Dial>+14155552671</Dial></Response>' });
    const c = await callWhen(h.t, org.tokens.admin, id, (x) => x.status === 'ended');
    expect(c.ended_reason).toBe('transferred');
    await caller.hangup();
  }, 60_000);

  it('converse call-sim phones the channel and reports what the agent says', async () => {
    const out: string[] = [];
    await runCallSim(parseCallSimArgs(['--webhook', channel.webhook_url, '--auth-token', twilioCreds.auth_token, '--server', h.local, '--to', OUR_NUMBER,
      '--account-sid', twilioCreds.account_sid, '--press', '2', '--expect', 'Support is closed.']), { write: (s: string) => out.push(s) } as unknown as NodeJS.WritableStream);
    const text = out.join('');
    expect(text).toMatch(/^agent: /);
    expect(text).toContain('caller presses: 2');
    expect(text).toMatch(/agent: .*closed/);
    expect(text).toContain('the agent hung up');
    expect((await latestCall(h.t, org.tokens.admin)).ended_reason).toBe('completed');
  }, 60_000);

  it('answers with a media stream, runs a DTMF menu, a spoken number and a yes, and records latency per turn', async () => {
    const { caller, answer } = await dialIn(h, channel);
    expect(answer).toMatch(/^<\?xml[^>]+\?><Response><Connect><Stream url="wss:\/\/hooks\.converse\.test\/api\/v1\/voice\/stream\/twilio\/cvs1\.[^"]+">/);
    const call = await latestCall(h.t, org.tokens.admin);
    expect(call).toMatchObject({ channel: 'voice', channel_id: channel.id, direction: 'inbound', from_number: '+15557654321', to_number: OUR_NUMBER, status: 'active' });

    await caller.agentSays({ since: 0 });
    caller.press('1');
    let heard = caller.utterances.length;
    await caller.agentSays({ since: heard });
    await caller.say('eight');
    heard = caller.utterances.length;
    await caller.agentSays({ since: heard });
    await caller.say('yes');
    await caller.closed;

    const done = await callWhen(h.t, org.tokens.admin, call.id, (c) => c.status === 'ended' && c.latency.some((l: { first_audio_ms: number | null }) => l.first_audio_ms !== null));
    const lines = done.transcript.map((m: { role: string; text: string }) => `${m.role}: ${m.text}`);
    expect(done.ended_reason, lines.join('\n')).toBe('completed');
    expect(done.variables).toMatchObject({ qty: 8, ok: 'yes' });
    expect(lines).toEqual([
      'agent: Welcome to Acme.', 'agent: Press one for orders. Press two for support.', 'caller: 1', 'agent: How many boxes?',
      'caller: eight', 'agent: You said 8 boxes. Is that right?', 'caller: yes', 'agent: Thank you. Goodbye.',
    ]);
    // The spoken turns carry the voice marks: endpoint → transcript, text → first audio, end of speech → first audio.
    const spoken = done.latency.filter((l: { stt_ms: number | null }) => l.stt_ms !== null);
    expect(spoken.length).toBe(2);
    for (const l of spoken) {
      expect(l.first_audio_ms).toBeGreaterThan(0);
      expect(l.tts_ms).toBeGreaterThanOrEqual(0);
    }
  }, 90_000);
});
