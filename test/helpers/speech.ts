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
