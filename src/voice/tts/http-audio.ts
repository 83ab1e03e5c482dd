import { muLawDecode } from '../media/mulaw.js';
import { pcmFromBytes } from '../media/pcm.js';
import { Resampler } from '../media/resample.js';
import { speechHttpError, speechNetworkError } from '../cloud/errors.js';
import { splitSentences } from './sentences.js';
import type { TtsStream } from './types.js';

/**
 * What the cloud TTS engines share: POST a request, read the streamed audio body as it arrives, turn it
 * into PCM Int16 at the transport's rate, and stop the download at once on `cancel` (barge-in). Long
 * texts go out as several requests cut at sentence ends (each API caps one request's text).
 */
export type SpeechFetch = (url: string, init: RequestInit) => Promise<Response>;

/** The audio a response carries: raw PCM Int16 LE at a rate, or G.711 μ-law 8 kHz. */
export type WireAudio = { encoding: 'pcm'; sampleRate: number } | { encoding: 'mulaw' };

export interface AudioRequest {
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface HttpAudioOptions {
  provider: string;
  fetch: SpeechFetch;
  /** Longest text one request may carry. */
  maxRequestChars: number;
  wire: WireAudio;
  /** The rate the transport wants. */
  sampleRate: number;
  /** Reads the vendor's machine-readable error code from an error body (never its message). */
  errorCode: (body: unknown) => unknown;
}

const MAX_TOTAL_CHARS = 20_000;

export function streamHttpAudio(text: string, options: HttpAudioOptions, requestFor: (chunk: string) => AudioRequest): TtsStream {
  const abort = new AbortController();
  const chunks = chunkText(text.slice(0, MAX_TOTAL_CHARS), options.maxRequestChars);
  return {
    cancel: () => abort.abort(),
    async *[Symbol.asyncIterator]() {
      try {
        for (const chunk of chunks) {
          if (abort.signal.aborted) return;
          for await (const pcm of fetchAudio(requestFor(chunk), options, abort.signal)) {
            if (abort.signal.aborted) return;
            yield pcm;
          }
        }
      } catch (err) {
        if (abort.signal.aborted) return; // cancelled: the stream just ends
        throw err;
      } finally {
        abort.abort(); // the consumer stopped reading or it failed: no download outlives the stream
      }
    },
  };
}

async function* fetchAudio(request: AudioRequest, options: HttpAudioOptions, signal: AbortSignal): AsyncGenerator<Int16Array> {
  let res: Response;
  try {
    res = await options.fetch(request.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...request.headers },
      body: JSON.stringify(request.body),
      signal,
    });
  } catch (err) {
    if (signal.aborted) throw err;
    throw speechNetworkError(options.provider, err);
  }
  if (!res.ok) {
    const body = await res.json().catch(() => null);
    throw speechHttpError(options.provider, res.status, options.errorCode(body));
  }
  if (!res.body) return;
  try {
    yield* decodeAudio(res.body, options.wire, options.sampleRate);
  } catch (err) {
    if (signal.aborted) throw err;
    throw speechNetworkError(options.provider, err, 'the audio download broke off');
  }
}

/** Bytes in any split (a sample can straddle two reads) → PCM Int16 at `sampleRate`. */
export async function* decodeAudio(body: AsyncIterable<Uint8Array>, wire: WireAudio, sampleRate: number): AsyncGenerator<Int16Array> {
  const wireRate = wire.encoding === 'mulaw' ? 8000 : wire.sampleRate;
  const resampler = wireRate === sampleRate ? null : new Resampler(wireRate, sampleRate);
  let odd: Uint8Array | null = null;
  for await (const data of body) {
    let bytes = data;
    let pcm: Int16Array;
    if (wire.encoding === 'mulaw') {
      pcm = muLawDecode(bytes);
    } else {
      if (odd) {
        const merged = new Uint8Array(odd.length + bytes.length);
        merged.set(odd);
        merged.set(bytes, odd.length);
        bytes = merged;
      }
      const even = bytes.length - (bytes.length % 2);
      odd = even < bytes.length ? bytes.slice(even) : null;
      pcm = pcmFromBytes(bytes.subarray(0, even));
    }
    const out = resampler ? resampler.process(pcm) : pcm;
    if (out.length) yield out;
  }
  const tail = resampler?.flush();
  if (tail?.length) yield tail;
}

/** Sentences (at most 300 characters each, `splitSentences`) packed into requests of at most `max` characters. */
export function chunkText(text: string, max: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const sentence of splitSentences(text)) {
    if (current && current.length + 1 + sentence.length > max) {
      out.push(current);
      current = '';
    }
    current = current ? `${current} ${sentence}` : sentence;
  }
  if (current) out.push(current);
  return out;
}
