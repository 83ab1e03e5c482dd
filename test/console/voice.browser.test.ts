/**
 * The console's voice screens in a browser: the agent page saves the phone settings (Record calls and
 * the tuning fields) into `settings.voice`; "Dial now" places a call through the provider simulator and
 * opens the call's page, and shows the API's refusal for a number on the do-not-contact list; a call
 * with a recording plays it (an <audio> element with a duration) and deletes it after a confirmation.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeRecordingChunk } from '../../src/features/calls/recordings/store.js';
import { muLawEncode } from '../../src/voice/media/mulaw.js';
import { PUBLIC_URL } from '../channels/support.js';
import { simAccounts, twilioCreds } from '../fakes/provider-sim/fixtures.js';
import { startProviderSim, type ProviderSim } from '../fakes/provider-sim/index.js';
import { uniqueEmail } from '../helpers/api.js';
import { accessToken, eventually, hasChromium, shown, signUpInBrowser, startConsole, type ConsoleServer } from '../helpers/browser.js';

const BUDGET = 120_000;

describe.skipIf(!hasChromium)('console (browser): recordings, dial now, phone settings', () => {
  let s: ConsoleServer;
  let sim: ProviderSim;
  let page: Page;
  let token = '';
  let orgId = '';
  let agentId = '';

  const api = async (method: 'GET' | 'POST', url: string, payload?: object) => {
    const res = await s.t.app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
    return res.json();
  };

  beforeAll(async () => {
    sim = await startProviderSim({ accounts: simAccounts });
    s = await startConsole({ config: { publicUrl: PUBLIC_URL, allowPrivateNetwork: true, providerBaseUrls: sim.baseUrls } });
    page = await s.newPage();
    await signUpInBrowser(page, { org: 'Voice Desk', email: uniqueEmail('voice') });
    token = await accessToken(page);
    orgId = (await api('GET', '/me')).organization.id;
    agentId = (await api('POST', '/agents', { name: 'Phone agent', greeting: 'Hello.', settings: { temperature: 0.3 } })).id;
  }, BUDGET);
  afterAll(async () => {
    await s?.close();
    await sim?.close();
  });

  it('the agent page saves Record calls and the tuning fields into settings.voice, keeping the other settings', async () => {
    await page.goto(`/agents/${agentId}`);
    await page.getByLabel('Record calls').check();
    await page.getByLabel('Callers can interrupt (barge-in)').uncheck();
    await page.getByLabel('End-of-speech silence (ms)').fill('500');
    await page.getByRole('button', { name: 'Save' }).click();
    expect(await shown(page.getByText('Agent saved'))).toBe(true);
    expect((await api('GET', `/agents/${agentId}`)).settings).toEqual({ temperature: 0.3, voice: { record: true, barge_in: false, vad: { end_silence_ms: 500 } } });
    await page.reload();
    await eventually(() => page.getByLabel('Record calls').isChecked()).toBe(true);
    expect(await page.getByLabel('End-of-speech silence (ms)').inputValue()).toBe('500');
  }, BUDGET);

  it('Dial now places the call through the provider and opens its page; a number on the do-not-contact list is refused with the API\'s message', async () => {
    const line = await api('POST', '/channels', { name: 'Main line', type: 'voice', provider: 'twilio', credentials: twilioCreds, phone_number: '+14155550300', agent_id: agentId });
    await api('POST', '/channels', { name: 'Web only', type: 'web', provider: 'web', agent_id: agentId, allowed_origins: ['https://shop.example'] });
    await api('POST', '/dnc', { phone: '+15551230666' });
    const placedBefore = sim.calls.length;

    await page.goto(`/agents/${agentId}`);
    await page.getByRole('button', { name: 'Dial now' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Call from').click();
    // Only voice lines are offered.
    expect(await page.getByRole('option').allTextContents()).toEqual(['Main line (+14155550300)']);
    await page.getByRole('option', { name: 'Main line (+14155550300)' }).click();
    await dialog.getByLabel('Number to call').fill('+15551230666');
    await dialog.getByRole('button', { name: 'Call' }).click();
    await eventually(() => page.getByTestId('dial-error').textContent()).toContain('do-not-contact');
    expect(sim.calls.length).toBe(placedBefore);

    await dialog.getByLabel('Number to call').fill('+15551230001');
    await dialog.getByRole('button', { name: 'Call' }).click();
    await page.waitForURL(/\/calls\/[0-9a-f-]{36}$/);
    const callId = page.url().split('/').pop()!;
    expect(await shown(page.getByTestId('call-channel').getByText('voice · outbound'))).toBe(true);
    expect(sim.calls.at(-1)).toMatchObject({ to: '+15551230001', from: line.phone_number });
    expect(await api('GET', `/calls/${callId}`)).toMatchObject({ agent_id: agentId, to_number: '+15551230001', channel_id: line.id });
  }, BUDGET);

  it('a recorded call plays in the call page and its recording is deleted after a confirmation', async () => {
    const session = await api('POST', '/sessions', { agent_id: agentId });
    // Two seconds of a 440 Hz tone, stored as the voice loop stores a recording.
    const tone = Int16Array.from({ length: 16_000 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)));
    await storeRecordingChunk(s.t.deps, { orgId }, session.id, { seq: 0, data: muLawEncode(tone) });

    await page.goto(`/calls/${session.id}`);
    const audio = page.getByTestId('recording-audio');
    await audio.waitFor();
    await eventually(() => audio.evaluate((el) => (el as unknown as { duration: number }).duration)).toBeGreaterThan(1.9);
    expect(await audio.evaluate((el) => (el as unknown as { src: string }).src)).toMatch(/^blob:/);

    await page.getByRole('button', { name: 'Delete recording' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete recording' }).click();
    expect(await shown(page.getByText('Recording deleted'))).toBe(true);
    await eventually(() => page.getByTestId('call-recording').count()).toBe(0);
    expect((await api('GET', `/calls/${session.id}`)).recording).toBeNull();
  }, BUDGET);
});
