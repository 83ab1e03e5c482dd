import { describe, expect, it } from 'vitest';
import { uniqueEmail } from '../helpers/api.js';
import { accessToken, consoleForFile, eventually, hasChromium, shown, signUpInBrowser } from '../helpers/browser.js';

describe.skipIf(!hasChromium)('console (browser): sign up and manage agents', () => {
  const s = consoleForFile();

  it('signs up, creates an agent with a prompt and built-in tools, edits it, then deletes it', async () => {
    const page = await s.newPage();
    await signUpInBrowser(page, { org: 'Agents Org', email: uniqueEmail('agents') });
    expect(await shown(page.getByText('No agents yet'))).toBe(true);

    await page.getByRole('link', { name: 'New agent' }).first().click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Front desk');
    await page.getByLabel('System prompt').fill('You answer questions about the clinic.');
    await page.getByLabel('Greeting').fill('Hello, clinic here.');
    await page.getByLabel('end_call').check();
    await page.getByRole('button', { name: 'Create agent' }).click();
    await page.waitForURL(/\/agents\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop()!;

    // What the API stored is what the form said.
    expect(await page.evaluate<string | null>("sessionStorage.getItem('converse.refresh_token')")).toMatch(/^\S+$/);
    const stored = (await s.t.app.inject({ method: 'GET', url: `/api/v1/agents/${id}`, headers: { authorization: `Bearer ${await accessToken(page)}` } })).json();
    expect(stored).toMatchObject({ name: 'Front desk', system_prompt: 'You answer questions about the clinic.', greeting: 'Hello, clinic here.', tools_builtin: ['end_call'] });

    // Edit survives a reload (the session is restored from the refresh token).
    await page.getByLabel('Greeting').fill('Good morning!');
    await page.getByRole('button', { name: 'Save' }).click();
    expect(await shown(page.getByText('Agent saved'))).toBe(true);
    await page.reload();
    await page.getByLabel('Greeting').and(page.locator('[value="Good morning!"]')).waitFor();
    expect(await page.getByLabel('Greeting').inputValue()).toBe('Good morning!');

    await page.getByRole('link', { name: 'Agents' }).click();
    expect(await shown(page.getByRole('link', { name: 'Front desk' }))).toBe(true);

    await page.getByRole('link', { name: 'Front desk' }).click();
    await page.getByRole('button', { name: 'Delete agent' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete agent' }).click();
    await page.waitForURL(/\/agents$/);
    expect(await shown(page.getByText('No agents yet'))).toBe(true);
  });

  it('shows the API error message when a save is refused', async () => {
    const page = await s.newPage();
    await signUpInBrowser(page, { org: 'Errors Org', email: uniqueEmail('errors') });
    await page.goto('/agents/new');
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Bad language');
    await page.getByRole('textbox', { name: 'Language', exact: true }).fill('not_a_tag');
    await page.getByRole('button', { name: 'Create agent' }).click();
    await eventually(() => page.getByRole('alert').first().textContent()).toContain('BCP 47');
  });
});

