import { findKoffi, findPocketsphinx } from '../../src/voice/availability.js';
import { muLawDecode, muLawEncode } from '../../src/voice/media/mulaw.js';
import { hasEspeak } from '../../src/voice/availability.js';
import { concatPcm } from '../../src/voice/media/pcm.js';
import { createEspeakEngine } from '../../src/voice/tts/espeak.js';

/** Whether espeak-ng is here; speech tests skip (with this message) when it is not. */
export const HAS_ESPEAK = hasEspeak();
export const NO_ESPEAK_MESSAGE = 'espeak-ng is not installed: skipping tests that synthesize caller speech (apt-get install espeak-ng)';

const engine = createEspeakEngine();

/** A caller line as PCM at `sampleRate`, synthesized with the default voice. */
export async function speak(text: string, sampleRate: number): Promise<Int16Array> {
  const chunks: Int16Array[] = [];
  for await (const chunk of engine.synthesize(text, { sampleRate })) chunks.push(chunk);
  return concatPcm(chunks);
}

/** Whether pocketsphinx can run here (library, model and koffi). */
export const HAS_POCKETSPHINX = findPocketsphinx() !== null && findKoffi() !== null;
export const NO_POCKETSPHINX_MESSAGE = 'pocketsphinx or koffi is missing: skipping recognition tests (apt-get install pocketsphinx pocketsphinx-en-us libpocketsphinx3; npm install)';

/** The phone path: 8 kHz PCM through G.711 μ-law and back. */
export const throughMuLaw = (pcm: Int16Array): Int16Array => muLawDecode(muLawEncode(pcm));

/** Word errors (substitutions + insertions + deletions) of `hypothesis` against `reference`. */
export function wordErrors(reference: string, hypothesis: string): number {
  const r = reference.split(/\s+/).filter(Boolean);
  const h = hypothesis.split(/\s+/).filter(Boolean);
  let row = Array.from({ length: h.length + 1 }, (_, j) => j);
  for (let i = 1; i <= r.length; i++) {
    const next = [i];
    for (let j = 1; j <= h.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (r[i - 1] === h[j - 1] ? 0 : 1));
    row = next;
  }
  return row[h.length]!;
}

/** A mono 16-bit PCM WAV file's bytes (e.g. the fake microphone of a browser test). */
export function wavFile(pcm: Int16Array, sampleRate: number): Buffer {
  const data = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

/** A WAV file (16 kHz) of `text` spoken between 1.5 s of silence on each side: a fake microphone's loop. */
export async function spokenWav(text: string): Promise<Buffer> {
  const rate = 16_000;
  const pause = new Int16Array(rate * 1.5);
  return wavFile(concatPcm([pause, await speak(text, rate), pause]), rate);
}
