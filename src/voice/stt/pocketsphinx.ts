import { Worker } from 'node:worker_threads';
import { findKoffi, findPocketsphinx, type PocketsphinxFiles } from '../availability.js';
import { Resampler } from '../media/resample.js';
import { POCKETSPHINX_PACKAGES, SpeechUnavailableError } from '../unavailable.js';
import { buildDomainLm } from './domain-lm.js';
import { grammarToJsgf, grammarWords, wordLoopJsgf } from './grammar.js';
import { DECODER_SAMPLE_RATE, UTTERANCE_PADDING_SECONDS, decoderArgs, featParams, profileFor, type AcousticProfile } from './pocketsphinx-config.js';
import { POCKETSPHINX_WORKER_SOURCE } from './pocketsphinx-worker-source.js';
import type { DomainText, RecognitionGrammar, SttEngine, SttResult, SttSession, SttStartOptions } from './types.js';

/**
 * pocketsphinx in-process through koffi FFI, one decoder per worker thread. Decoders are pooled per
 * acoustic profile: loading the model takes 0.1–0.3 s, so a call reuses a decoder a finished call
 * returned. Each session sets its own grammar before use, so nothing of one call reaches another.
 */
export interface PocketsphinxOptions {
  files?: PocketsphinxFiles;
  /** Idle decoders kept per profile. */
  maxIdle?: number;
  /**
   * Free speech: a bigram `language_model` of the domain text (the default; more accurate, but loading it
   * takes seconds to tens of seconds, see wordLoopJsgf), or a `word_loop` grammar over its vocabulary
   * (loads in well under a second: what live calls use, src/pipeline/voice/engines.ts).
   */
  freeSpeech?: 'language_model' | 'word_loop';
}

/** Words any caller may use in free speech besides the domain's own. */
const COMMON_WORDS = 'yes no hello hi thanks thank you please what when where how who why can i you we my your is are the a an to for of in on and or it that this do does have need want would like about help'.split(' ');

const LOG_BASE = Math.log(1.0001); // pocketsphinx's default -logbase

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

class DecoderWorker {
  private readonly worker: Worker;
  private next = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  onPartial: ((text: string) => void) | null = null;
  private readonly failure: Promise<never>;

  constructor(koffiPath: string, files: PocketsphinxFiles) {
    this.worker = new Worker(POCKETSPHINX_WORKER_SOURCE, { eval: true, workerData: { koffiPath, library: files.library, sphinxbase: files.sphinxbase } });
    this.worker.on('message', (m: Reply | { partial: string }) => {
      if ('partial' in m) return this.onPartial?.(m.partial);
      const waiter = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.ok) waiter?.resolve(m.value);
      else waiter?.reject(new Error(m.error));
    });
    this.failure = new Promise<never>((_, reject) => {
      const fail = (error: Error) => {
        for (const w of this.pending.values()) w.reject(error);
        this.pending.clear();
        reject(error);
      };
      this.worker.on('error', fail);
      this.worker.on('exit', (code) => fail(new Error(`pocketsphinx worker exited (${code})`)));
    });
    this.failure.catch(() => {});
  }

  call<T>(op: string, message: Record<string, unknown> = {}): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, op, ...message });
    });
  }

  /** Fire and forget (audio): a copy of the samples moves to the worker. */
  send(op: string, pcm: Int16Array): void {
    const { buffer } = pcm.slice();
    this.worker.postMessage({ op, pcm: buffer }, [buffer]);
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

export function createPocketsphinxEngine(options: PocketsphinxOptions = {}): SttEngine {
  const idle: Record<AcousticProfile, DecoderWorker[]> = { wideband: [], telephone: [] };
  const maxIdle = options.maxIdle ?? 4;

  async function acquire(profile: AcousticProfile): Promise<DecoderWorker> {
    const reused = idle[profile].pop();
    if (reused) return reused;
    const koffiPath = findKoffi();
    if (!koffiPath) throw new SpeechUnavailableError('pocketsphinx speech recognition', 'the koffi module is not installed', 'npm install koffi');
    const files = options.files ?? findPocketsphinx();
    if (!files) throw new SpeechUnavailableError('pocketsphinx speech recognition', 'libpocketsphinx.so.3 or the en-us model is missing', POCKETSPHINX_PACKAGES);
    const worker = new DecoderWorker(koffiPath, files);
    try {
      await worker.call('init', { args: decoderArgs(profile, files), featParams: featParams(profile) });
    } catch (error) {
      await worker.terminate();
      throw error;
    }
    return worker;
  }

  async function release(profile: AcousticProfile, worker: DecoderWorker): Promise<void> {
    worker.onPartial = null;
    if (idle[profile].length < maxIdle) idle[profile].push(worker);
    else await worker.terminate();
  }

  return {
    name: 'pocketsphinx',
    async start(start: SttStartOptions): Promise<SttSession> {
      const profile = profileFor(start.sampleRate);
      const worker = await acquire(profile);
      const session = new PocketsphinxSession(worker, start, () => void release(profile, worker), options.freeSpeech ?? 'language_model');
      try {
        await session.setGrammar(start.grammar ?? { kind: 'free' }, start.languageModel);
      } catch (error) {
        session.close();
        throw error;
      }
      return session;
    },
    async close() {
      const all = [...idle.wideband, ...idle.telephone];
      idle.wideband = [];
      idle.telephone = [];
      await Promise.all(all.map((w) => w.terminate()));
    },
  };
}

class PocketsphinxSession implements SttSession {
  private resampler: Resampler | null = null;
  private isOpen = false; // an utterance has audio
  private isClosed = false;

  constructor(
    private readonly worker: DecoderWorker,
    private readonly options: SttStartOptions,
    private readonly onClose: () => void,
    private readonly freeSpeech: 'language_model' | 'word_loop',
  ) {
    const onPartial = options.onPartial;
    worker.onPartial = onPartial ? (text) => onPartial({ text }) : null;
  }

  private padding(): Int16Array {
    return new Int16Array(Math.round(DECODER_SAMPLE_RATE * UTTERANCE_PADDING_SECONDS));
  }

  write(pcm: Int16Array): void {
    if (this.isClosed) throw new Error('speech recognition session is closed');
    if (!this.isOpen) {
      this.isOpen = true;
      this.resampler = this.options.sampleRate === DECODER_SAMPLE_RATE ? null : new Resampler(this.options.sampleRate, DECODER_SAMPLE_RATE);
      this.worker.send('audio', this.padding());
    }
    const audio = this.resampler ? this.resampler.process(pcm) : pcm;
    if (audio.length) this.worker.send('audio', audio);
  }

  async finish(): Promise<SttResult> {
    const started = performance.now();
    if (this.isOpen) {
      const tail = this.resampler?.flush();
      if (tail?.length) this.worker.send('audio', tail);
      this.worker.send('audio', this.padding());
      this.isOpen = false;
    }
    const { text, logProb } = await this.worker.call<{ text: string; logProb: number }>('finish');
    return { text, confidence: text ? Math.min(1, Math.exp(logProb * LOG_BASE)) : 0, finalizeMs: performance.now() - started };
  }

  async setGrammar(grammar: RecognitionGrammar, languageModel?: DomainText): Promise<void> {
    const known = new Set(await this.worker.call<string[]>('lookup', { words: grammarWords(grammar) }));
    const jsgf = grammarToJsgf(grammar, (w) => known.has(w));
    if (jsgf) return this.worker.call('jsgf', { text: jsgf });
    const texts = languageModel?.texts ?? [];
    const vocabulary = [...new Set(texts.join(' ').toLowerCase().match(/[a-z']+/g) ?? [])];
    if (this.freeSpeech === 'word_loop') {
      const words = [...vocabulary, ...COMMON_WORDS];
      const inDictionary = new Set(await this.worker.call<string[]>('lookup', { words }));
      const loop = wordLoopJsgf(words.filter((w) => inDictionary.has(w)));
      if (loop) return this.worker.call('jsgf', { text: loop });
    }
    const lmKnown = new Set([...known, ...(await this.worker.call<string[]>('lookup', { words: vocabulary }))]);
    await this.worker.call('lm', { arpa: buildDomainLm(texts, (w) => lmKnown.has(w)) });
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    // An utterance left open is ended so the next call starts clean on this decoder.
    if (this.isOpen) void this.worker.call('finish').catch(() => {});
    this.onClose();
  }
}
