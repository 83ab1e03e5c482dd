/**
 * The widget's microphone in headless Chromium: a fake microphone plays a WAV file synthesized now with
 * espeak-ng ("yes" between silences; Chromium loops it, and any "yes" is the same answer, so the loop is
 * harmless), the demo page opens the widget on a yes/no flow, the visitor presses the microphone button,
 * and the spoken "yes" moves the flow on: checked in the page (the recognized line, the end) and through
 * the API (the web call's transcript, variables and outcome).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createOrg, type TestOrg } from '../helpers/api.js';
import { modeName } from '../helpers/harness.js';
import { HAS_ESPEAK, HAS_POCKETSPHINX, spokenWav } from '../helpers/speech.js';
import { created } from '../sessions/support.js';
import { yesNoFlow } from '../voice/support.js';
import { fakeMicrophone, hasChromium, launchChromium } from './browser.js';
import { startWidgetApp, type WidgetApp } from './support.js';


describe.skipIf(!hasChromium || !HAS_ESPEAK || !HAS_POCKETSPHINX)(`the widget microphone in Chromium (${modeName})`, { timeout: 180_000 }, () => {
  let w: WidgetApp;
  let org: TestOrg;
  let channelId: string;
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    w = await startWidgetApp();
    org = await createOrg(w.t.app, 'Widget mic');
    const flow = await created(w.t.app, org.tokens.admin, '/flows', yesNoFlow);
    channelId = (await created(w.t.app, org.tokens.admin, '/channels', { name: 'Demo', type: 'web', provider: 'web', flow_id: flow.id, allowed_origins: [w.base] })).id;
    dir = await mkdtemp(path.join(tmpdir(), 'converse-mic-'));
    const wav = path.join(dir, 'yes.wav');
    await writeFile(wav, await spokenWav('yes'));
    browser = await launchChromium(fakeMicrophone(wav));
  });
  afterAll(async () => {
    await browser?.close();
    await w?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('on the demo page: the microphone button talks, the spoken yes is shown and answers the flow, which ends', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.goto(`${w.base}/widget/demo?channel=${channelId}`);
    await page.locator('#credential').fill(org.apiKey);
    await page.locator('#demo button').click();
    const widget = page.locator('[data-converse-widget]');
    await expect.poll(() => widget.locator('.msg.agent').first().textContent(), { timeout: 40_000 }).toBe('Shall I book it?');

    const mic = widget.getByRole('button', { name: 'Talk with your voice' });
    expect(await mic.getAttribute('aria-pressed')).toBe('false');
    await mic.click();
    await expect.poll(() => mic.getAttribute('aria-pressed'), { timeout: 20_000 }).toBe('true');
    await expect.poll(() => widget.locator('.msg.caller').allTextContents(), { timeout: 90_000 }).toContain('yes');
    await expect.poll(() => widget.locator('.status').textContent(), { timeout: 60_000 }).toMatch(/has ended/);
    expect(await mic.getAttribute('aria-pressed')).toBe('false');

    const calls = (await call(w.t.app, { method: 'GET', url: '/calls?channel=web', token: org.tokens.admin })).json().data;
    expect(calls).toHaveLength(1);
    const detail = (await call(w.t.app, { method: 'GET', url: `/calls/${calls[0].id}`, token: org.tokens.admin })).json();
    expect(detail).toMatchObject({ channel: 'web', channel_id: channelId, status: 'ended', ended_reason: 'completed', variables: { ok: 'yes' } });
    expect(detail.transcript.map((m: { role: string; text: string }) => `${m.role}: ${m.text}`)).toEqual(['agent: Shall I book it?', 'caller: yes', 'agent: Noted. Goodbye.']);
    expect(detail.latency.some((l: { stt_ms: number | null }) => l.stt_ms !== null)).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });
});
