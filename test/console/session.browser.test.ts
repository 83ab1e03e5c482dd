import { describe, expect, it } from 'vitest';
import { uniqueEmail } from '../helpers/api.js';
import { BROWSER_PASSWORD, consoleForFile, eventually, hasChromium, shown, signUpInBrowser } from '../helpers/browser.js';

describe.skipIf(!hasChromium)('console (browser): the signed-in session', () => {
  // Access tokens that expire within seconds (2-3 s: whole-second claims), so the refresh path runs
  // within the test while a refreshed token still outlives its retry on a loaded machine.
  const s = consoleForFile({ config: { accessTokenTtlSeconds: 3 } });

  it('an expired access token is refreshed on the 401 and the request retried', async () => {
    const page = await s.newPage();
    await signUpInBrowser(page, { org: 'Refresh Org', email: uniqueEmail('refresh') });
    await new Promise((r) => setTimeout(r, 3_100));
    const seen: string[] = [];
    page.on('response', (res) => seen.push(`${res.status()} ${new URL(res.url()).pathname}`));
    // Client-side navigation: no reload, so the page still holds the expired token.
    await page.getByRole('link', { name: 'Team' }).click();
    expect(await shown(page.getByRole('cell', { name: 'Test Person' }))).toBe(true);
    expect(seen).toContain('401 /api/v1/team/members');
    expect(seen).toContain('200 /api/v1/auth/refresh');
    expect(seen.filter((x) => x === '200 /api/v1/team/members')).toHaveLength(1);
  });

  it('signing out forgets the tokens, revokes the session and protects the pages', async () => {
    const page = await s.newPage();
    const email = uniqueEmail('logout');
    await signUpInBrowser(page, { org: 'Logout Org', email });
    const refresh = await page.evaluate<string>("sessionStorage.getItem('converse.refresh_token')");
    await page.getByTestId('account-menu').click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login/);
    expect(await page.evaluate<string | null>("sessionStorage.getItem('converse.refresh_token')")).toBeNull();
    const reuse = await s.t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: refresh } });
    expect(reuse.statusCode).toBe(401);

    // A protected page sends you to sign in, and back there afterwards.
    await page.goto('/calls?status=ended');
    await page.waitForURL(/\/login\?next=/);
    await page.getByLabel('Email').fill(email);
    await page.getByRole('textbox', { name: 'Password' }).fill(BROWSER_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/calls\?status=ended$/, { waitUntil: 'commit' });
    expect(await shown(page.getByRole('heading', { name: 'Calls', exact: true }))).toBe(true);
  });

  it('a wrong password shows the API message', async () => {
    const page = await s.newPage();
    await page.goto('/login');
    await page.getByLabel('Email').fill(uniqueEmail('nobody'));
    await page.getByRole('textbox', { name: 'Password' }).fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await eventually(() => page.getByRole('alert').first().textContent()).toContain('Invalid');
  });
});
