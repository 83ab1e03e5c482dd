/**
 * Headless Chromium for the widget's browser tests: Debian's /usr/bin/chromium (installed by .ci/run)
 * driven by playwright-core; no browser download. Tests skip, saying why, when it is absent.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CONVERSE_TEST_CHROMIUM ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`widget browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CONVERSE_TEST_CHROMIUM)`);

export function launchChromium(): Promise<Browser> {
  // Chromium's sandbox cannot start as root (CI containers).
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
}
