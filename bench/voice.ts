/**
 * Voice turn latency over Twilio's media-stream protocol, with the offline engines and a zero-latency
 * local model server (so model time is excluded): the caller simulator says a line in real time and
 * measures from the end of its speech (its last frame sent) to the first agent audio received. Then
 * the same with N calls at once, to find how many concurrent calls this machine sustains before p95
 * doubles. `npm run bench:voice` → bench/results/<date>-voice.json and a markdown table on stdout.
 *
 * VOICE_BENCH_LEVELS (default "1,5,10,20") and VOICE_BENCH_TURNS (default 3) change the round.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { startFakeLlm } from '../test/fakes/llm-server/index.js';
import { OUR_NUMBER, twilioCreds } from '../test/fakes/provider-sim/fixtures.js';
import { call, createOrg } from '../test/helpers/api.js';
import { created, dialIn, startVoiceHarness } from '../test/voice/support.js';

const LEVELS = (process.env.VOICE_BENCH_LEVELS ?? '1,5,10,20').split(',').map(Number);
const TURNS = Number(process.env.VOICE_BENCH_TURNS ?? 3);
const LINES = ['hello', 'yes please', 'thank you'];

const pct = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * p) - 1)]! : NaN);

const llm = await startFakeLlm({ zeroLatency: true });
llm.respond(() => ({ text: 'Okay.' }));
const h = await startVoiceHarness(undefined, { defaultLlm: { kind: 'openai_compatible', baseUrl: llm.urls.openai, apiKey: 'sk-bench', model: 'fake-model' } });
const org = await createOrg(h.t.app, 'Voice bench');
const agent = await created(h.t, org.tokens.admin, '/agents', { name: 'Bench', system_prompt: 'You say okay.', greeting: 'Hi.' });
const channel = await created(h.t, org.tokens.admin, '/channels', { name: 'Line', type: 'voice', provider: 'twilio', credentials: twilioCreds, phone_number: OUR_NUMBER, agent_id: agent.id });

/** One call: greeting, then TURNS lines; returns client-side end-of-speech → first-audio per turn. */
async function oneCall(n: number): Promise<{ client: number[]; missed: number }> {
  const { caller } = await dialIn(h, channel, `+1555000${String(1000 + n).slice(-4)}`);
  const client: number[] = [];
  let missed = 0;
  await caller.agentSays({ since: 0, timeoutMs: 60_000 });
  for (let i = 0; i < TURNS; i++) {
    const before = caller.utterances.length;
    await caller.say(LINES[i % LINES.length]!);
    const endOfSpeech = Date.now();
    try {
      const [reply] = await caller.agentSays({ since: before, timeoutMs: 20_000 });
      client.push(reply!.at - endOfSpeech);
    } catch {
      missed++; // not recognized (no turn) or too slow
    }
  }
  await caller.hangup();
  return { client, missed };
}

const rounds: Array<Record<string, unknown>> = [];
for (const level of LEVELS) {
  const load = loadavg()[0]!;
  const began = Date.now();
  const results = await Promise.all(Array.from({ length: level }, (_, i) => oneCall(level * 100 + i)));
  const client = results.flatMap((r) => r.client);
  // The server's own mark (end of speech → first audio byte sent), stored with each spoken turn.
  const list = (await call(h.t.app, { method: 'GET', url: `/calls?channel=voice&limit=${level}`, token: org.tokens.admin })).json().data as Array<{ id: string }>;
  const server: number[] = [];
  const stt: number[] = [];
  const tts: number[] = [];
  for (const c of list) {
    const d = (await call(h.t.app, { method: 'GET', url: `/calls/${c.id}`, token: org.tokens.admin })).json() as { latency: Array<{ first_audio_ms: number | null; stt_ms: number | null; tts_ms: number | null }> };
    for (const l of d.latency) {
      if (l.first_audio_ms !== null) server.push(l.first_audio_ms);
      if (l.stt_ms !== null) stt.push(l.stt_ms);
      if (l.tts_ms !== null && l.stt_ms !== null) tts.push(l.tts_ms);
    }
  }
  rounds.push({
    calls: level, turns: client.length, missed: results.reduce((n, r) => n + r.missed, 0), seconds: Math.round((Date.now() - began) / 1000), load_before: Math.round(load * 10) / 10,
    client_p50: pct(client, 0.5), client_p95: pct(client, 0.95), server_first_audio_p50: pct(server, 0.5), server_first_audio_p95: pct(server, 0.95),
    stt_p50: pct(stt, 0.5), stt_p95: pct(stt, 0.95), tts_p50: pct(tts, 0.5), tts_p95: pct(tts, 0.95),
  });
  process.stderr.write(`${JSON.stringify(rounds.at(-1))}\n`);
}
await h.close();
await llm.close();

const date = new Date().toISOString();
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/${date.slice(0, 16).replace(/[T:]/g, '-')}-voice.json`;
writeFileSync(file, `${JSON.stringify({ date, load_after: loadavg()[0], turns_per_call: TURNS, rounds }, null, 2)}\n`);
const r = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? Math.round(x) : '—');
process.stdout.write([
  `results: ${file}`,
  '',
  '| calls | turns (missed) | end of speech → first audio p50 / p95 (caller) | same, server mark p50 / p95 | endpoint → transcript p50 / p95 | TTS first audio p50 / p95 | load before |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...rounds.map((x) => `| ${x.calls} | ${x.turns} (${x.missed}) | ${r(x.client_p50)} / ${r(x.client_p95)} ms | ${r(x.server_first_audio_p50)} / ${r(x.server_first_audio_p95)} ms | ${r(x.stt_p50)} / ${r(x.stt_p95)} ms | ${r(x.tts_p50)} / ${r(x.tts_p95)} ms | ${x.load_before} |`),
  '',
].join('\n'));
