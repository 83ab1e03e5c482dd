/**
 * The fake model server at the wire level (no SDK): what it sends is what the real APIs send, so the
 * SDK-level tests (src/platform/llm) prove the product against the protocol, not against the fake.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeLlm, type FakeLlm } from './index.js';

let llm: FakeLlm;
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${llm.origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-1', ...headers }, body: JSON.stringify(body) });
const sseData = (text: string) => text.split('\n\n').filter(Boolean).map((e) => e.split('\n').find((l) => l.startsWith('data: '))!.slice(6));

beforeAll(async () => {
  llm = await startFakeLlm({ zeroLatency: true });
});
afterAll(async () => llm.close());
beforeEach(() => llm.reset());

describe('fake model server', () => {
  it('streams OpenAI chunks: role first, content pieces, finish_reason with usage, then [DONE]', async () => {
    llm.enqueue({ text: 'a b c', chunks: 3, chunkDelayMs: 1000 }); // delays ignored at zero latency
    const res = await post('/v1/chat/completions', { model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const data = sseData(await res.text());
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d) as { object: string; choices: Array<{ delta: { role?: string; content?: string }; finish_reason: string | null }>; usage?: unknown });
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(chunks.map((c) => c.choices[0]!.delta.content ?? '').join('')).toBe('a b c');
    expect(chunks.filter((c) => c.choices[0]!.delta.content).length).toBe(3);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.at(-1)!.usage).toBeDefined();
  });

  it('streams tool calls as id + name first, then argument fragments that join to the JSON', async () => {
    llm.enqueue({ toolCalls: [{ id: 'call_x', name: 'lookup', arguments: { order_id: 42, note: 'rush' } }] });
    const res = await post('/v1/chat/completions', { model: 'm', stream: true, messages: [], tools: [{ type: 'function', function: { name: 'lookup', parameters: {} } }] });
    const chunks = sseData(await res.text()).slice(0, -1).map((d) => JSON.parse(d) as { choices: Array<{ delta: { tool_calls?: Array<{ index: number; id?: string; function: { name?: string; arguments?: string } }> }; finish_reason: string | null }> });
    const deltas = chunks.flatMap((c) => c.choices[0]!.delta.tool_calls ?? []);
    expect(deltas[0]).toMatchObject({ index: 0, id: 'call_x', function: { name: 'lookup', arguments: '' } });
    expect(deltas.length).toBeGreaterThan(2);
    expect(JSON.parse(deltas.map((d) => d.function.arguments ?? '').join(''))).toEqual({ order_id: 42, note: 'rush' });
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('tool_calls');
    expect(llm.completions()[0]!.tools).toEqual(['lookup']);
  });

  it('answers without streaming, in order from the queue, then from the responder', async () => {
    llm.enqueue({ status: 429, headers: { 'retry-after': '2' } }, { text: 'queued' });
    llm.respond((r) => ({ text: `model ${r.model}` }));
    const first = await post('/v1/chat/completions', { model: 'm1', messages: [] });
    expect([first.status, first.headers.get('retry-after')]).toEqual([429, '2']);
    const second = (await (await post('/v1/chat/completions', { model: 'm1', messages: [] })).json()) as { choices: Array<{ message: { content: string }; finish_reason: string }> };
    expect(second.choices[0]).toMatchObject({ message: { content: 'queued' }, finish_reason: 'stop' });
    const third = (await (await post('/v1/chat/completions', { model: 'm2', messages: [] })).json()) as { choices: Array<{ message: { content: string } }> };
    expect(third.choices[0]!.message.content).toBe('model m2');
  });

  it('checks the key when one is set, answering the 401 with the key it was sent (as OpenAI does)', async () => {
    llm.apiKey = 'sk-right';
    try {
      const res = await post('/v1/chat/completions', { model: 'm', messages: [] }, { authorization: 'Bearer sk-wrong' });
      expect(res.status).toBe(401);
      expect(await res.text()).toContain('sk-wrong');
      expect(llm.completions()[0]!.apiKey).toBe('sk-wrong');
      const models = await fetch(`${llm.origin}/v1/models`, { headers: { authorization: 'Bearer sk-right' } });
      expect(((await models.json()) as { data: Array<{ id: string }> }).data.map((m) => m.id)).toEqual(['fake-model']);
    } finally {
      llm.apiKey = undefined;
    }
  });

  it('records Anthropic and Google requests with their messages, tools and key headers', async () => {
    await post('/v1/messages', { model: 'claude', system: 'be brief', messages: [{ role: 'user', content: 'hi' }], tools: [{ name: 't1' }] }, { 'x-api-key': 'ak' });
    await post('/v1beta/models/gemini:generateContent', { contents: [{ role: 'user', parts: [{ text: 'yo' }] }], tools: [{ functionDeclarations: [{ name: 'g1' }] }] }, { 'x-goog-api-key': 'gk' });
    const [a, g] = llm.completions();
    expect(a).toMatchObject({ protocol: 'anthropic', model: 'claude', tools: ['t1'], messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }] });
    expect(g).toMatchObject({ protocol: 'google', model: 'gemini', tools: ['g1'], stream: false });
    expect([a!.headers['x-api-key'], g!.headers['x-goog-api-key']]).toEqual(['ak', 'gk']);
  });
});

describe('fake model server timing hook', () => {
  it('reports each completion once it is answered, with the time it took and the request; model lists are not reported', async () => {
    const served: Array<{ ms: number; model: string | undefined }> = [];
    const timed = await startFakeLlm({ onServed: (ms, req) => void served.push({ ms, model: req.model }) });
    try {
      timed.enqueue({ text: 'done' });
      const res = await fetch(`${timed.urls.openai}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'timed', messages: [] }) });
      expect(res.status).toBe(200);
      await res.text();
      await fetch(`${timed.urls.openai}/models`).then((r) => r.text());
      await new Promise((r) => setTimeout(r, 20));
      expect(served).toHaveLength(1);
      expect(served[0]!.model).toBe('timed');
      expect(Number.isFinite(served[0]!.ms) && served[0]!.ms > 0).toBe(true);
    } finally {
      await timed.close();
    }
  });
});
