/**
 * An agent answering a caller from its knowledge, over a phone media stream: the caller's question is
 * recognized, the model (the local fake model server, scripted) searches the agent's documents and
 * answers, and the answer is spoken back — the caller simulator transcribes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPocketsphinxEngine } from '../../src/voice/stt/pocketsphinx.js';
import { SimulatedCaller } from '../../src/voice/sim/caller.js';
import { startFakeLlm, type FakeLlm } from '../fakes/llm-server/index.js';
import { createOrg, type TestOrg } from '../helpers/api.js';
import { modeName } from '../helpers/harness.js';
import { HAS_ESPEAK, HAS_POCKETSPHINX } from '../helpers/speech.js';
import { knowledgeFor } from '../sessions/support.js';
import { OUR_NUMBER, twilioCreds } from '../fakes/provider-sim/fixtures.js';
import { callWhen, created, dialIn, latestCall, startVoiceHarness, type VoiceHarness } from './support.js';

const KEY = 'sk-voice-test';
const ANSWER = 'You can return any product within thirty days.';

describe.skipIf(!HAS_ESPEAK || !HAS_POCKETSPHINX)(`a phone agent answering from knowledge (${modeName})`, () => {
  let h: VoiceHarness;
  let llm: FakeLlm;
  let org: TestOrg;
  let channel: { id: string; webhook_url: string; phone_number: string };
  const stt = createPocketsphinxEngine({ freeSpeech: 'word_loop' });

  beforeAll(async () => {
    llm = await startFakeLlm({ apiKey: KEY });
    h = await startVoiceHarness(undefined, { defaultLlm: { kind: 'openai_compatible', baseUrl: llm.urls.openai, apiKey: KEY, model: 'fake-model' } });
    org = await createOrg(h.t.app, 'Voice knowledge');
    const agent = await created(h.t, org.tokens.admin, '/agents', { name: 'Returns desk', system_prompt: 'You answer questions about returning a product and refunds.', greeting: 'Hi, this is Acme.' });
    await knowledgeFor(h.t.deps, h.t.app, org.tokens.admin, agent.id, 'Returns', 'You can return any product within 30 days of delivery for a full refund.');
    channel = await created(h.t, org.tokens.admin, '/channels', { name: 'Line', type: 'voice', provider: 'twilio', credentials: twilioCreds, phone_number: OUR_NUMBER, agent_id: agent.id });
  });
  afterAll(async () => {
    await stt.close();
    await h?.close();
    await llm?.close();
  });

  it('the caller asks, the model searches the agent\'s documents, the answer is spoken back', async () => {
    llm.enqueue({ toolCalls: [{ name: 'search_knowledge', arguments: { query: 'return a product' } }] }, { text: ANSWER, chunks: 3 });
    const { caller } = await dialIn(h, channel);
    const id = (await latestCall(h.t, org.tokens.admin)).id;
    await caller.agentSays({ since: 0 });
    const before = caller.utterances.length;
    await caller.say('can i return a product');
    const [spoken] = await caller.agentSays({ since: before });
    const heard = await SimulatedCaller.transcribe(stt, spoken!.pcm, [ANSWER, 'Hi, this is Acme.']);
    expect(heard).toMatch(/return/);
    await caller.hangup();

    const c = await callWhen(h.t, org.tokens.admin, id, (x) => x.status === 'ended');
    expect(c.knowledge_hits.length).toBeGreaterThan(0);
    const lines = c.transcript.map((m: { role: string; text: string }) => m.role);
    expect(lines.slice(0, 3)).toEqual(['agent', 'caller', 'agent']);
    expect(c.transcript[2].text).toBe(ANSWER);
    // The recognized question is what the model was asked.
    expect(JSON.stringify(llm.requests[0])).toContain(c.transcript[1].text);
    const turn = c.latency.find((l: { stt_ms: number | null }) => l.stt_ms !== null);
    expect(turn.model_ttft_ms).not.toBeNull();
    expect(turn.first_audio_ms).toBeGreaterThan(0);
  }, 120_000);
});
