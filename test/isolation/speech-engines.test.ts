/**
 * Cloud speech under two orgs at once: each org's voice session resolves only its own speech providers
 * (another org's id is not_found, exactly like a missing one), its engines carry only its own decrypted
 * keys, and two concurrent recognition streams each get their own transcript. Every vendor is a
 * protocol-level fake on 127.0.0.1, one per org, so a key or audio crossing orgs would land on the wrong fake.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSpeechEngines } from '../../src/pipeline/agent/speech.js';
import { createPocketsphinxEngine } from '../../src/voice/stt/pocketsphinx.js';
import { createEspeakEngine } from '../../src/voice/tts/espeak.js';
import { call, createOrg, type TestOrg } from '../helpers/api.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { missingId } from '../http/support.js';
import { startFakeDeepgram, startFakeElevenLabs, tone, type FakeDeepgram, type FakeElevenLabs } from '../fakes/speech/index.js';

const ORGS = ['A', 'B'] as const;
type Org = (typeof ORGS)[number];
const offline = { stt: createPocketsphinxEngine(), tts: createEspeakEngine() };

describe(`isolation: cloud speech engines (${modeName})`, () => {
  let t: TestApp;
  const fx = {} as Record<Org, { org: TestOrg; dg: FakeDeepgram; el: FakeElevenLabs; key: string; stt: string; tts: string }>;

  beforeAll(async () => {
    t = await createTestApp({ config: { allowPrivateNetwork: true } });
    for (const name of ORGS) {
      const key = `key-${name}-${'k'.repeat(24)}`;
      const [dg, el, org] = await Promise.all([startFakeDeepgram({ apiKey: key }), startFakeElevenLabs({ apiKey: key }), createOrg(t.app, `Speech ${name}`)]);
      const create = async (body: Record<string, unknown>) => (await call(t.app, { method: 'POST', url: '/providers', token: org.tokens.admin, body })).json().id as string;
      const stt = await create({ name: 'dg', kind: 'deepgram', base_url: dg.url, credentials: { api_key: key } });
      const tts = await create({ name: 'el', kind: 'elevenlabs', base_url: el.url, credentials: { api_key: key } });
      fx[name] = { org, dg, el, key, stt, tts };
    }
  });
  afterAll(async () => {
    await t?.close();
    for (const name of ORGS) await Promise.all([fx[name]?.dg.close(), fx[name]?.el.close()]);
  });

  it("another org's speech provider resolves exactly like a missing one, and nothing is contacted", async () => {
    for (const [self, other] of [['A', 'B'], ['B', 'A']] as const) {
      const scope = { orgId: fx[self].org.id };
      const foreign = { stt: { provider_id: fx[other].stt, model: null }, tts: { provider_id: null, voice: null } };
      const missing = { stt: { provider_id: missingId(), model: null }, tts: { provider_id: null, voice: null } };
      const e1 = await resolveSpeechEngines(t.deps, scope, foreign, offline).catch((e: unknown) => e);
      const e2 = await resolveSpeechEngines(t.deps, scope, missing, offline).catch((e: unknown) => e);
      expect([(e1 as Error).message, (e1 as { code?: string }).code]).toEqual([(e2 as Error).message, (e2 as { code?: string }).code]);
      expect((e1 as { code?: string }).code).toBe('not_found');
      await expect(resolveSpeechEngines(t.deps, scope, { stt: { provider_id: null, model: null }, tts: { provider_id: fx[other].tts, voice: null } }, offline)).rejects.toMatchObject({ code: 'not_found' });
    }
    for (const name of ORGS) expect(fx[name].dg.connections.length + fx[name].el.requests.length).toBe(0);
  });

  it('two orgs recognize and speak at the same time, each with its own key, each hearing its own caller', async () => {
    const run = async (name: Org) => {
      const speech = await resolveSpeechEngines(t.deps, { orgId: fx[name].org.id }, { stt: { provider_id: fx[name].stt, model: null }, tts: { provider_id: fx[name].tts, voice: null } }, offline);
      const session = await speech.stt.start({ sampleRate: 8000 });
      fx[name].dg.enqueue(`caller of org ${name === 'A' ? 'alpha' : 'bravo'}`);
      for (let i = 0; i < 20; i++) {
        session.write(tone(8000, 20, 300));
        await new Promise((r) => setTimeout(r, 5)); // interleave the two calls' audio
      }
      const heard = (await session.finish()).text;
      session.close();
      let samples = 0;
      for await (const chunk of speech.tts.synthesize(`Reply to ${name}.`, { sampleRate: 8000 })) samples += chunk.length;
      return { heard, samples };
    };
    const [a, b] = await Promise.all([run('A'), run('B')]);
    expect(a.heard).toBe('caller of org alpha');
    expect(b.heard).toBe('caller of org bravo');
    expect(a.samples).toBeGreaterThan(0);
    expect(b.samples).toBeGreaterThan(0);
    for (const name of ORGS) {
      expect(fx[name].dg.connections.map((c) => c.headers.authorization)).toEqual([`Token ${fx[name].key}`]);
      expect(fx[name].el.requests.map((r) => r.headers['xi-api-key'])).toEqual([fx[name].key]);
      expect(fx[name].dg.connections[0]!.audioBytes).toBe(20 * 160 * 2); // all of its own audio, none of the other call's
    }
  });
});
