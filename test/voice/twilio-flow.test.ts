import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, type TestOrg } from '../helpers/api.js';
import { modeName } from '../helpers/harness.js';
import { HAS_ESPEAK, HAS_POCKETSPHINX } from '../helpers/speech.js';
import { OUR_NUMBER, twilioCreds } from '../fakes/provider-sim/fixtures.js';
import { callWhen, created, dialIn, latestCall, startVoiceHarness, type VoiceHarness } from './support.js';

const edges = (chain: string[]) => chain.map((e) => ({ id: e, source: e.split(':')[0], target: e.split(':')[1] }));

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
