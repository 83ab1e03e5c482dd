/**
 * A local stand-in for OpenAI's speech endpoint, at the protocol level, on 127.0.0.1:
 * `POST /v1/audio/speech` with `Authorization: Bearer <key>` and `{model, voice, input,
 * response_format}`; `pcm` streams raw PCM Int16 LE at 24 kHz (a tone as long as the text) in chunks.
 * Errors in OpenAI's shape `{"error":{message,type,param,code}}`; like the real API, the 401's message
 * quotes the key it was sent, so tests prove the product never passes it on. `GET /v1/models` too.
 *
 * @example
 * const oa = await startFakeOpenAiTts({ apiKey: 'sk-test' });
 * createOpenAiTtsEngine({ apiKey: 'sk-test', baseUrl: oa.url });
 */
import { closeServer, describeRequest, http, listen, readJson, sendJson, type FakeHttpRequest } from './http.js';
import { streamTone, type FakeTtsBehaviour, type FakeTtsServed } from './tts-stream.js';

export interface FakeOpenAiTts {
  url: string;
  requests: FakeHttpRequest[];
  served: FakeTtsServed[];
  behaviour: FakeTtsBehaviour;
  close(): Promise<void>;
}

const VOICES = new Set(['alloy', 'ash', 'ballad', 'coral', 'echo', 'fable', 'nova', 'onyx', 'sage', 'shimmer', 'verse']);
const MODELS = new Set(['tts-1', 'tts-1-hd', 'gpt-4o-mini-tts']);

const error = (message: string, type: string, code: string | null, param: string | null = null) => ({ error: { message, type, param, code } });

export async function startFakeOpenAiTts(options: { apiKey: string }): Promise<FakeOpenAiTts> {
  const server = http.createServer((req, res) => {
    void (async () => {
      const body = req.method === 'POST' ? await readJson(req) : undefined;
      const request = describeRequest(req, body);
      state.requests.push(request);
      const sent = /^Bearer (.*)$/.exec(req.headers.authorization ?? '')?.[1];
      if (sent !== options.apiKey) return sendJson(res, 401, error(`Incorrect API key provided: ${sent ?? '(none)'}. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_request_error', 'invalid_api_key'));
      if (request.method === 'GET' && request.path === '/v1/models') return sendJson(res, 200, { object: 'list', data: [...MODELS].map((id) => ({ id, object: 'model', created: 0, owned_by: 'openai' })) });
      if (request.method !== 'POST' || request.path !== '/v1/audio/speech') return sendJson(res, 404, error('Invalid URL', 'invalid_request_error', null));
      const { model, voice, input, response_format } = body ?? {};
      if (typeof model !== 'string' || !MODELS.has(model)) return sendJson(res, 404, error(`The model \`${String(model)}\` does not exist`, 'invalid_request_error', 'model_not_found', 'model'));
      if (typeof voice !== 'string' || !VOICES.has(voice)) return sendJson(res, 400, error('Invalid voice', 'invalid_request_error', 'invalid_value', 'voice'));
      if (typeof input !== 'string' || input.length === 0 || input.length > 4096) return sendJson(res, 400, error('input must be 1 to 4096 characters', 'invalid_request_error', 'string_above_max_length', 'input'));
      if (response_format !== 'pcm') return sendJson(res, 400, error('This fake streams response_format pcm only', 'invalid_request_error', 'invalid_value', 'response_format'));
      state.served.push(streamTone(res, input, { encoding: 'pcm', sampleRate: 24000, contentType: 'audio/pcm' }, state.behaviour));
    })().catch(() => {
      if (!res.headersSent) sendJson(res, 400, error('We could not parse the JSON body of your request.', 'invalid_request_error', null));
      else res.destroy();
    });
  });
  const origin = await listen(server);
  const state: FakeOpenAiTts = {
    url: `${origin}/v1`,
    requests: [],
    served: [],
    behaviour: { msPerChar: 20, hz: 1000, chunkBytes: 1001, chunkDelayMs: 2 },
    close: () => closeServer(server),
  };
  return state;
}
