import { spawn } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import { Resampler } from '../media/resample.js';
import { parseWavHeader, pcmFromBytes, type WavFormat } from '../media/pcm.js';
import { ESPEAK_PACKAGES, SpeechUnavailableError } from '../unavailable.js';
import { splitSentences } from './sentences.js';
import type { TtsEngine, TtsOptions, TtsStream } from './types.js';

/**
 * espeak-ng as a child process per sentence (`--stdout` writes a WAV stream as it synthesizes), so
 * the first sentence's audio flows while later ones are still text; the next sentence's process
 * starts while the current one plays. Text goes in on stdin, never as an argument. Cancelling kills
 * the running processes.
 */
export interface EspeakOptions {
  /** The binary; `espeak-ng` from PATH by default. */
  command?: string;
  /** Voice when the agent names none: `en-us+f2` is the voice pocketsphinx recognises best. */
  defaultVoice?: string;
  /** Words per minute (espeak-ng's default is 175). */
  wordsPerMinute?: number;
}

export const ESPEAK_DEFAULT_VOICE = 'en-us+f2';
const VOICE_NAME = /^[A-Za-z0-9_+-]{1,40}$/;
const MAX_TEXT_CHARS = 20_000;

export function createEspeakEngine(options: EspeakOptions = {}): TtsEngine {
  const command = options.command ?? 'espeak-ng';
  return {
    name: 'espeak-ng',
    synthesize(text: string, tts: TtsOptions): TtsStream {
      const voice = tts.voice ?? options.defaultVoice ?? ESPEAK_DEFAULT_VOICE;
      if (!VOICE_NAME.test(voice)) throw new Error(`invalid espeak-ng voice name: ${voice}`);
      const args = ['-v', voice, '--stdout', '--stdin', '-s', String(options.wordsPerMinute ?? 175)];
      return sentenceStream(splitSentences(text.slice(0, MAX_TEXT_CHARS)), (sentence) => runEspeak(command, args, sentence, tts.sampleRate));
    },
  };
}

interface Synthesis {
  chunks: AsyncIterable<Int16Array>;
  kill(): void;
}

function sentenceStream(sentences: string[], start: (sentence: string) => Synthesis): TtsStream {
  const running = new Set<Synthesis>();
  let isCancelled = false;
  const launch = (i: number): Synthesis | null => {
    if (isCancelled || i >= sentences.length) return null;
    const s = start(sentences[i]!);
    running.add(s);
    return s;
  };
  return {
    cancel() {
      isCancelled = true;
      for (const s of running) s.kill();
    },
    async *[Symbol.asyncIterator]() {
      let current = launch(0);
      for (let i = 0; current; i++) {
        const next = launch(i + 1); // overlaps the next sentence's start-up with this one's audio
        let isDone = false;
        try {
          for await (const chunk of current.chunks) {
            if (isCancelled) return;
            yield chunk;
          }
          isDone = true;
        } finally {
          running.delete(current);
          // Cancelled, failed, or the consumer stopped reading: no process outlives the stream.
          if (!isDone) {
            current.kill();
            if (next) running.delete(next);
            next?.kill();
          }
        }
        current = next;
      }
    },
  };
}

function runEspeak(command: string, args: string[], text: string, sampleRate: number): Synthesis {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'ignore'] });
  child.stdin.on('error', () => {}); // a killed child closes its stdin; the exit handler reports
  child.stdin.end(text);
  // Listen now: a spawn failure is emitted on the next tick, before anyone reads the chunks.
  const exited = new Promise<Exit>((resolve) => {
    child.once('error', (error) => resolve({ code: null, error }));
    child.once('close', (code) => resolve({ code }));
  });
  // Node drops the output of an exited child whose stdout nobody listens to (flushStdio); the next
  // sentence's process may well finish before we read it, so its output waits in a pipe of our own.
  const output = child.stdout.pipe(new PassThrough());
  return { chunks: wavChunks(output, exited, sampleRate), kill: () => child.kill('SIGKILL') };
}

type Exit = { code: number | null; error?: Error };

async function* wavChunks(output: Readable, exited: Promise<Exit>, sampleRate: number): AsyncGenerator<Int16Array> {
  let head: Uint8Array = new Uint8Array(0);
  let format: WavFormat | null = null;
  let resampler: Resampler | null = null;
  let odd: number | null = null; // a sample split across two reads
  for await (const data of output) {
    let bytes = data as Uint8Array;
    if (!format) {
      head = concatBytes(head, bytes);
      format = parseWavHeader(head);
      if (!format) continue;
      if (format.channels !== 1 || format.bitsPerSample !== 16) throw new Error('espeak-ng wrote an unexpected WAV format');
      resampler = format.sampleRate === sampleRate ? null : new Resampler(format.sampleRate, sampleRate);
      bytes = head.subarray(format.dataOffset);
    }
    if (odd !== null) bytes = concatBytes(Uint8Array.of(odd), bytes);
    odd = bytes.length % 2 ? bytes[bytes.length - 1]! : null;
    const pcm = pcmFromBytes(bytes.subarray(0, bytes.length - (bytes.length % 2)));
    const out = resampler ? resampler.process(pcm) : pcm;
    if (out.length) yield out;
  }
  const tail = resampler?.flush();
  if (tail?.length) yield tail;
  const { code, error } = await exited;
  if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') throw new SpeechUnavailableError('espeak-ng text-to-speech', 'the espeak-ng program is not installed', ESPEAK_PACKAGES);
  if (error) throw error;
  if (code !== 0 && code !== null) throw new Error(`espeak-ng exited with code ${code}`);
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
