/**
 * Offline speech: word error rate of pocketsphinx on espeak-ng caller lines, constrained by the grammar
 * the prompt would set, at 16 kHz (widget) and through μ-law 8 kHz (phone); the time from end of audio
 * to the final result; espeak-ng's time to first audio and total per sentence.
 * `npx tsx bench/speech.ts` → bench/results/<date>-speech.json and a markdown table on stdout.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createPocketsphinxEngine } from '../src/voice/stt/pocketsphinx.js';
import type { RecognitionGrammar } from '../src/voice/stt/types.js';
import { createEspeakEngine } from '../src/voice/tts/espeak.js';
import { speak, throughMuLaw, wordErrors } from '../test/helpers/speech.js';

const MENU: RecognitionGrammar = { kind: 'choices', choices: ['billing', 'sales', 'support', 'technical support', 'cancel my account'].map((label) => ({ label, examples: [] })) };
const CONSTRAINED: Array<[string, RecognitionGrammar]> = [
  ...['four two seven', 'one five nine three', 'eight zero six', 'two two five one', 'nine seven three', 'six eight', 'three one four one five'].map((l): [string, RecognitionGrammar] => [l, { kind: 'digits' }]),
  ...['yes', 'no', 'yeah', 'nope', 'sure'].map((l): [string, RecognitionGrammar] => [l, { kind: 'yes_no' }]),
  ...['billing', 'sales', 'support', 'i want to talk to sales', 'technical support please', 'cancel my account'].map((l): [string, RecognitionGrammar] => [l, MENU]),
  ...['twenty three', 'forty two', 'seventeen', 'ninety nine', 'one hundred and five', 'sixty eight'].map((l): [string, RecognitionGrammar] => [l, { kind: 'number' }]),
];
const DOMAIN = ['Welcome to Acme Bank. I can help with your balance, your cards and opening hours.', 'Our branches are open from nine to five, Monday to Friday.', 'To block a lost card, say block my card. You can also reset your online banking password.'];
const FREE = ['what are your opening hours', 'i want to block my card', 'how do i reset my password', 'what is my balance'];
const TTS_SENTENCES = ['Hello, thank you for calling Acme Bank.', 'Your balance is four hundred and twelve dollars.', 'Is there anything else I can help you with?', 'Please say or enter your account number.', 'Goodbye!'];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)]!;

async function recognise(cases: Array<[string, RecognitionGrammar | null]>, rate: number) {
  const engine = createPocketsphinxEngine();
  const session = await engine.start({ sampleRate: rate, languageModel: { texts: DOMAIN } });
  let errors = 0;
  let words = 0;
  const finalizeMs: number[] = [];
  const decodeMs: number[] = [];
  const misses: string[] = [];
  for (const [line, grammar] of cases) {
    await session.setGrammar(grammar ?? { kind: 'free' }, { texts: DOMAIN });
    const pcm = await speak(line, rate);
    const audio = rate === 8000 ? throughMuLaw(pcm) : pcm;
    const started = performance.now();
    for (let at = 0; at < audio.length; at += rate / 50) session.write(audio.subarray(at, at + rate / 50));
    const result = await session.finish();
    decodeMs.push(performance.now() - started);
    finalizeMs.push(result.finalizeMs);
    const e = wordErrors(line, result.text);
    errors += e;
    words += line.split(' ').length;
    if (e) misses.push(`${line} → ${result.text || '(nothing)'}`);
  }
  session.close();
  await engine.close();
  return { utterances: cases.length, words, wer: errors / words, decode_ms_median: median(decodeMs), decode_ms_p95: p95(decodeMs), finalize_ms_median: median(finalizeMs), finalize_ms_p95: p95(finalizeMs), misses };
}

async function tts() {
  const engine = createEspeakEngine();
  const firstMs: number[] = [];
  const totalMs: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const sentence of TTS_SENTENCES) {
      const started = performance.now();
      let first = 0;
      for await (const chunk of engine.synthesize(sentence, { sampleRate: 8000 })) if (!first && chunk.length) first = performance.now() - started;
      firstMs.push(first);
      totalMs.push(performance.now() - started);
    }
  }
  return { sentences: firstMs.length, first_audio_ms_median: median(firstMs), first_audio_ms_p95: p95(firstMs), total_ms_median: median(totalMs), total_ms_p95: p95(totalMs) };
}

const load = loadavg()[0]!;
const results = {
  date: new Date().toISOString(),
  load_average_1m: load,
  constrained_16k: await recognise(CONSTRAINED, 16000),
  constrained_mulaw_8k: await recognise(CONSTRAINED, 8000),
  free_domain_lm_16k: await recognise(FREE.map((l) => [l, null]), 16000),
  free_domain_lm_mulaw_8k: await recognise(FREE.map((l) => [l, null]), 8000),
  tts_espeak: await tts(),
};
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/${results.date.slice(0, 16).replace(/[T:]/g, '-')}-speech.json`;
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const row = (name: string, r: Awaited<ReturnType<typeof recognise>>) => `| ${name} | ${r.utterances} (${r.words} words) | ${pct(r.wer)} | ${r.decode_ms_median.toFixed(0)} / ${r.decode_ms_p95.toFixed(0)} ms | ${r.finalize_ms_median.toFixed(0)} / ${r.finalize_ms_p95.toFixed(0)} ms |`;
process.stdout.write(
  [
    `results: ${file} (load average ${load.toFixed(1)})`,
    '',
    '| set | utterances | WER | decode p50 / p95 | final after end of audio p50 / p95 |',
    '| --- | --- | --- | --- | --- |',
    row('constrained, 16 kHz', results.constrained_16k),
    row('constrained, μ-law 8 kHz', results.constrained_mulaw_8k),
    row('free speech, domain LM, 16 kHz', results.free_domain_lm_16k),
    row('free speech, domain LM, μ-law 8 kHz', results.free_domain_lm_mulaw_8k),
    '',
    `espeak-ng: first audio p50 ${results.tts_espeak.first_audio_ms_median.toFixed(0)} ms (p95 ${results.tts_espeak.first_audio_ms_p95.toFixed(0)}), whole sentence p50 ${results.tts_espeak.total_ms_median.toFixed(0)} ms (p95 ${results.tts_espeak.total_ms_p95.toFixed(0)}) over ${results.tts_espeak.sentences} sentences`,
    '',
    ...Object.entries(results).flatMap(([k, v]) => (typeof v === 'object' && 'misses' in v ? v.misses.map((m) => `${k}: ${m}`) : [])),
    '',
  ].join('\n'),
);
