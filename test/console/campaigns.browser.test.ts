/**
 * Campaigns and the do-not-call list in Chromium, end to end: a campaign made in the form (the API's
 * validation shown on the field), a CSV imported with its rejection report, started, dialed by the
 * in-process engine at the provider simulator (Twilio), the live stats updating the cards without a
 * reload as signed status callbacks end the calls, paused (no new dial), exported and cancelled. Then the
 * do-not-call list, another org's campaign (not found) and a viewer (no lifecycle buttons).
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCampaignEngine, type CampaignEngine } from '../../src/pipeline/campaigns/engine.js';
import { OUR_NUMBER, simAccounts, twilioCreds } from '../fakes/provider-sim/fixtures.js';
import { startProviderSim } from '../fakes/provider-sim/index.js';
import { call, inviteAndAccept, signup, uniqueEmail } from '../helpers/api.js';
import { accessToken, consoleForFile, eventually, hasChromium, shown, signInInBrowser, signUpInBrowser } from '../helpers/browser.js';

const PUBLIC_URL = 'https://hooks.converse.test';
// Status callbacks go to the public URL; like a reverse proxy, the simulator's fetch maps it to the test server.
let local = '';
const sim = await startProviderSim({ accounts: simAccounts, fetch: ((url: string, init: RequestInit) => fetch(url.replace(PUBLIC_URL, local), init)) as typeof fetch });

const CSV = ['phone,name,plan', '+14155550101,Ann,gold', '+14155550102,Bob,silver', 'not-a-number,Bad,x', '+14155550103,Cy,gold', '+14155550101,Ann again,gold', ''].join('\n');
const PHONES = ['+14155550101', '+14155550102', '+14155550103'];

describe.skipIf(!hasChromium)('console (browser): campaigns and the do-not-call list', { timeout: 240_000 }, () => {
  const s = consoleForFile({ config: { publicUrl: PUBLIC_URL, allowPrivateNetwork: true, providerBaseUrls: sim.baseUrls } });
  // The engine visits only this file's orgs: on PostgreSQL, test files share one database.
  const orgs = new Set<string>();
  let engine: CampaignEngine;
  beforeAll(() => {
    local = s.url;
    engine = createCampaignEngine(s.t.deps, { pollIntervalMs: 100, onlyOrgs: orgs });
    engine.start();
  });
  afterAll(async () => {
    await engine?.stop();
    await sim.close();
  });

  const choose = async (page: Page, label: string, option: string) => {
    await page.getByLabel(label, { exact: true }).first().click();
    await page.getByRole('option', { name: option, exact: true }).click();
  };
  const stat = (page: Page, key: string) => page.getByTestId(`stat-${key}-value`).textContent();
  const simCalls = () => sim.calls.filter((c) => PHONES.includes(c.to));

  let token = '';
  let campaignId = '';

  it('creates a campaign, imports a CSV with its rejection report, runs it live, pauses, exports and cancels it', async () => {
    const page = await s.newPage();
    await signUpInBrowser(page, { org: 'Dialer Org', email: uniqueEmail('camp') });
    token = await accessToken(page);
    orgs.add((await call(s.t.app, { method: 'GET', url: '/me', token })).json().organization.id);
    const post = async (url: string, body: unknown) => (await call(s.t.app, { method: 'POST', url, token, body })).json();
    await post('/agents', { name: 'Caller', greeting: 'Hello {{name}}' });
    await post('/channels', { name: 'Outbound line', type: 'voice', provider: 'twilio', credentials: twilioCreds, phone_number: OUR_NUMBER });
    await post('/channels', { name: 'Website', type: 'web', provider: 'web', allowed_origins: [s.url] });

    await page.getByRole('link', { name: 'Campaigns', exact: true }).click();
    expect(await shown(page.getByText('No campaigns yet'))).toBe(true);
    await page.getByRole('link', { name: 'New campaign' }).first().click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Renewals');
    await choose(page, 'Agent or flow', 'Caller');
    // Only voice channels are offered.
    await page.getByRole('combobox', { name: /^Voice channel/ }).click();
    expect(await page.getByRole('option', { name: 'Website' }).count()).toBe(0);
    await page.getByRole('option', { name: `Outbound line (${OUR_NUMBER})` }).click();
    expect(await page.getByLabel('Time zone', { exact: true }).first().inputValue()).toBe(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone));
    await page.getByRole('checkbox', { name: 'Sat' }).check();
    await page.getByRole('checkbox', { name: 'Sun' }).check();
    await page.getByRole('textbox', { name: 'From', exact: true }).fill('25:00');
    await page.getByRole('textbox', { name: 'Until', exact: true }).fill('24:00');
    await page.getByRole('textbox', { name: 'Attempts per contact', exact: true }).fill('1');
    await page.getByRole('button', { name: 'Create campaign' }).click();
    // The API's problem is shown on its field.
    const from = page.getByRole('textbox', { name: 'From', exact: true });
    await eventually(() => from.getAttribute('aria-invalid')).toBe('true');
    expect(await shown(page.getByText('HH:MM, 00:00 to 24:00'))).toBe(true);
    await from.fill('00:00');
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.waitForURL(/\/campaigns\/[0-9a-f-]{36}$/);
    campaignId = page.url().split('/').pop()!;
    expect(await shown(page.getByTestId('campaign-status').getByText('draft'))).toBe(true);
    const stored = (await call(s.t.app, { method: 'GET', url: `/campaigns/${campaignId}`, token })).json();
    expect(stored).toMatchObject({ name: 'Renewals', calling_window: { days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' }, max_attempts: 1 });

    // CSV import: 3 valid rows, an invalid number (line 4) and a duplicate (line 6).
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Choose CSV file' }).click()]);
    await chooser.setFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await eventually(() => page.getByTestId('import-result').textContent()).toContain('3 imported, 2 rejected');
    const rejections = await page.getByTestId('rejections').locator('tbody tr').allTextContents();
    expect(rejections).toEqual([expect.stringMatching(/^4invalid_phone/), expect.stringMatching(/^6duplicate/)]);
    const [report] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download rejections (CSV)' }).click()]);
    expect(report.suggestedFilename()).toBe('contacts-rejected.csv');
    expect(await readFile((await report.path())!, 'utf8')).toBe('row,reason\r\n4,invalid_phone\r\n6,duplicate\r\n');
    await eventually(() => page.getByRole('table', { name: 'Contacts' }).locator('tbody tr').count()).toBe(3);
    await eventually(() => stat(page, 'done')).toBe('0 / 3');
    expect(await shown(page.getByTestId('stream-status').getByText('Live'))).toBe(true);

    // Start: the engine dials one contact at a time at the simulator; the cards follow the stream.
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await eventually(() => page.getByTestId('campaign-status').textContent()).toBe('running');
    await eventually(() => simCalls().length).toBe(1);
    await eventually(() => stat(page, 'attempts')).toBe('1');
    await eventually(() => stat(page, 'dialing')).toBe('1');
    expect((await sim.sendCallStatus(simCalls()[0]!, 'busy')).status).toBe(200);
    await eventually(() => simCalls().length).toBe(2);
    await eventually(() => stat(page, 'done')).toBe('1 / 3');
    await eventually(() => stat(page, 'attempts')).toBe('2');
    expect(await page.getByTestId('progress-chart').locator('canvas').count()).toBeGreaterThan(0);

    // Pause: the call in progress ends, nothing new is dialed.
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await eventually(() => page.getByTestId('campaign-status').textContent()).toBe('paused');
    expect((await sim.sendCallStatus(simCalls()[1]!, 'no-answer')).status).toBe(200);
    await eventually(() => stat(page, 'done')).toBe('2 / 3');
    await engine.tick();
    await engine.idle();
    expect(simCalls()).toHaveLength(2);
    expect(await stat(page, 'attempts')).toBe('2');
    expect(await page.getByTestId('stat-outcomes').textContent()).toBe('Outcomes: busy 1 · no answer 1');

    // Export: the CSV the API serves, downloaded with the bearer token.
    const [exported] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export results' }).click()]);
    const lines = (await readFile((await exported.path())!, 'utf8')).trim().split('\r\n');
    expect(lines[0]).toMatch(/^contact_id,phone,name,timezone,status,attempts,last_outcome,last_attempt_at,plan$/);
    const byPhone = Object.fromEntries(lines.slice(1).map((l) => [l.split(',')[1], l.split(',')]));
    expect(Object.keys(byPhone).sort()).toEqual(PHONES);
    const [busy, unanswered] = simCalls().map((c) => c.to);
    const never = PHONES.find((p) => p !== busy && p !== unanswered)!;
    // status, attempts, last_outcome
    expect(byPhone[busy!]!.slice(4, 7)).toEqual(['failed', '1', 'busy']);
    expect(byPhone[unanswered!]!.slice(4, 7)).toEqual(['failed', '1', 'no_answer']);
    expect(byPhone[never]!.slice(4, 7)).toEqual(['pending', '0', '']);
    expect(byPhone['+14155550101']![2]).toBe('Ann');

    // Cancel asks first; the stream then ends with the final numbers.
    await page.getByRole('button', { name: 'Cancel campaign' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel campaign' }).click();
    await eventually(() => page.getByTestId('campaign-status').textContent()).toBe('cancelled');
    await eventually(() => page.getByTestId('stream-status').textContent()).toBe('Final');
    await eventually(() => stat(page, 'done')).toBe('3 / 3');
    expect(await page.getByRole('button', { name: 'Start', exact: true }).count()).toBe(0);

    await page.getByRole('link', { name: 'Campaigns', exact: true }).click();
    const row = page.getByRole('table', { name: 'Campaigns' }).getByRole('row', { name: /Renewals/ });
    expect(await shown(row)).toBe(true);
    expect(await row.textContent()).toMatch(/cancelled.*Agent: Caller.*Outbound line.*3 \/ 3/);
  });

  it('keeps a do-not-call list: E.164 errors on the field, search, remove with a confirmation', async () => {
    const page = await s.newPage();
    await signUpInBrowser(page, { org: 'DNC Org', email: uniqueEmail('dnc') });
    const own = await accessToken(page);
    await call(s.t.app, { method: 'POST', url: '/dnc', token: own, body: { phone: '+442071234567' } });
    await page.getByRole('link', { name: 'Do not call', exact: true }).click();
    const phone = page.getByRole('textbox', { name: 'Add a number' });
    await phone.fill('12345');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    expect(await shown(page.getByText('must be an E.164 number, e.g. +14155550100'))).toBe(true);
    await phone.fill('+1 415 555 0199');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const table = page.getByRole('table', { name: 'Do-not-call numbers' });
    await eventually(() => table.locator('tbody tr').count()).toBe(2);
    await page.getByRole('textbox', { name: 'Search' }).fill('555 0199');
    await eventually(() => table.locator('tbody tr').allTextContents()).toEqual([expect.stringContaining('+14155550199')]);
    await page.getByRole('button', { name: 'Remove +14155550199' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    expect(await shown(page.getByText('No number matches'))).toBe(true);
    expect((await call(s.t.app, { method: 'GET', url: '/dnc', token: own })).json().data.map((e: { phone: string }) => e.phone)).toEqual(['+442071234567']);
  });

  it("another org's campaign is not found; a viewer sees a campaign but cannot start it", async () => {
    const other = await signup(s.t.app, 'Other Org');
    const channel = (await call(s.t.app, { method: 'POST', url: '/channels', token: other.access_token, body: { name: 'B line', type: 'voice', provider: 'twilio', credentials: twilioCreds, phone_number: OUR_NUMBER } })).json();
    const theirs = (await call(s.t.app, { method: 'POST', url: '/campaigns', token: other.access_token, body: { name: 'B secret', channel_id: channel.id, timezone: 'UTC' } })).json();
    const owner = await s.newPage();
    await signUpInBrowser(owner, { org: 'Viewer Org', email: uniqueEmail('vcamp') });
    const ownerToken = await accessToken(owner);
    await owner.goto(`/campaigns/${theirs.id}`);
    expect(await shown(owner.getByRole('alert').getByText('Campaign not available'))).toBe(true);
    expect(await owner.content()).not.toContain('B secret');

    const line = (await call(s.t.app, { method: 'POST', url: '/channels', token: ownerToken, body: { name: 'A line', type: 'voice', provider: 'twilio', credentials: twilioCreds, phone_number: OUR_NUMBER } })).json();
    const mine = (await call(s.t.app, { method: 'POST', url: '/campaigns', token: ownerToken, body: { name: 'Viewer visible', channel_id: line.id, timezone: 'UTC' } })).json();
    await call(s.t.app, { method: 'POST', url: `/campaigns/${mine.id}/contacts`, token: ownerToken, body: [{ phone: '+14155550150' }] });
    const viewer = await inviteAndAccept(s.t.app, ownerToken, 'viewer');
    const page = await s.newPage();
    await signInInBrowser(page, viewer.email);
    await page.getByRole('link', { name: 'Campaigns', exact: true }).click();
    expect(await shown(page.getByRole('link', { name: 'Viewer visible' }))).toBe(true);
    expect(await page.getByRole('link', { name: 'New campaign' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Viewer visible' }).click();
    expect(await shown(page.getByText('Read only: your role cannot run or change campaigns.'))).toBe(true);
    expect(await shown(page.getByRole('button', { name: 'Export results' }))).toBe(true);
    expect(await page.getByRole('button', { name: 'Start', exact: true }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Choose CSV file' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Delete/ }).count()).toBe(0);
    // The API refuses it too.
    expect((await call(s.t.app, { method: 'POST', url: `/campaigns/${mine.id}/start`, token: viewer.access_token })).statusCode).toBe(403);
  });
});
