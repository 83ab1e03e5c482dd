/**
 * A local stand-in for language-model APIs, at the protocol level, on 127.0.0.1 (random port): OpenAI
 * Chat Completions (`POST /v1/chat/completions`, streamed or not, tool calls, `GET /v1/models`; what
 * every `openai_compatible` server speaks), plus Anthropic Messages (`POST /v1/messages`) and Google
 * (`POST /v1beta/models/{model}:generateContent` / `:streamGenerateContent?alt=sse`). The real AI SDK
 * clients run against it. Each request takes the next scripted reply from the queue, else asks the
 * responder (default: echoes the last user message). Every request is recorded.
 *
 * @example
 * const llm = await startFakeLlm({ apiKey: 'sk-test' });
 * llm.enqueue({ toolCalls: [{ name: 'lookup', arguments: { id: 7 } }] }, { text: 'Found it.', chunks: 3 });
 * llm.enqueue({ status: 503 }, { hang: true });
 * llm.respond((req) => ({ text: `you offered ${req.tools.join(',')}` }));
 * createLanguageModel({ kind: 'openai_compatible', base_url: llm.urls.openai, api_key: 'sk-test', model: 'm' }, …);
 * llm.requests[0].tools; llm.requests[0].apiKey;
 * await llm.close();
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { anthropicError, anthropicMessage, anthropicStream } from './anthropic.js';
import { sendJson, sleep } from './chunks.js';
import { googleError, googleGenerate, googleStream } from './google.js';
import { openAiCompletion, openAiError, openAiStream } from './openai.js';
import { lastUserText, recordRequest } from './record.js';
import type { FakeLlmProtocol, FakeLlmRequest, FakeReply, FakeResponder } from './types.js';

export type { FakeLlmProtocol, FakeLlmRequest, FakeReply, FakeResponder, FakeToolCall } from './types.js';
export { lastUserText } from './record.js';

export interface FakeLlmOptions {
  /** When set, a request carrying another key gets the provider's 401, whose message quotes the key sent
   * (OpenAI's real API does), so tests prove the product never passes provider error text on. */
  apiKey?: string;
  /** Model ids listed by GET /v1/models. Default `['fake-model']`. */
  models?: string[];
  /** Ignore every configured delay (benchmarks). */
  zeroLatency?: boolean;
  /** Called when a completion response has been handed to the socket, with the time since the request
   * arrived: the model server's own share of a turn (benchmarks subtract it). */
  onServed?: (ms: number, request: FakeLlmRequest) => void;
}

export interface FakeLlm {
  origin: string;
  /** Base URLs to configure per kind: `${origin}/v1` (OpenAI and Anthropic), `${origin}/v1beta` (Google). */
  urls: { openai: string; anthropic: string; google: string };
  requests: FakeLlmRequest[];
  apiKey: string | undefined;
  zeroLatency: boolean;
  models: string[];
  /** Replies used in order, one per completion request, before the responder. */
  enqueue(...replies: FakeReply[]): void;
  /** The answer when the queue is empty. */
  respond(responder: FakeResponder): void;
  /** Completion requests (not model lists) received so far. */
  completions(): FakeLlmRequest[];
  /** Forgets recorded requests, queued replies and the responder. */
  reset(): void;
  close(): Promise<void>;
}

const echo: FakeResponder = (req) => ({ text: `You said: ${lastUserText(req)}` });
const MAX_BODY = 4 * 1024 * 1024;

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(c as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
}

function errorBody(protocol: FakeLlmProtocol, status: number, message: string): unknown {
  if (protocol === 'anthropic') return anthropicError(status, message);
  if (protocol === 'google') return googleError(status, message);
  return openAiError(status, message);
}

function route(method: string, path: string): { protocol: FakeLlmProtocol; model?: string } | 'models' | 'projects' | undefined {
  if (method === 'GET' && /\/models$/.test(path)) return 'models';
  if (method === 'GET' && /\/projects$/.test(path)) return 'projects';
  if (method !== 'POST') return undefined;
  if (path.endsWith('/chat/completions')) return { protocol: 'openai' };
  if (path.endsWith('/messages')) return { protocol: 'anthropic' };
  const google = /\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(path);
  if (google) return { protocol: 'google', model: decodeURIComponent(google[1]!) };
  return undefined;
}

export async function startFakeLlm(opts: FakeLlmOptions = {}): Promise<FakeLlm> {
  const queue: FakeReply[] = [];
  let responder: FakeResponder = echo;

  async function answer(protocol: FakeLlmProtocol, request: FakeLlmRequest, res: ServerResponse): Promise<void> {
    if (state.apiKey !== undefined && request.apiKey !== state.apiKey) {
      return sendJson(res, 401, errorBody(protocol, 401, `Incorrect API key provided: ${request.apiKey ?? '(none)'}`));
    }
    const reply = queue.shift() ?? (await responder(request));
    if ('hang' in reply) return; // never answered; closed with the server
    if ('status' in reply) return sendJson(res, reply.status, reply.body ?? errorBody(protocol, reply.status, `fake error ${reply.status}`), reply.headers);
    const model = request.model ?? 'fake-model';
    if (!request.stream) {
      await sleep(reply.firstTokenDelayMs, state.zeroLatency);
      if (protocol === 'anthropic') return anthropicMessage(res, model, reply);
      if (protocol === 'google') return googleGenerate(res, reply);
      return openAiCompletion(res, model, reply);
    }
    if (protocol === 'anthropic') return anthropicStream(res, model, reply, state.zeroLatency);
    if (protocol === 'google') return googleStream(res, reply, state.zeroLatency);
    return openAiStream(res, model, reply, state.zeroLatency);
  }

  const server = http.createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      const target = route(req.method ?? '', path);
      if (target === undefined) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
      if (target === 'models' || target === 'projects') {
        // Model lists (OpenAI and compatible, ElevenLabs) and Deepgram's project list: what a provider's
        // "test" call reads. Queued error replies apply here too.
        const request = recordRequest('openai', req, path, undefined);
        state.requests.push(request);
        const queued = queue[0] && 'status' in queue[0] ? queue.shift() : undefined;
        if (queued && 'status' in queued) return sendJson(res, queued.status, queued.body ?? openAiError(queued.status, `fake error ${queued.status}`), queued.headers);
        if (state.apiKey !== undefined && request.apiKey !== state.apiKey) return sendJson(res, 401, openAiError(401, `Incorrect API key provided: ${request.apiKey ?? '(none)'}`));
        if (target === 'projects') return sendJson(res, 200, { projects: [{ project_id: 'p1', name: 'fake' }] });
        return sendJson(res, 200, { object: 'list', data: state.models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake' })) });
      }
      const arrived = performance.now();
      const request = recordRequest(target.protocol, req, path, await readJson(req), target.model);
      state.requests.push(request);
      if (opts.onServed) res.once('finish', () => opts.onServed!(performance.now() - arrived, request));
      await answer(target.protocol, request, res);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const state: FakeLlm = {
    origin,
    urls: { openai: `${origin}/v1`, anthropic: `${origin}/v1`, google: `${origin}/v1beta` },
    requests: [],
    apiKey: opts.apiKey,
    zeroLatency: opts.zeroLatency ?? false,
    models: opts.models ?? ['fake-model'],
    enqueue: (...replies) => void queue.push(...replies),
    respond: (fn) => void (responder = fn),
    completions: () => state.requests.filter((r) => r.method === 'POST'),
    reset: () => {
      state.requests.length = 0;
      queue.length = 0;
      responder = echo;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return state;
}
