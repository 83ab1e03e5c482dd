/**
 * The Deepgram engine's real client code (the `ws` WebSocket client) against a protocol-level fake of
 * Deepgram's live API on 127.0.0.1 (test/fakes/speech/deepgram.ts): handshake with the Token header and
 * the query Deepgram expects, interim results as partials, Finalize per utterance, KeepAlive while idle,
 * CloseStream on close, and clear errors for a refused key or a dropped stream.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeDeepgram, tone, type FakeDeepgram } from '../../../test/fakes/speech/index.js';
import { SpeechProviderError } from '../cloud/errors.js';
import { createDeepgramEngine } from './deepgram.js';

const KEY = `dg-canary-${'d'.repeat(24)}`;
const WRONG = `dg-wrong-CANARY-${'w'.repeat(20)}`;

/** 20 ms frames of a tone (speech to the fake) then of silence, written as a transport would. */
function speak(session: { write(pcm: Int16Array): void }, rate: number, speechMs: number, silenceMs: number): void {
  const frame = (rate * 20) / 1000;
  const speech = tone(rate, speechMs, 300);
  for (let i = 0; i < speech.length; i += frame) session.write(speech.subarray(i, i + frame));
  for (let t = 0; t < silenceMs; t += 20) session.write(new Int16Array(frame));
}

async function until(condition: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
}

describe('Deepgram streaming recognition against the local fake', () => {
  let dg: FakeDeepgram;
  beforeAll(async () => {
    dg = await startFakeDeepgram({ apiKey: KEY, idleTimeoutMs: 400 });
  });
  afterAll(async () => dg?.close());
  beforeEach(() => {
    dg.connections.length = 0;
    dg.requests.length = 0;
  });

  it('connects with the Token header and linear16 query, streams partials, and finish returns the utterance', async () => {
    const engine = createDeepgramEngine({ apiKey: KEY, baseUrl: dg.url, model: 'nova-2', language: 'en-US' });
    const partials: string[] = [];
    const session = await engine.start({ sampleRate: 16000, onPartial: (p) => partials.push(p.text) });
    dg.enqueue('i would like to check my balance please');
    speak(session, 16000, 900, 0);
    await until(() => partials.length >= 3);
    const result = await session.finish();
    expect(result.text).toBe('i would like to check my balance please');
    expect(result.confidence).toBeCloseTo(0.97);
    expect(result.finalizeMs).toBeGreaterThanOrEqual(0);
    // Interim hypotheses grow word by word as audio arrives.
    expect(partials[0]!.split(' ').length).toBeLessThan(partials.at(-1)!.split(' ').length);
    const [conn] = dg.connections;
    expect(conn!.headers.authorization).toBe(`Token ${KEY}`);
    expect(conn!.query).toMatchObject({ encoding: 'linear16', sample_rate: '16000', channels: '1', model: 'nova-2', interim_results: 'true', endpointing: '300', language: 'en-US' });
    expect(conn!.audioBytes).toBe(900 * 16 * 2);
    expect(conn!.controls).toEqual(['Finalize']);
    session.close();
    await until(() => conn!.closedWith !== undefined);
    expect(conn!.controls).toEqual(['Finalize', 'CloseStream']);
    expect(conn!.closedWith).toBe(1000);
  });

  it('keeps utterances apart over one connection, including one Deepgram ended itself (speech_final)', async () => {
    const engine = createDeepgramEngine({ apiKey: KEY, baseUrl: dg.url });
    const session = await engine.start({ sampleRate: 8000 });
    dg.enqueue('yes', 'one two three four');
    speak(session, 8000, 400, 400); // 400 ms of silence: past the 300 ms endpointing, Deepgram finalizes
    await until(() => dg.connections[0]!.sent.some((m) => m.speech_final === true));
    expect((await session.finish()).text).toBe('yes');
    speak(session, 8000, 800, 100);
    expect((await session.finish()).text).toBe('one two three four');
    expect(await session.finish()).toEqual({ text: '', confidence: 0, finalizeMs: 0 }); // no audio since: no round trip
    expect(dg.connections[0]!.query.sample_rate).toBe('8000');
    expect(dg.connections[0]!.controls).toEqual(['Finalize', 'Finalize']);
    session.close();
  });

  it('sends KeepAlive while no audio flows, so Deepgram does not close an idle stream', async () => {
    const engine = createDeepgramEngine({ apiKey: KEY, baseUrl: dg.url, keepAliveMs: 100 });
    const session = await engine.start({ sampleRate: 16000 });
    await new Promise((r) => setTimeout(r, 900)); // more than twice the fake's 400 ms idle limit
    const conn = dg.connections[0]!;
    expect(conn.closedWith).toBeUndefined();
    expect(conn.controls.filter((c) => c === 'KeepAlive').length).toBeGreaterThanOrEqual(3);
    dg.enqueue('still here');
    speak(session, 16000, 300, 0);
    expect((await session.finish()).text).toBe('still here');
    await engine.close();
  });

  it('a wrong key is refused at the handshake with a clear error that does not quote the key', async () => {
    const engine = createDeepgramEngine({ apiKey: WRONG, baseUrl: dg.url });
    const error = await engine.start({ sampleRate: 16000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpeechProviderError);
    expect(error).toMatchObject({ code: 'unauthorized', status: 401 });
    expect((error as Error).message).toBe('deepgram speech recognition: the provider refused the API key (HTTP 401, INVALID_AUTH); check the key of this provider');
    expect(dg.connections).toEqual([]);
  });

  it('a stream Deepgram drops fails that utterance clearly, then the next audio reconnects', async () => {
    const engine = createDeepgramEngine({ apiKey: KEY, baseUrl: dg.url });
    const session = await engine.start({ sampleRate: 16000 });
    speak(session, 16000, 200, 0);
    dg.drop(1011, 'NET-0001');
    await until(() => dg.connections[0]!.closedWith !== undefined);
    await new Promise((r) => setTimeout(r, 50));
    speak(session, 16000, 200, 0); // written to a closed stream: dropped, not thrown
    await expect(session.finish()).rejects.toThrow('deepgram speech recognition: the provider closed the stream (code 1011, NET-0001)');
    // The next utterance opens a new stream and is heard whole.
    dg.enqueue('second try');
    speak(session, 16000, 300, 0);
    expect((await session.finish()).text).toBe('second try');
    expect(dg.connections.length).toBe(2);
    expect(dg.connections[1]!.audioBytes).toBe(300 * 16 * 2); // nothing of the lost utterance
    // A drop between utterances (the agent was talking) is invisible: the audio waits for the new stream.
    dg.drop(1011, 'NET-0000');
    await until(() => dg.connections[1]!.closedWith !== undefined);
    dg.enqueue('third');
    speak(session, 16000, 300, 0);
    expect((await session.finish()).text).toBe('third');
    expect(dg.connections.length).toBe(3);
    session.close();
  });

  it('the guard is asked before connecting; a refusal is a network error and nothing connects', async () => {
    const asked: string[] = [];
    const engine = createDeepgramEngine({
      apiKey: KEY,
      baseUrl: dg.url,
      guard: async (url) => {
        asked.push(url.toString());
        throw Object.assign(new Error('Outbound request to ws://127.0.0.1 refused: private address'), { name: 'OutboundBlockedError' });
      },
    });
    const error = await engine.start({ sampleRate: 16000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'network', message: expect.stringContaining('refused: private address') });
    expect(asked[0]).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v1\/listen\?encoding=linear16&sample_rate=16000/);
    expect(dg.connections).toEqual([]);
  });

  it('nothing listening is a network error', async () => {
    const engine = createDeepgramEngine({ apiKey: KEY, baseUrl: 'http://127.0.0.1:9/v1' });
    await expect(engine.start({ sampleRate: 16000 })).rejects.toMatchObject({ code: 'network', message: 'deepgram speech recognition: could not reach the provider' });
  });
});
