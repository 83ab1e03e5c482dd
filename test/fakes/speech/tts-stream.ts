/** Streams a synthetic utterance as chunked audio bytes, the way the TTS APIs stream as they generate. */
import type { ServerResponse } from 'node:http';
import { muLawEncode } from '../../../src/voice/media/mulaw.js';
import { pcmToBytes } from '../../../src/voice/media/pcm.js';
import { pieces, sleep, tone } from './http.js';

export interface FakeTtsBehaviour {
  /** Audio per character of text, ms (so longer text is longer audio). */
  msPerChar: number;
  /** Tone frequency, Hz. */
  hz: number;
  chunkBytes: number;
  chunkDelayMs: number;
  /** Stop writing after this many chunks and hold the response open (cancellation tests). */
  hangAfterChunks?: number;
  /** Reset the connection after this many chunks (a download that breaks off). */
  resetAfterChunks?: number;
}

export interface FakeTtsServed {
  /** Bytes written before the response ended or the client went away. */
  bytesSent: number;
  /** The client closed the connection before the audio was complete (a cancelled download). */
  clientAborted: boolean;
  done: Promise<void>;
}

export function streamTone(res: ServerResponse, text: string, audio: { encoding: 'pcm' | 'mulaw'; sampleRate: number; contentType: string }, b: FakeTtsBehaviour): FakeTtsServed {
  const pcm = tone(audio.sampleRate, Math.max(1, text.length) * b.msPerChar, b.hz);
  const bytes = audio.encoding === 'mulaw' ? muLawEncode(pcm) : pcmToBytes(pcm);
  const served: FakeTtsServed = { bytesSent: 0, clientAborted: false, done: Promise.resolve() };
  let complete = false;
  res.on('close', () => {
    if (!complete) served.clientAborted = true;
  });
  res.writeHead(200, { 'content-type': audio.contentType, 'transfer-encoding': 'chunked' });
  served.done = (async () => {
    let n = 0;
    for (const chunk of pieces(bytes, b.chunkBytes)) {
      if (res.destroyed) return;
      if (b.hangAfterChunks !== undefined && n >= b.hangAfterChunks) return; // held open until the client leaves
      if (b.resetAfterChunks !== undefined && n >= b.resetAfterChunks) return void res.socket?.destroy();
      res.write(chunk);
      served.bytesSent += chunk.length;
      n++;
      await sleep(b.chunkDelayMs);
    }
    complete = true;
    res.end();
  })();
  return served;
}
