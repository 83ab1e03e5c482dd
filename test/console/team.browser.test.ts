import { describe, expect, it } from 'vitest';
import { uniqueEmail } from '../helpers/api.js';
import { accessToken, BROWSER_PASSWORD, consoleForFile, eventually, hasChromium, shown, signUpInBrowser } from '../helpers/browser.js';

describe.skipIf(!hasChromium)('console (browser): keys, team, roles and organizations', () => {
  const s = consoleForFile();

  const createAgent = async (token: string, name: string): Promise<string> => {
    const res = await s.t.app.inject({ method: 'POST', url: '/api/v1/agents', headers: { authorization: `Bearer ${token}` }, payload: { name, system_prompt: 'secret prompt of ' + name } });
    expect(res.statusCode).toBe(201);
    return res.json().id;
  };

  it('an API key is shown once, with a copy button', async () => {
    const page = await s.newPage();
    await signUpInBrowser(page, { org: 'Keys Org', email: uniqueEmail('keys') });
    await page.getByRole('link', { name: 'API keys' }).click();
    expect(await shown(page.getByText('No API keys'))).toBe(true);
    await page.getByLabel('Key name').fill('ci server');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.getByTestId('copy-value').textContent())!;
    expect(key).toMatch(/^cv_\S{20,}$/);
    expect(await shown(page.getByRole('button', { name: 'Copy' }))).toBe(true);
    // The key works against the API, and after leaving the page it is nowhere to be seen again.
    expect((await s.t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(200);
    await page.reload();
    expect(await shown(page.getByRole('cell', { name: 'ci server' }))).toBe(true);
    expect(await page.content()).not.toContain(key);
  });

  it('invites a viewer, who signs in through the link and sees read-only pages', async () => {
    const owner = await s.newPage();
    await signUpInBrowser(owner, { org: 'Team Org', email: uniqueEmail('owner') });
    const agentId = await createAgent(await accessToken(owner), 'Reception');

    const viewerEmail = uniqueEmail('viewer');
    await owner.getByRole('link', { name: 'Team' }).click();
    await owner.getByRole('textbox', { name: 'Email' }).fill(viewerEmail);
    await owner.getByLabel('Role', { exact: true }).first().click();
    await owner.getByRole('option', { name: 'viewer' }).click();
    await owner.getByRole('button', { name: 'Create invite' }).click();
    const link = (await owner.getByTestId('copy-value').textContent())!;
    expect(link).toContain('/accept-invite?token=');

    const viewer = await s.newPage();
    await viewer.goto(link);
    await viewer.getByLabel('Your name').fill('Vera Viewer');
    await viewer.getByRole('textbox', { name: 'Password' }).fill(BROWSER_PASSWORD);
    await viewer.getByRole('button', { name: 'Accept invite' }).click();
    await viewer.getByRole('heading', { name: 'Agents', exact: true }).waitFor();
    expect(await viewer.getByTestId('current-role').textContent()).toBe('viewer');
    expect(await viewer.getByRole('link', { name: 'New agent' }).count()).toBe(0);
    expect(await viewer.getByRole('link', { name: 'API keys' }).count()).toBe(0);
    expect(await viewer.getByRole('link', { name: 'Playground' }).count()).toBe(0);

    await viewer.getByRole('link', { name: 'Reception' }).click();
    expect(await shown(viewer.getByText('Read only: your role cannot change agents.'))).toBe(true);
    expect(await viewer.getByRole('textbox', { name: 'Name', exact: true }).isDisabled()).toBe(true);
    expect(await viewer.getByRole('button', { name: 'Save' }).count()).toBe(0);
    expect(await viewer.getByRole('button', { name: 'Delete agent' }).count()).toBe(0);

    // The owner sees the new member.
    await owner.reload();
    expect(await shown(owner.getByRole('cell', { name: viewerEmail }))).toBe(true);
    expect(agentId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("another organization's ids show not found and reveal nothing", async () => {
    const a = await s.newPage();
    await signUpInBrowser(a, { org: 'Org A', email: uniqueEmail('a') });
    const agentId = await createAgent(await accessToken(a), 'Private agent A');
    const b = await s.newPage();
    await signUpInBrowser(b, { org: 'Org B', email: uniqueEmail('b') });
    await b.goto(`/agents/${agentId}`);
    await eventually(() => b.getByRole('alert').first().textContent()).toContain('not found');
    expect(await b.content()).not.toContain('Private agent A');
    expect(await b.content()).not.toContain('secret prompt');
    for (const path of ['/calls/', '/knowledge/']) {
      await b.goto(path + agentId);
      await eventually(() => b.getByRole('alert').first().textContent()).toContain('not found');
    }
  });

  it('switches between organizations of the same person', async () => {
    const page = await s.newPage();
    const email = uniqueEmail('multi');
    await signUpInBrowser(page, { org: 'First Org', email });
    const open = async () => {
      await page.getByTestId('account-menu').click();
      await page.getByRole('menuitem', { name: 'Switch organization' }).click();
    };
    await open();
    await page.getByLabel('New organization name').fill('Second Org');
    await page.getByRole('dialog').getByRole('textbox', { name: 'Your password' }).fill(BROWSER_PASSWORD);
    await page.getByRole('button', { name: 'Switch' }).click();
    await eventually(() => page.getByTestId('current-org').textContent()).toBe('Second Org');

    await open();
    await page.getByRole('dialog').getByLabel('Organization', { exact: true }).first().click();
    await page.getByRole('option', { name: 'First Org' }).click();
    await page.getByRole('dialog').getByRole('textbox', { name: 'Your password' }).fill(BROWSER_PASSWORD);
    await page.getByRole('button', { name: 'Switch' }).click();
    await eventually(() => page.getByTestId('current-org').textContent()).toBe('First Org');
  });
});
