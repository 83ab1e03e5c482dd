/**
 * The real AI SDK (`streamText`, `generateText`) against the protocol-level fake model server, through
 * the guarded outbound client: text streams, tool calls, each provider kind's wire format, keys in the
 * right header, error classification, the single retry and the turn deadline.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateText, jsonSchema, streamText, tool } from 'ai';
import { startFakeLlm, type FakeLlm } from '../../../test/fakes/llm-server/index.js';
import { classifyLlmError, createLanguageModel, createLlmFetch, LlmConfigError, retryOnce, turnDeadline, type LlmKind } from './index.js';

const KEY = 'sk-canary-0123456789abcdef';
let llm: FakeLlm;
const fetch = createLlmFetch({ allowPrivateNetwork: true });

function model(kind: LlmKind, apiKey: string | undefined = KEY) {
  const base_url = kind === 'google' ? llm.urls.google : kind === 'anthropic' ? llm.urls.anthropic : llm.urls.openai;
  return createLanguageModel({ kind, base_url, api_key: apiKey, model: 'fake-model' }, { fetch });
}

const lookup = tool({
  description: 'Looks up an order',
  inputSchema: jsonSchema<{ order_id: number }>({ type: 'object', properties: { order_id: { type: 'number' } }, required: ['order_id'] }),
});

beforeAll(async () => {
  llm = await startFakeLlm({ apiKey: KEY });
});
afterAll(async () => llm.close());
beforeEach(() => llm.reset());

describe('streamText against the fake OpenAI-compatible server', () => {
  it('streams the reply in the scripted chunks and sends the key as a Bearer token', async () => {
    llm.enqueue({ text: 'Hello there, how can I help?', chunks: 4 });
    const result = streamText({ model: model('openai_compatible'), prompt: 'hi', maxRetries: 0 });
    const deltas: string[] = [];
    for await (const d of result.textStream) deltas.push(d);
    expect(deltas.join('')).toBe('Hello there, how can I help?');
    expect(deltas.length).toBe(4);
    const [req] = llm.completions();
    expect(req!.stream).toBe(true);
    expect(req!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req!.messages).toEqual([{ role: 'user', content: 'hi' }]);
  });

  it('streams tool calls (id, name, argument fragments) and records which tools were offered', async () => {
    llm.enqueue({ toolCalls: [{ id: 'call_a', name: 'lookup', arguments: { order_id: 42 } }] });
    const result = streamText({ model: model('openai'), prompt: 'where is order 42?', tools: { lookup }, maxRetries: 0 });
    const calls = await result.toolCalls;
    expect(calls.map((c) => [c.toolCallId, c.toolName, c.input])).toEqual([['call_a', 'lookup', { order_id: 42 }]]);
    expect(await result.finishReason).toBe('tool-calls');
    expect(llm.completions()[0]!.tools).toEqual(['lookup']);
    expect(llm.completions()[0]!.path).toBe('/v1/chat/completions');
  });

  it('answers without streaming too (generateText), echoing the user by default', async () => {
    const { text } = await generateText({ model: model('openai_compatible'), prompt: 'ping', maxRetries: 0 });
    expect(text).toBe('You said: ping');
    expect(llm.completions()[0]!.stream).toBe(false);
  });

  it('stops at a turn deadline when the model hangs, classified as a timeout that is not retried', async () => {
    llm.enqueue({ hang: true });
    const deadline = turnDeadline(150);
    const err = await generateText({ model: model('openai_compatible'), prompt: 'x', maxRetries: 0, abortSignal: deadline.signal }).catch((e: unknown) => e);
    deadline.dispose();
    expect(deadline.timedOut()).toBe(true);
    expect(classifyLlmError(err)).toMatchObject({ code: 'timeout', transient: false });
  });

  it('cuts a stream that stalls after the first chunks at the deadline, keeping what arrived', async () => {
    llm.enqueue({ text: 'one two three four', chunks: 4, hangAfterChunks: 2 });
    const deadline = turnDeadline(200);
    const result = streamText({ model: model('openai_compatible'), prompt: 'x', maxRetries: 0, abortSignal: deadline.signal });
    const deltas: string[] = [];
    await (async () => {
      for await (const d of result.textStream) deltas.push(d);
    })().catch(() => undefined);
    deadline.dispose();
    expect(deltas.join('')).toBe('one two ');
    expect(deadline.timedOut()).toBe(true);
  });
});

describe('the other wire formats', () => {
  it.each([
    ['anthropic', 'x-api-key', '/v1/messages'],
    ['google', 'x-goog-api-key', '/v1beta/models/fake-model:streamGenerateContent'],
  ] as const)('%s: streams text and tool calls with the key in %s', async (kind, header, path) => {
    llm.enqueue({ text: 'Hi from the fake', chunks: 2 }, { toolCalls: [{ name: 'lookup', arguments: { order_id: 7 } }] });
    const first = streamText({ model: model(kind), system: 'be brief', prompt: 'hi', maxRetries: 0 });
    expect(await first.text).toBe('Hi from the fake');
    const second = streamText({ model: model(kind), prompt: 'order 7?', tools: { lookup }, maxRetries: 0 });
    expect((await second.toolCalls).map((c) => [c.toolName, c.input])).toEqual([['lookup', { order_id: 7 }]]);
    const [a, b] = llm.completions();
    expect(a!.headers[header]).toBe(KEY);
    expect(a!.path).toBe(path);
    expect(b!.tools).toEqual(['lookup']);
  });

  it.each(['anthropic', 'google'] as const)('%s: answers a non-streamed request', async (kind) => {
    const { text } = await generateText({ model: model(kind), prompt: 'ping', maxRetries: 0 });
    expect(text).toBe('You said: ping');
  });
});

describe('errors', () => {
  it.each(['openai', 'anthropic', 'google'] as const)('%s: a wrong key is "unauthorized", and the message never quotes the provider body (which echoes the key)', async (kind) => {
    const wrong = 'sk-wrong-key-777777777';
    const err = await generateText({ model: model(kind, wrong), prompt: 'x', maxRetries: 0 }).catch((e: unknown) => e);
    const failure = classifyLlmError(err);
    expect(failure).toMatchObject({ code: 'unauthorized', transient: false, status: 401 });
    expect(failure.message).not.toContain(wrong);
    expect(String((err as Error).message)).toContain(wrong); // the SDK's own message does quote it
  });

  it.each([[500, 'unavailable'], [503, 'unavailable'], [429, 'rate_limited'], [400, 'bad_request']] as const)(
    'HTTP %i is classified %s', async (status, code) => {
      llm.enqueue({ status });
      const err = await generateText({ model: model('openai_compatible'), prompt: 'x', maxRetries: 0 }).catch((e: unknown) => e);
      expect(classifyLlmError(err)).toMatchObject({ code, transient: status !== 400, status });
    });

  it('retryOnce retries a transient failure once, and only once', async () => {
    llm.enqueue({ status: 503 }, { text: 'second time lucky' });
    const call = () => generateText({ model: model('openai_compatible'), prompt: 'x', maxRetries: 0 });
    expect((await retryOnce(call)).text).toBe('second time lucky');
    expect(llm.completions()).toHaveLength(2);

    llm.reset();
    llm.enqueue({ status: 429 }, { status: 500 }, { text: 'never reached' });
    await expect(retryOnce(call)).rejects.toThrow();
    expect(llm.completions()).toHaveLength(2);

    llm.reset();
    llm.enqueue({ status: 401 }, { text: 'never reached' });
    await expect(retryOnce(call)).rejects.toThrow();
    expect(llm.completions()).toHaveLength(1);
  });

  it('a refused connection is a transient network failure', async () => {
    const closed = await startFakeLlm();
    const url = closed.urls.openai;
    await closed.close();
    const m = createLanguageModel({ kind: 'openai_compatible', base_url: url, model: 'm' }, { fetch });
    const err = await generateText({ model: m, prompt: 'x', maxRetries: 0 }).catch((e: unknown) => e);
    expect(classifyLlmError(err)).toMatchObject({ code: 'network', transient: true });
  });

  it('goes through the address guard: without the private-network allowance loopback is refused and nothing arrives', async () => {
    const guarded = createLlmFetch({ allowPrivateNetwork: false });
    const m = createLanguageModel({ kind: 'openai_compatible', base_url: llm.urls.openai, model: 'm' }, { fetch: guarded });
    const err = await generateText({ model: m, prompt: 'x', maxRetries: 0 }).catch((e: unknown) => e);
    expect(classifyLlmError(err)).toMatchObject({ code: 'blocked', transient: false });
    expect(llm.requests).toHaveLength(0);
  });

  it('refuses to build a model without a key (official kinds) or a base URL (openai_compatible)', () => {
    expect(() => createLanguageModel({ kind: 'openai', model: 'gpt' }, { fetch })).toThrow(LlmConfigError);
    expect(() => createLanguageModel({ kind: 'openai_compatible', model: 'm' }, { fetch })).toThrow(/base_url/);
  });
});
