/**
 * The agent fields that name providers (API.md "AI and speech providers") and `resolveAgentModel`, the
 * pipeline's entry point: the org's provider, else the server default, else null (offline responder);
 * another org's provider is not_found, never a fallback.
 */
import { generateText } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveAgentModel } from '../../src/features/providers/models.js';
import { AppError } from '../../src/platform/errors.js';
import { classifyLlmError } from '../../src/platform/llm/index.js';
import { call, createOrg, type TestOrg } from '../helpers/api.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { expectError, missingId } from '../http/support.js';
import { startFakeLlm, type FakeLlm } from '../fakes/llm-server/index.js';

const KEY = `sk-agent-model-${'a'.repeat(24)}`;

describe(`agents name providers; resolveAgentModel (${modeName})`, () => {
  let t: TestApp;
  let llm: FakeLlm;
  let org: TestOrg;
  let other: TestOrg;
  const ids = { llm: '', speech: '', tts: '', otherLlm: '' };
  const post = async (token: string, url: string, body: unknown) => call(t.app, { method: 'POST', url, token, body });

  beforeAll(async () => {
    llm = await startFakeLlm({ apiKey: KEY });
    t = await createTestApp({ config: { allowPrivateNetwork: true } });
    org = await createOrg(t.app, 'Models');
    other = await createOrg(t.app, 'Other');
    ids.llm = (await post(org.tokens.admin, '/providers', { name: 'vLLM', kind: 'openai_compatible', base_url: llm.urls.openai, credentials: { api_key: KEY }, default_model: 'qwen2.5' })).json().id;
    ids.speech = (await post(org.tokens.admin, '/providers', { name: 'Deepgram', kind: 'deepgram', credentials: { api_key: KEY } })).json().id;
    ids.tts = (await post(org.tokens.admin, '/providers', { name: 'ElevenLabs', kind: 'elevenlabs', credentials: { api_key: KEY } })).json().id;
    ids.otherLlm = (await post(other.tokens.admin, '/providers', { name: 'theirs', kind: 'openai_compatible', base_url: llm.urls.openai, credentials: { api_key: KEY } })).json().id;
  });
  afterAll(async () => {
    await t?.close();
    await llm?.close();
  });

  it('an agent stores its providers, built-in tools and limits, with defaults when left out', async () => {
    const bare = await post(org.tokens.admin, '/agents', { name: 'defaults' });
    expect(bare.json()).toMatchObject({ llm_provider_id: null, stt: { provider_id: null, model: null }, tts: { provider_id: null, voice: null }, tools_builtin: [], max_turns: null, max_duration_seconds: null });
    const body = {
      name: 'full', llm_provider_id: ids.llm, llm_model: 'llama3.2',
      stt: { provider_id: ids.speech, model: 'nova-2' }, tts: { provider_id: ids.tts, voice: '21m00Tcm4TlvDq8ikWAM' },
      tools_builtin: ['end_call', 'transfer_call', 'end_call'], max_turns: 20, max_duration_seconds: 600,
    };
    const res = await post(org.tokens.admin, '/agents', body);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ ...body, tools_builtin: ['end_call', 'transfer_call'] });
    const got = await call(t.app, { method: 'GET', url: `/agents/${res.json().id}`, token: org.tokens.viewer });
    expect(got.json()).toEqual(res.json());

    // PATCH merges stt/tts key by key; PUT resets what it leaves out.
    const patched = await call(t.app, { method: 'PATCH', url: `/agents/${res.json().id}`, token: org.tokens.admin, body: { stt: { model: 'nova-3' }, max_turns: null } });
    expect(patched.json()).toMatchObject({ stt: { provider_id: ids.speech, model: 'nova-3' }, max_turns: null, max_duration_seconds: 600, llm_provider_id: ids.llm });
    const replaced = await call(t.app, { method: 'PUT', url: `/agents/${res.json().id}`, token: org.tokens.admin, body: { name: 'full' } });
    expect(replaced.json()).toMatchObject({ llm_provider_id: null, stt: { provider_id: null, model: null }, tools_builtin: [] });
  });

  it("another org's provider is 404 exactly like a missing one; the wrong family is 400", async () => {
    for (const body of [{ llm_provider_id: ids.otherLlm }, { llm_provider_id: missingId() }, { stt: { provider_id: ids.otherLlm } }, { tts: { provider_id: missingId() } }]) {
      const res = await post(org.tokens.admin, '/agents', { name: 'x', ...body });
      expect(expectError(res, 404).message).toBe('provider not found');
    }
    const agent = (await post(org.tokens.admin, '/agents', { name: 'y' })).json();
    expectError(await call(t.app, { method: 'PATCH', url: `/agents/${agent.id}`, token: org.tokens.admin, body: { llm_provider_id: ids.otherLlm } }), 404);
    expect(expectError(await post(org.tokens.admin, '/agents', { name: 'x', llm_provider_id: ids.speech }), 400).message).toMatch(/language model provider/);
    expect(expectError(await post(org.tokens.admin, '/agents', { name: 'x', tts: { provider_id: ids.llm } }), 400).message).toMatch(/text-to-speech provider \(elevenlabs, openai_speech, openai\), not openai_compatible/);
    // Each speech role takes only the kinds that can fill it: Deepgram recognizes, ElevenLabs speaks.
    expect(expectError(await post(org.tokens.admin, '/agents', { name: 'x', stt: { provider_id: ids.tts } }), 400).message).toBe('stt.provider_id must name a speech recognition provider (deepgram), not elevenlabs');
    expect(expectError(await post(org.tokens.admin, '/agents', { name: 'x', tts: { provider_id: ids.speech } }), 400).message).toMatch(/not deepgram$/);
  });

  it('refuses unknown built-in tools and out-of-range limits', async () => {
    for (const body of [{ tools_builtin: ['launch_missiles'] }, { max_turns: 0 }, { max_turns: 1.5 }, { max_duration_seconds: 5 }, { stt: { provider_id: null, language: 'en' } }]) {
      expectError(await post(org.tokens.admin, '/agents', { name: 'x', ...body }), 400);
    }
  });

  it("resolves the org's provider: decrypted key sent, agent's model over the provider default", async () => {
    const scope = { orgId: org.id };
    const resolved = await resolveAgentModel(t.deps, scope, { provider_id: ids.llm, model: 'llama3.2' });
    expect(resolved).toMatchObject({ kind: 'openai_compatible', model_id: 'llama3.2', provider_id: ids.llm });
    llm.reset();
    const { text } = await generateText({ model: resolved!.model, prompt: 'hello', maxRetries: 0 });
    expect(text).toBe('You said: hello');
    expect(llm.completions()[0]).toMatchObject({ apiKey: KEY, model: 'llama3.2' });
    expect((await resolveAgentModel(t.deps, scope, { provider_id: ids.llm, model: null }))!.model_id).toBe('qwen2.5');
  });

  it("another org's provider id is not_found, never a fallback; a speech provider is refused", async () => {
    const err = await resolveAgentModel(t.deps, { orgId: org.id }, { provider_id: ids.otherLlm, model: null }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('not_found');
    await expect(resolveAgentModel(t.deps, { orgId: org.id }, { provider_id: ids.speech, model: null })).rejects.toMatchObject({ code: 'unprocessable' });
  });

  it('no provider: the server default when configured, else null (the offline responder)', async () => {
    expect(await resolveAgentModel(t.deps, { orgId: org.id }, { provider_id: null, model: null })).toBeNull();
    const withDefault = await createTestApp({
      testDb: t.testDb, keyring: t.keyring,
      // The operator's URL may be private without opening the private network to tenants.
      config: { allowPrivateNetwork: false, defaultLlm: { kind: 'openai_compatible', baseUrl: llm.urls.openai, apiKey: KEY, model: 'default-model' } },
    });
    try {
      const resolved = await resolveAgentModel(withDefault.deps, { orgId: org.id }, { provider_id: null, model: null });
      expect(resolved).toMatchObject({ kind: 'openai_compatible', model_id: 'default-model', provider_id: null });
      llm.reset();
      llm.enqueue({ text: 'from the default' });
      expect((await generateText({ model: resolved!.model, prompt: 'x', maxRetries: 0 })).text).toBe('from the default');
      expect(llm.completions()[0]).toMatchObject({ apiKey: KEY, model: 'default-model' });
      // Another org's provider still fails; a tenant's own provider on loopback stays blocked here.
      await expect(resolveAgentModel(withDefault.deps, { orgId: org.id }, { provider_id: ids.otherLlm, model: null })).rejects.toMatchObject({ code: 'not_found' });
      const own = await resolveAgentModel(withDefault.deps, { orgId: org.id }, { provider_id: ids.llm, model: null });
      const blocked = await generateText({ model: own!.model, prompt: 'x', maxRetries: 0 }).catch((e: unknown) => e);
      expect(classifyLlmError(blocked).code).toBe('blocked');
    } finally {
      await withDefault.close();
    }
  });
});
