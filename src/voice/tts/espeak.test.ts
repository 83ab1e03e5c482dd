import { describe, expect, it } from 'vitest';
import { hasEspeak } from '../availability.js';
import { concatPcm, rmsDbfs } from '../media/pcm.js';
import { SpeechUnavailableError } from '../unavailable.js';
import { createEspeakEngine } from './espeak.js';

const isInstalled = hasEspeak();
if (!isInstalled) console.warn('espeak-ng is not installed: skipping the espeak-ng engine tests (apt-get install espeak-ng)');

async function collect(stream: AsyncIterable<Int16Array>): Promise<Int16Array[]> {
  const chunks: Int16Array[] = [];
  for await (const c of stream) chunks.push(c);
  return chunks;
}

describe.skipIf(!isInstalled)('espeak-ng engine', () => {
  const engine = createEspeakEngine();

  it('streams speech at the requested rate, sentence by sentence', async () => {
    for (const sampleRate of [16000, 8000]) {
      const chunks = await collect(engine.synthesize('Hello there. Your balance is forty two dollars.', { sampleRate }));
      expect(chunks.length).toBeGreaterThan(1);
      const audio = concatPcm(chunks);
      const seconds = audio.length / sampleRate;
      expect(seconds).toBeGreaterThan(1.5);
      expect(seconds).toBeLessThan(6);
      expect(rmsDbfs(audio)).toBeGreaterThan(-35);
    }
  });

  it('cancel ends the stream early', async () => {
    const stream = engine.synthesize('One. Two. Three. Four. Five. Six. Seven. Eight. Nine. Ten.', { sampleRate: 16000 });
    const full = concatPcm(await collect(engine.synthesize('One. Two. Three. Four. Five. Six. Seven. Eight. Nine. Ten.', { sampleRate: 16000 })));
    let received = 0;
    for await (const chunk of stream) {
      received += chunk.length;
      stream.cancel();
    }
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(full.length / 2);
  });

  it('refuses a voice name that is not a plain identifier', () => {
    expect(() => engine.synthesize('hi', { sampleRate: 16000, voice: '--stdout; rm' })).toThrow(/voice/);
  });
});

describe('espeak-ng engine without the package', () => {
  it('fails with a message naming the Debian package', async () => {
    const engine = createEspeakEngine({ command: '/nonexistent/espeak-ng' });
    const error = await collect(engine.synthesize('Hello.', { sampleRate: 16000 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpeechUnavailableError);
    expect((error as Error).message).toContain('apt-get install espeak-ng');
  });
});
