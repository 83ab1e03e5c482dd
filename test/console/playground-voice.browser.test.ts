/**
 * The playground's Talk button in headless Chromium: a fake microphone plays espeak-ng's "yes" (looped
 * by Chromium, harmless: every "yes" is the same answer), the console asks POST /sessions/voice-url and
 * talks over the widget socket with the widget's own audio module; the spoken yes answers the flow.
 * Checked in the page (the recognized line) and through the API (a test-mode web call with no channel).
 */
import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, uniqueEmail } from '../helpers/api.js';
import { accessToken, consoleForFile, eventually, hasChromium, signUpInBrowser } from '../helpers/browser.js';
import { HAS_ESPEAK, HAS_POCKETSPHINX, spokenWav } from '../helpers/speech.js';
import { yesNoFlow } from '../voice/support.js';
import { fakeMicrophone } from '../widget/browser.js';

const WAV = path.join(tmpdir(), `converse-playground-${randomUUID()}.wav`);

describe.skipIf(!hasChromium || !HAS_ESPEAK || !HAS_POCKETSPHINX)('console (browser): talking to a flow in the playground', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    await writeFile(WAV, await spokenWav('yes'));
  });
  afterAll(async () => rm(WAV, { force: true }));
  const s = consoleForFile({ chromiumArgs: fakeMicrophone(WAV) });

  it('Talk opens the microphone, the spoken yes is shown and answers the flow, in a test session without a channel', async () => {
    const page = await s.newPage();
    await signUpInBrowser(page, { org: 'Voice Playground', email: uniqueEmail('voice') });
    const token = await accessToken(page);
    const res = await call(s.t.app, {
      method: 'POST', url: '/flows', token, body: yesNoFlow,
    });
    expect(res.statusCode, res.body).toBe(201);
    await page.goto(`/playground?flow=${res.json().id}`);
    const talk = page.getByRole('button', { name: 'Talk' });
    await talk.click();
    const chat = page.getByTestId('chat');
    await eventually(() => chat.locator('[data-role="agent"]').first().textContent(), { timeout: 40_000 }).toBe('Shall I book it?');
    await eventually(() => chat.locator('[data-role="user"]').allTextContents(), { timeout: 90_000 }).toContain('yes');
    await eventually(() => chat.locator('[data-role="agent"]').allTextContents(), { timeout: 60_000 }).toContain('Noted. Goodbye.');

    const calls = (await call(s.t.app, { method: 'GET', url: '/calls?channel=web', token })).json().data;
    expect(calls).toHaveLength(1);
    const detail = (await call(s.t.app, { method: 'GET', url: `/calls/${calls[0].id}`, token })).json();
    expect(detail).toMatchObject({ channel: 'web', channel_id: null, mode: 'test', variables: { ok: 'yes' } });
    expect(detail.transcript.filter((m: { role: string }) => m.role === 'caller').map((m: { text: string }) => m.text)).toEqual(['yes']);
    await eventually(() => page.getByRole('button', { name: 'Talk' }).isVisible(), { timeout: 30_000 }).toBe(true);
  });
});
