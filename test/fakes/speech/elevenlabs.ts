/**
 * A local stand-in for ElevenLabs' streaming text-to-speech, at the protocol level, on 127.0.0.1:
 * `POST /v1/text-to-speech/{voice_id}/stream?output_format=pcm_16000|pcm_22050|pcm_24000|pcm_44100|ulaw_8000`
 * with `xi-api-key` and `{text, model_id}` streams a tone (length proportional to the text) as chunked
 * raw bytes in the asked format. ElevenLabs' error shapes: 401 `{"detail":{"status":"invalid_api_key"}}`,
 * 404 `voice_not_found`, 422 for a bad body or format. `GET /v1/models` serves provider tests.
 *
 * @example
 * const el = await startFakeElevenLabs({ apiKey: 'xi-key', voices: ['voice1'] });
 * createElevenLabsEngine({ apiKey: 'xi-key', baseUrl: el.url });
 * el.requests[0].query.output_format; el.served[0].clientAborted; await el.close();
 */
import { closeServer, describeRequest, http, listen, readJson, sendJson, type FakeHttpRequest } from './http.js';
import { streamTone, type FakeTtsBehaviour, type FakeTtsServed } from './tts-stream.js';

export interface FakeElevenLabsOptions {
  apiKey: string;
  /** Voice ids that exist (default: the premade "Rachel", 21m00Tcm4TlvDq8ikWAM). */
  voices?: string[];
}

export interface FakeElevenLabs {
  url: string;
  requests: FakeHttpRequest[];
  /** One per streamed synthesis, in order. */
  served: FakeTtsServed[];
  behaviour: FakeTtsBehaviour;
  close(): Promise<void>;
}

const FORMATS: Record<string, { encoding: 'pcm' | 'mulaw'; sampleRate: number; contentType: string }> = {
  pcm_16000: { encoding: 'pcm', sampleRate: 16000, contentType: 'audio/pcm' },
  pcm_22050: { encoding: 'pcm', sampleRate: 22050, contentType: 'audio/pcm' },
  pcm_24000: { encoding: 'pcm', sampleRate: 24000, contentType: 'audio/pcm' },
  pcm_44100: { encoding: 'pcm', sampleRate: 44100, contentType: 'audio/pcm' },
  ulaw_8000: { encoding: 'mulaw', sampleRate: 8000, contentType: 'audio/basic' },
};

const detail = (status: string, message: string) => ({ detail: { status, message } });

export async function startFakeElevenLabs(options: FakeElevenLabsOptions): Promise<FakeElevenLabs> {
  const voices = new Set(options.voices ?? ['21m00Tcm4TlvDq8ikWAM']);
  const server = http.createServer((req, res) => {
    void (async () => {
      const body = req.method === 'POST' ? await readJson(req) : undefined;
      const request = describeRequest(req, body);
      state.requests.push(request);
      if (req.headers['xi-api-key'] !== options.apiKey) return sendJson(res, 401, detail('invalid_api_key', 'Invalid API key'));
      if (request.method === 'GET' && request.path === '/v1/models') return sendJson(res, 200, [{ model_id: 'eleven_flash_v2_5', name: 'Eleven Flash v2.5' }]);
      const m = /^\/v1\/text-to-speech\/([^/]+)\/stream$/.exec(request.path);
      if (request.method !== 'POST' || !m) return sendJson(res, 404, { detail: 'Not Found' });
      if (!voices.has(decodeURIComponent(m[1]!))) return sendJson(res, 404, detail('voice_not_found', `A voice with the voice_id ${m[1]} was not found.`));
      const format = FORMATS[request.query.output_format ?? 'mp3_44100_128'];
      if (!format) return sendJson(res, 422, detail('invalid_output_format', 'This fake streams pcm_* and ulaw_8000 only'));
      const text = body?.text;
      if (typeof text !== 'string' || text.trim() === '') return sendJson(res, 422, { detail: [{ loc: ['body', 'text'], msg: 'field required', type: 'value_error.missing' }] });
      state.served.push(streamTone(res, text, format, state.behaviour));
    })().catch(() => {
      if (!res.headersSent) sendJson(res, 400, detail('invalid_json', 'Invalid JSON'));
      else res.destroy();
    });
  });
  const origin = await listen(server);
  const state: FakeElevenLabs = {
    url: `${origin}/v1`,
    requests: [],
    served: [],
    behaviour: { msPerChar: 20, hz: 440, chunkBytes: 1001, chunkDelayMs: 2 },
    close: () => closeServer(server),
  };
  return state;
}
