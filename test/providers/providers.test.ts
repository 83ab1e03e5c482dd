/**
 * /providers end to end on the real app and database, with every model and speech API played by the
 * protocol-level fake on 127.0.0.1: CRUD with encrypted credentials, the test call for each kind, the
 * rules on base_url, delete while in use, and that the key never reaches a response or a log line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/log/logger.js';
import { call, createOrg, type TestOrg } from '../helpers/api.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { expectError, missingId } from '../http/support.js';
import { startFakeLlm, type FakeLlm } from '../fakes/llm-server/index.js';

const KEY = `sk-provider-CANARY-${'k'.repeat(24)}`;
const WRONG = `sk-wrong-CANARY-${'w'.repeat(24)}`;

describe(`providers (${modeName})`, () => {
  let t: TestApp;
  let llm: FakeLlm;
  let org: TestOrg;
  const logs: string[] = [];
  const bodies: string[] = [];
  const req = async (c: Parameters<typeof call>[1]) => {
    const res = await call(t.app, c);
    bodies.push(res.body);
    return res;
  };
  const create = async (body: Record<string, unknown>, token = org.tokens.admin) => {
    const res = await req({ method: 'POST', url: '/providers', token, body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; credentials: { configured: boolean; hint: string | null } } & Record<string, unknown>;
  };

  beforeAll(async () => {
    llm = await startFakeLlm({ apiKey: KEY, models: ['llama3.2', 'qwen2.5'] });
    t = await createTestApp({ config: { allowPrivateNetwork: true }, log: createLogger('trace', { write: (l: string) => void logs.push(l) }) });
    org = await createOrg(t.app, 'Providers');
  });
  afterAll(async () => {
    await t?.close();
    await llm?.close();
  });

  it('creates a provider: credentials encrypted at rest, shown only as {configured, hint}; readers read it', async () => {
    const p = await create({ name: 'Local Ollama', kind: 'openai_compatible', base_url: `${llm.urls.openai}/`, credentials: { api_key: KEY }, default_model: 'llama3.2' });
    expect(p).toMatchObject({ name: 'Local Ollama', kind: 'openai_compatible', base_url: llm.urls.openai, default_model: 'llama3.2' });
    expect(p.credentials).toEqual({ configured: true, hint: `...${KEY.slice(-4)}` });
    const row = (await t.testDb.admin.transaction((q) => q<{ credentials: Record<string, string> }>('select credentials from app.providers where id = $1', [p.id]))).rows[0]!;
    expect(Object.keys(row.credentials)).toEqual(['api_key']);
    expect(row.credentials.api_key).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain(KEY.slice(0, 20));
    const got = await req({ method: 'GET', url: `/providers/${p.id}`, token: org.tokens.viewer });
    expect(got.json()).toEqual(p);
    const list = await req({ method: 'GET', url: '/providers', token: org.tokens.member });
    expect(list.json().data.map((x: { id: string }) => x.id)).toContain(p.id);
    const noKey = await create({ name: 'keyless vLLM', kind: 'openai_compatible', base_url: llm.urls.openai });
    expect(noKey.credentials).toEqual({ configured: false, hint: null });
  });

  it('refuses bad input with a 400 naming the field, never echoing the key', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ name: 'x', kind: 'openai_compatible', credentials: { api_key: KEY } }, /base_url/],
      [{ name: 'x', kind: 'anthropic' }, /credentials/],
      [{ name: 'x', kind: 'mistral', credentials: { api_key: KEY } }, /kind/],
      [{ name: 'x', kind: 'openai', base_url: 'ftp://files.example/v1', credentials: { api_key: KEY } }, /base_url/],
      [{ name: 'x', kind: 'openai', base_url: 'not a url', credentials: { api_key: KEY } }, /base_url/],
      [{ name: 'x', kind: 'openai_compatible', base_url: `http://user:${KEY}@127.0.0.1:1/v1` }, /base_url/],
      [{ name: 'x', kind: 'openai', credentials: { api_key: KEY, secret: 'extra' } }, /credentials/],
      [{ name: '', kind: 'openai', credentials: { api_key: KEY } }, /name/],
    ];
    for (const [body, field] of cases) {
      const res = await req({ method: 'POST', url: '/providers', token: org.tokens.admin, body });
      const err = expectError(res, 400);
      expect(JSON.stringify(err), JSON.stringify(body)).toMatch(field);
      expect(res.body).not.toContain(KEY);
    }
  });

  it('PATCH changes the fields given; moving base_url needs the key again; kind is fixed', async () => {
    const p = await create({ name: 'OpenAI', kind: 'openai', base_url: llm.urls.openai, credentials: { api_key: KEY } });
    const renamed = await req({ method: 'PATCH', url: `/providers/${p.id}`, token: org.tokens.admin, body: { name: 'OpenAI prod', default_model: 'gpt-4o' } });
    expect(renamed.json()).toMatchObject({ name: 'OpenAI prod', default_model: 'gpt-4o', base_url: llm.urls.openai, credentials: p.credentials });
    const moved = await req({ method: 'PATCH', url: `/providers/${p.id}`, token: org.tokens.admin, body: { base_url: 'http://127.0.0.1:9/v1' } });
    expect(expectError(moved, 400).message).toMatch(/credentials again/);
    const other = `sk-other-${'o'.repeat(24)}`;
    const both = await req({ method: 'PATCH', url: `/providers/${p.id}`, token: org.tokens.admin, body: { base_url: `${llm.origin}/v1`, credentials: { api_key: other } } });
    expect(both.statusCode, both.body).toBe(200);
    expect(both.json().credentials.hint).toBe(`...${other.slice(-4)}`);
    expectError(await req({ method: 'PATCH', url: `/providers/${p.id}`, token: org.tokens.admin, body: { credentials: null } }), 400);
    expectError(await req({ method: 'PATCH', url: `/providers/${p.id}`, token: org.tokens.admin, body: { kind: 'anthropic' } }), 400);
    expectError(await req({ method: 'PATCH', url: `/providers/${missingId()}`, token: org.tokens.admin, body: { name: 'x' } }), 404);
    expectError(await req({ method: 'PATCH', url: `/providers/${p.id}`, token: org.tokens.member, body: { name: 'x' } }), 403);
  });

  it.each([
    ['openai', 'openai', 'authorization', `Bearer ${KEY}`, 'GET /v1/models'],
    ['openai_compatible', 'openai', 'authorization', `Bearer ${KEY}`, 'GET /v1/models'],
    ['openai_speech', 'openai', 'authorization', `Bearer ${KEY}`, 'GET /v1/models'],
    ['deepgram', 'openai', 'authorization', `Token ${KEY}`, 'GET /v1/projects'],
    ['elevenlabs', 'openai', 'xi-api-key', KEY, 'GET /v1/models'],
    ['anthropic', 'anthropic', 'x-api-key', KEY, 'POST /v1/messages'],
    ['google', 'google', 'x-goog-api-key', KEY, 'POST /v1beta/models/gemini-2.0-flash:generateContent'],
  ] as const)('POST /providers/{id}/test for %s: one real call with the stored key', async (kind, urlKind, header, value, request) => {
    const p = await create({ name: kind, kind, base_url: llm.urls[urlKind], credentials: { api_key: KEY } });
    const before = llm.requests.length;
    const res = await req({ method: 'POST', url: `/providers/${p.id}/test`, token: org.tokens.admin });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ ok: true, latency_ms: expect.any(Number) });
    const sent = llm.requests.slice(before);
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([request]);
    expect(sent[0]!.headers[header]).toBe(value);
    if (kind === 'anthropic' || kind === 'google') expect(JSON.stringify(sent[0]!.body)).toMatch(/"(max_tokens|maxOutputTokens)":1/);
  });

  it('a failing test call reports ok:false with a safe reason: wrong key (whose 401 body quotes it), 503, nothing listening', async () => {
    const wrong = await create({ name: 'wrong key', kind: 'anthropic', base_url: llm.urls.anthropic, credentials: { api_key: WRONG } });
    const r1 = await req({ method: 'POST', url: `/providers/${wrong.id}/test`, token: org.tokens.admin });
    expect(r1.json()).toMatchObject({ ok: false, error: 'the provider refused the credentials (HTTP 401)' });
    expect(r1.body).not.toContain(WRONG);
    const p = await create({ name: 'flaky', kind: 'openai_compatible', base_url: llm.urls.openai, credentials: { api_key: KEY } });
    llm.enqueue({ status: 503 });
    const r2 = await req({ method: 'POST', url: `/providers/${p.id}/test`, token: org.tokens.admin });
    expect(r2.json()).toMatchObject({ ok: false, error: 'the provider is unavailable (HTTP 503)' });
    const down = await create({ name: 'down', kind: 'openai_compatible', base_url: 'http://127.0.0.1:9/v1' });
    const r3 = await req({ method: 'POST', url: `/providers/${down.id}/test`, token: org.tokens.admin });
    expect(r3.json()).toMatchObject({ ok: false, error: expect.stringMatching(/connection failed/) });
    const typo = await create({ name: 'typo', kind: 'openai_compatible', base_url: llm.urls.openai, credentials: { api_key: KEY }, default_model: 'llama3.3' });
    const r4 = await req({ method: 'POST', url: `/providers/${typo.id}/test`, token: org.tokens.admin });
    expect(r4.json()).toMatchObject({ ok: false, error: 'the provider does not list the model "llama3.3" (check default_model)' });
    expectError(await req({ method: 'POST', url: `/providers/${p.id}/test`, token: org.tokens.viewer }), 403);
    expectError(await req({ method: 'POST', url: `/providers/${missingId()}/test`, token: org.tokens.admin }), 404);
  });

  it('checks base_url against the address policy on save when private networks are not allowed', async () => {
    const strict = await createTestApp({ testDb: t.testDb, keyring: t.keyring, config: { allowPrivateNetwork: false } });
    try {
      for (const base_url of ['http://127.0.0.1:11434/v1', 'http://169.254.169.254/latest']) {
        const res = await call(strict.app, { method: 'POST', url: '/providers', token: org.tokens.admin, body: { name: 'x', kind: 'openai_compatible', base_url } });
        expect(expectError(res, 422).message).toMatch(/refused/);
      }
    } finally {
      await strict.close();
    }
  });

  it('deleting a provider an agent uses is 409; once unused it goes (204, then 404); audited without the key', async () => {
    const p = await create({ name: 'to delete', kind: 'openai', credentials: { api_key: KEY } });
    const agent = await req({ method: 'POST', url: '/agents', token: org.tokens.admin, body: { name: 'uses it', llm_provider_id: p.id } });
    expect(agent.statusCode, agent.body).toBe(201);
    expect(expectError(await req({ method: 'DELETE', url: `/providers/${p.id}`, token: org.tokens.admin }), 409).message).toMatch(/still used/);
    expect((await req({ method: 'PATCH', url: `/agents/${agent.json().id}`, token: org.tokens.admin, body: { llm_provider_id: null } })).statusCode).toBe(200);
    expect((await req({ method: 'DELETE', url: `/providers/${p.id}`, token: org.tokens.admin })).statusCode).toBe(204);
    expectError(await req({ method: 'GET', url: `/providers/${p.id}`, token: org.tokens.admin }), 404);
    const audit = await req({ method: 'GET', url: '/audit-log?limit=200', token: org.tokens.owner });
    const actions = audit.json().data.filter((e: { target_id: string }) => e.target_id === p.id).map((e: { action: string }) => e.action);
    expect(actions.sort()).toEqual(['provider.created', 'provider.deleted']);
  });

  it('the key never appears in any response or log line (success and error paths above)', () => {
    expect(bodies.length).toBeGreaterThan(20);
    expect(logs.length).toBeGreaterThan(20);
    for (const secret of [KEY, WRONG]) {
      expect(bodies.filter((b) => b.includes(secret))).toEqual([]);
      expect(logs.filter((l) => l.includes(secret))).toEqual([]);
    }
  });
});
