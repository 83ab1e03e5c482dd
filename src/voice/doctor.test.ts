import { describe, expect, it } from 'vitest';
import { formatDoctorReport, runDoctorChecks } from './doctor.js';

describe('converse doctor', () => {
  it('checks every optional piece and says what a missing one disables', () => {
    const names = runDoctorChecks().map((c) => c.name);
    expect(names).toEqual(['espeak-ng', 'pocketsphinx library', 'pocketsphinx en-us model', 'koffi (FFI)', 'chromium']);
    const report = formatDoctorReport([
      { name: 'espeak-ng', isInstalled: false, detail: 'x', ifMissing: 'voice cannot speak (apt-get install espeak-ng)' },
      { name: 'koffi (FFI)', isInstalled: true, detail: '/path/koffi', ifMissing: 'y' },
    ]);
    expect(report).toContain('missing  espeak-ng');
    expect(report).toContain('apt-get install espeak-ng');
    expect(report).toContain('ok       koffi (FFI)');
    expect(report).toContain('1 optional piece(s) missing');
    expect(report).toMatch(/Deepgram recognition, ElevenLabs and OpenAI text-to-speech are used\nfor an agent whose stt\/tts names one of its org's providers/);
  });
});
