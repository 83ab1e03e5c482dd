/**
 * Phone and messaging channels in Chromium, against the provider simulator: credentials are write-only
 * (a refused set shows the API's message; a stored set shows only its account hint and is kept when the
 * fields stay empty), the webhook URL to paste at the provider has a copy button, and Exotel's URL (it
 * holds a secret token) is shown once, right after creation.
 */
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { exotelCreds, twilioCreds } from '../fakes/provider-sim/fixtures.js';
import { startProviderSim } from '../fakes/provider-sim/index.js';
import { call, uniqueEmail } from '../helpers/api.js';
import { accessToken, consoleForFile, eventually, hasChromium, shown, signUpInBrowser } from '../helpers/browser.js';

const PUBLIC_URL = 'https://hooks.converse.test';
const sim = await startProviderSim({ accounts: { twilio: [twilioCreds], exotel: [exotelCreds] } });

describe.skipIf(!hasChromium)('console (browser): phone and messaging channels', { timeout: 120_000 }, () => {
  const s = consoleForFile({ config: { publicUrl: PUBLIC_URL, allowPrivateNetwork: true, providerBaseUrls: sim.baseUrls } });
  afterAll(() => sim.close());

  const choose = async (page: Page, label: string, option: string) => {
    await page.getByLabel(label, { exact: true }).first().click();
    await page.getByRole('option', { name: option, exact: true }).click();
  };
  const text = (page: Page, name: string) => page.getByRole('textbox', { name, exact: true });

  it('a Twilio SMS channel: refused credentials show the reason, stored ones stay write-only, the webhook URL is there to copy', async () => {
    const page = await s.newPage();
    await signUpInBrowser(page, { org: 'SMS Org', email: uniqueEmail('sms') });
    const token = await accessToken(page);
    const agent = (await call(s.t.app, { method: 'POST', url: '/agents', token, body: { name: 'Texter', system_prompt: 'You answer texts.' } })).json();

    await page.goto('/channels/new');
    await text(page, 'Name').fill('Support SMS');
    await choose(page, 'Type', 'SMS');
    await choose(page, 'Routes to', 'Texter');
    await text(page, 'Phone number').fill('+1 415 555 0100');
    await text(page, 'Account SID').fill(twilioCreds.account_sid);
    await text(page, 'Auth token').fill('not-the-right-token');
    await page.getByRole('button', { name: 'Create channel' }).click();
    await eventually(() => page.getByRole('alert').first().textContent()).toContain('twilio rejected these credentials');

    await text(page, 'Auth token').fill(twilioCreds.auth_token);
    await page.getByRole('button', { name: 'Create channel' }).click();
    await page.waitForURL(/\/channels\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop()!;
    const url = `${PUBLIC_URL}/api/v1/webhooks/twilio/${id}`;
    await eventually(() => page.getByTestId('copy-value').first().textContent()).toBe(url);
    expect(await shown(page.getByText('"A message comes in"', { exact: false }))).toBe(true);
    expect(await shown(page.getByRole('button', { name: 'Copy' }))).toBe(true);
    await eventually(() => text(page, 'Auth token').getAttribute('placeholder')).toBe('Stored (account ...cdef): leave empty to keep');
    expect(await page.content()).not.toContain(twilioCreds.auth_token);

    // Saving with empty credential fields keeps the stored ones.
    await text(page, 'Name').fill('Support texts');
    await page.getByRole('button', { name: 'Save' }).click();
    await eventually(async () => (await call(s.t.app, { method: 'GET', url: `/channels/${id}`, token })).json().name).toBe('Support texts');
    const stored = (await call(s.t.app, { method: 'GET', url: `/channels/${id}`, token })).json();
    expect(stored).toMatchObject({ phone_number: '+14155550100', agent_id: agent.id, credentials: { configured: true, hint: '...cdef' }, webhook_url: url });
  });

  it("an Exotel channel's webhook URL (with its secret token) is shown once", async () => {
    const page = await s.newPage();
    await signUpInBrowser(page, { org: 'Exotel Org', email: uniqueEmail('exotel') });
    await page.goto('/channels/new');
    await text(page, 'Name').fill('India line');
    await choose(page, 'Type', 'Phone calls');
    await choose(page, 'Provider', 'Exotel');
    await text(page, 'Phone number').fill('+91 98765 43210');
    await text(page, 'Account SID').fill(exotelCreds.account_sid);
    await text(page, 'API key').fill(exotelCreds.api_key);
    await text(page, 'API token').fill(exotelCreds.api_token);
    await text(page, 'API host').fill(exotelCreds.subdomain!);
    await page.getByRole('button', { name: 'Create channel' }).click();
    await page.waitForURL(/\/channels\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop()!;
    expect(await shown(page.getByText('Copy it now: it will not be shown again'))).toBe(true);
    expect(await page.getByTestId('copy-value').first().textContent()).toMatch(new RegExp(`^${PUBLIC_URL}/api/v1/webhooks/exotel/${id}/\\S{20,}$`));

    await page.reload();
    expect(await shown(page.getByText('was shown only once'))).toBe(true);
    expect(await page.getByTestId('copy-value').count()).toBe(0);
  });
});
