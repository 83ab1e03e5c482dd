/**
 * Headless Chromium for the widget's browser tests: Debian's /usr/bin/chromium (installed by .ci/run)
 * driven by playwright-core; no browser download. Tests skip, saying why, when it is absent.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CONVERSE_TEST_CHROMIUM ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`widget browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CONVERSE_TEST_CHROMIUM)`);

/** `args`: extra Chromium switches (e.g. a fake microphone playing a WAV file). */
export function launchChromium(args: string[] = []): Promise<Browser> {
  // Chromium's sandbox cannot start as root (CI containers).
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), ...args] });
}

/**
 * Chromium switches for a microphone that plays `wav` (16-bit PCM, looped) and is allowed without a
 * prompt.
 */
export const fakeMicrophone = (wav: string): string[] => ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${wav}`];
