import { describe, expect, it } from 'vitest';
import { uniqueEmail } from '../helpers/api.js';
import { accessToken, consoleForFile, eventually, hasChromium, shown, signUpInBrowser } from '../helpers/browser.js';

describe.skipIf(!hasChromium)('console (browser): calls, audit log and settings', () => {
  const s = consoleForFile();

  it('filters calls, pages through them with the cursor, opens one and deletes it', async () => {
    const page = await s.newPage();
    await signUpInBrowser(page, { org: 'History Org', email: uniqueEmail('history') });
    const token = await accessToken(page);
    const api = async (method: 'GET' | 'POST', url: string, payload?: object) => {
      const res = await s.t.app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
      return res.json();
    };
    const agent = await api('POST', '/agents', { name: 'Line agent', greeting: 'Hi there.' });
    // 52 sessions: more than one page (the API's default limit is 50); the last one ended.
    const ids: string[] = [];
    for (let i = 0; i < 52; i++) ids.push((await api('POST', '/sessions', { agent_id: agent.id, mode: i % 2 === 0 ? 'test' : 'live' })).id);
    await api('POST', `/sessions/${ids[51]}/messages`, { text: 'goodbye' });

    await page.getByRole('link', { name: 'Calls' }).click();
    const rows = page.locator('table tbody tr');
    await eventually(() => rows.count()).toBe(50);
    await page.getByRole('button', { name: 'Load more' }).click();
    await eventually(() => rows.count()).toBe(52);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);

    await page.getByLabel('Status', { exact: true }).first().click();
    await page.getByRole('option', { name: 'ended' }).click();
    await eventually(() => rows.count()).toBe(1);
    expect(page.url()).toContain('status=ended');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await eventually(() => rows.count()).toBe(52); // the unfiltered pages already loaded
    await page.getByLabel('Mode', { exact: true }).first().click();
    await page.getByRole('option', { name: 'test' }).click();
    await eventually(() => rows.count()).toBe(26);

    await page.goto(`/calls/${ids[51]}`);
    await eventually(() => page.getByTestId('transcript').textContent()).toContain('goodbye');
    await page.getByRole('button', { name: 'Delete call' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete call' }).click();
    await page.waitForURL(/\/calls$/);
    expect((await s.t.app.inject({ method: 'GET', url: `/api/v1/calls/${ids[51]}`, headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(404);
  });

  it('shows the audit log with its action filter, and renames the organization', async () => {
    const page = await s.newPage();
    await signUpInBrowser(page, { org: 'Audit Org', email: uniqueEmail('audit') });
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Organization name').fill('Audit Org Renamed');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    expect(await shown(page.getByText('Organization saved'))).toBe(true);

    await page.getByRole('link', { name: 'Audit log' }).click();
    expect(await shown(page.getByText('organization.updated'))).toBe(true);
    expect(await shown(page.getByText('organization.created'))).toBe(true);
    await page.getByLabel('Action').fill('organization.updated');
    await eventually(() => page.locator('table tbody tr').count()).toBe(1);
    await page.getByLabel('Action').fill('no.such.action');
    expect(await shown(page.getByText('No entries'))).toBe(true);
  });
});
