/**
 * Cloud speech engines: what Converse itself adds on top of the vendor, measured against the local
 * protocol fakes answering with no delay (test/fakes/speech), so the vendor's own latency is excluded:
 * - TTS: time to the first PCM chunk and CPU per second of audio delivered (OpenAI's 24 kHz resampled to
 *   8 and 16 kHz; ElevenLabs' μ-law 8 kHz decoded; its 16 kHz PCM passed through);
 * - STT: Deepgram `finish` round trip (Finalize → from_finalize) over the WebSocket.
 * `npx tsx bench/cloud-speech.ts` → bench/results/<date>-cloud-speech.json and a summary on stdout.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createDeepgramEngine } from '../src/voice/stt/deepgram.js';
import { createElevenLabsEngine } from '../src/voice/tts/elevenlabs.js';
import { createOpenAiTtsEngine } from '../src/voice/tts/openai.js';
import type { TtsEngine } from '../src/voice/tts/types.js';
import { startFakeDeepgram, startFakeElevenLabs, startFakeOpenAiTts, tone } from '../test/fakes/speech/index.js';

const KEY = 'bench-key-0123456789abcdef';
const TEXT = 'Thank you for calling. Your balance is four hundred and twelve dollars. Is there anything else?'; // 96 chars → 1.92 s of audio
const ROUNDS = 30;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)]!;

async function tts(engine: TtsEngine, sampleRate: number) {
  const firstMs: number[] = [];
  let cpuUs = 0;
  let audioSeconds = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    let first = 0;
    let samples = 0;
    for await (const chunk of engine.synthesize(TEXT, { sampleRate })) {
      if (!first) first = performance.now() - started;
      samples += chunk.length;
    }
    const used = process.cpuUsage(cpu);
    cpuUs += used.user + used.system;
    audioSeconds += samples / sampleRate;
    firstMs.push(first);
  }
  // CPU of the whole process (client and fake server): an upper bound on the client's share.
  return { rounds: ROUNDS, first_audio_ms_median: median(firstMs), first_audio_ms_p95: p95(firstMs), cpu_ms_per_audio_second: cpuUs / 1000 / audioSeconds };
}

async function stt(url: string) {
  const engine = createDeepgramEngine({ apiKey: KEY, baseUrl: url });
  const session = await engine.start({ sampleRate: 8000 });
  const finishMs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const speech = tone(8000, 400, 300);
    for (let i = 0; i < speech.length; i += 160) session.write(speech.subarray(i, i + 160));
    finishMs.push((await session.finish()).finalizeMs);
  }
  session.close();
  return { utterances: ROUNDS, finish_ms_median: median(finishMs), finish_ms_p95: p95(finishMs) };
}

const [dg, el, oa] = await Promise.all([startFakeDeepgram({ apiKey: KEY }), startFakeElevenLabs({ apiKey: KEY }), startFakeOpenAiTts({ apiKey: KEY })]);
for (const fake of [el, oa]) fake.behaviour = { ...fake.behaviour, chunkDelayMs: 0 };
const eleven = createElevenLabsEngine({ apiKey: KEY, baseUrl: el.url });
const openai = createOpenAiTtsEngine({ apiKey: KEY, baseUrl: oa.url });
const load = loadavg()[0]!;
const results = {
  date: new Date().toISOString(),
  load_average_1m: load,
  openai_24k_to_8k: await tts(openai, 8000),
  openai_24k_to_16k: await tts(openai, 16000),
  elevenlabs_ulaw_8k: await tts(eleven, 8000),
  elevenlabs_pcm_16k: await tts(eleven, 16000),
  deepgram_finish: await stt(dg.url),
};
await Promise.all([dg.close(), el.close(), oa.close()]);
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/${results.date.slice(0, 16).replace(/[T:]/g, '-')}-cloud-speech.json`;
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
type Tts = Awaited<ReturnType<typeof tts>>;
const row = (name: string, r: Tts) => `| ${name} | ${r.first_audio_ms_median.toFixed(1)} / ${r.first_audio_ms_p95.toFixed(1)} ms | ${r.cpu_ms_per_audio_second.toFixed(1)} ms |`;
process.stdout.write(
  [
    `results: ${file} (load average ${load.toFixed(1)})`,
    '',
    '| path | first audio p50 / p95 | CPU per second of audio |',
    '| --- | --- | --- |',
    row('OpenAI 24 kHz PCM → 8 kHz', results.openai_24k_to_8k),
    row('OpenAI 24 kHz PCM → 16 kHz', results.openai_24k_to_16k),
    row('ElevenLabs ulaw_8000 → PCM 8 kHz', results.elevenlabs_ulaw_8k),
    row('ElevenLabs pcm_16000 (no conversion)', results.elevenlabs_pcm_16k),
    '',
    `Deepgram finish (Finalize → from_finalize) p50 ${results.deepgram_finish.finish_ms_median.toFixed(1)} ms, p95 ${results.deepgram_finish.finish_ms_p95.toFixed(1)} ms over ${ROUNDS} utterances`,
    '',
  ].join('\n'),
);
