import { existsSync } from 'node:fs';
import { findKoffi, findPocketsphinxLibrary, findPocketsphinxModel, hasEspeak } from './availability.js';

/**
 * `converse doctor`: what of the optional machinery is installed and what each missing piece disables.
 * Everything else (the API, text sessions, the console) needs none of it.
 */
export interface DoctorCheck {
  name: string;
  isInstalled: boolean;
  detail: string;
  /** What does not work without it, and how to install it. */
  ifMissing: string;
}

const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function runDoctorChecks(): DoctorCheck[] {
  const library = findPocketsphinxLibrary();
  const model = findPocketsphinxModel();
  const koffi = findKoffi();
  const chromium = CHROMIUM_PATHS.find((p) => existsSync(p)) ?? null;
  return [
    { name: 'espeak-ng', isInstalled: hasEspeak(), detail: 'offline text-to-speech', ifMissing: 'voice sessions with the offline voice cannot speak (apt-get install espeak-ng)' },
    { name: 'pocketsphinx library', isInstalled: library !== null, detail: library?.library ?? 'libpocketsphinx.so.3', ifMissing: 'offline speech recognition is off (apt-get install libpocketsphinx3 pocketsphinx)' },
    { name: 'pocketsphinx en-us model', isInstalled: model !== null, detail: model?.acousticModel ?? '/usr/share/pocketsphinx/model/en-us', ifMissing: 'offline speech recognition is off (apt-get install pocketsphinx-en-us)' },
    { name: 'koffi (FFI)', isInstalled: koffi !== null, detail: koffi ?? 'npm optional dependency', ifMissing: 'offline speech recognition is off (npm install koffi)' },
    { name: 'chromium', isInstalled: chromium !== null, detail: chromium ?? 'headless browser', ifMissing: 'the browser tests of the console and widget are skipped (apt-get install chromium)' },
  ];
}

/**
 * Cloud engines need nothing on this machine, and their keys live per org in the database (the doctor
 * reads neither), so the report says when they take over from the offline engines.
 */
export const CLOUD_ENGINES_NOTE = [
  'Cloud speech (no local packages): Deepgram recognition, ElevenLabs and OpenAI text-to-speech are used',
  "for an agent whose stt/tts names one of its org's providers of that kind with a key (POST /providers,",
  'POST /providers/{id}/test to check it); other agents use the offline engines above. They need outbound',
  'HTTPS/WSS to api.deepgram.com, api.elevenlabs.io, api.openai.com (docs/voice.md).',
].join('\n');

export function formatDoctorReport(checks: readonly DoctorCheck[]): string {
  const lines = checks.map((c) => `${c.isInstalled ? 'ok     ' : 'missing'}  ${c.name.padEnd(26)} ${c.isInstalled ? c.detail : c.ifMissing}`);
  const missing = checks.filter((c) => !c.isInstalled).length;
  const summary = missing === 0 ? 'Everything optional is installed.' : `${missing} optional piece(s) missing; everything else works without them (docs/voice.md).`;
  return `${lines.join('\n')}\n\n${summary}\n\n${CLOUD_ENGINES_NOTE}\n`;
}
