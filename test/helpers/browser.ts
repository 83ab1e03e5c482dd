/**
 * Browser tests: Debian's chromium driven by playwright-core (no browser download) against a real
 * server on 127.0.0.1 (the test harness's app with its database, listening on a free port, and the job
 * worker running in-process as `converse serve` does in embedded mode). The console is built first if
 * console/dist is missing or stale.
 *
 * Without chromium the browser tests skip with a message; CI installs it (.ci/run) and sets
 * CONVERSE_BROWSER_TESTS=required, which turns a missing browser into a failure instead.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { ensureConsoleBuilt } from '../../console/scripts/build.js';
import { allJobs } from '../../src/jobs.js';
import { createWorker } from '../../src/platform/jobs/index.js';
import { createTestApp, type TestApp, type TestAppOptions } from './harness.js';

export const CHROMIUM_PATH = process.env.CONVERSE_CHROMIUM ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM_PATH);
if (!hasChromium) {
  if (process.env.CONVERSE_BROWSER_TESTS === 'required') throw new Error(`browser tests are required but ${CHROMIUM_PATH} is missing (apt-get install -y chromium)`);
  console.warn(`[browser tests] skipped: no chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CONVERSE_CHROMIUM)`);
}

export interface ConsoleServer {
  t: TestApp;
  url: string;
  browser: Browser;
  /** A fresh browser context (own storage: one signed-in user) with a page on the console. */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** `chromiumArgs`: extra Chromium switches (e.g. test/widget/browser.ts `fakeMicrophone`). */
export type ConsoleOptions = TestAppOptions & { chromiumArgs?: string[] };

export async function startConsole(opts: ConsoleOptions = {}): Promise<ConsoleServer> {
  const { chromiumArgs = [], ...appOpts } = opts;
  await ensureConsoleBuilt();
  const t = await createTestApp(appOpts);
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const address = t.app.server.address();
  if (!address || typeof address === 'string') throw new Error('server did not listen on a TCP port');
  const url = `http://127.0.0.1:${address.port}`;
  // Every test file has a database (and so a job queue) of its own, in both modes.
  const worker = createWorker(t.deps, allJobs, { concurrency: 2, pollIntervalMs: 100 });
  worker.start();
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Chromium refuses to run its sandbox as root (CI containers).
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), ...chromiumArgs],
  });
  const contexts: BrowserContext[] = [];
  return {
    t,
    url,
    browser,
    newPage: async () => {
      const context = await browser.newContext({ baseURL: url });
      context.setDefaultTimeout(15_000);
      contexts.push(context);
      return context.newPage();
    },
    close: async () => {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
      await worker.stop();
      await t.close();
    },
  };
}

/**
 * One server and browser for a test file: started before its tests, closed after them. The returned
 * object is filled in by beforeAll, so read its fields inside tests only.
 */
export function consoleForFile(opts: ConsoleOptions = {}): ConsoleServer {
  const holder = {} as ConsoleServer;
  beforeAll(async () => {
    Object.assign(holder, await startConsole(opts));
  });
  afterAll(async () => {
    await holder.close?.();
  });
  return holder;
}

export const BROWSER_PASSWORD = 'correct-horse-battery';

/** Signs up through the console's own form; returns the email. */
export async function signUpInBrowser(page: Page, opts: { org: string; email: string; name?: string }): Promise<void> {
  await page.goto('/signup');
  await page.getByLabel('Your name').fill(opts.name ?? 'Test Person');
  await page.getByLabel('Email').fill(opts.email);
  await page.getByRole('textbox', { name: 'Password' }).fill(BROWSER_PASSWORD);
  await page.getByLabel('Organization name').fill(opts.org);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByRole('heading', { name: 'Agents', exact: true }).waitFor();
}

/** Signs in through the console's form as an existing user (an invited one, say); waits for the first screen. */
export async function signInInBrowser(page: Page, email: string, firstScreen = 'Agents'): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(BROWSER_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: firstScreen, exact: true }).waitFor();
}

/** Waits (up to the context's timeout) until the locator is visible; true once it is, for expect(). */
export async function shown(locator: import('playwright-core').Locator): Promise<boolean> {
  await locator.first().waitFor({ state: 'visible' });
  return true;
}

/**
 * An access token of the page's signed-in user, for checking through the API what the console did.
 * The console keeps its access token in memory only, so this trades the stored refresh token (and
 * stores the rotated one, keeping the page signed in).
 */
export async function accessToken(page: Page): Promise<string> {
  return page.evaluate<string>(`(async () => {
    const res = await fetch('/api/v1/auth/refresh', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: sessionStorage.getItem('converse.refresh_token') }) });
    const pair = await res.json();
    sessionStorage.setItem('converse.refresh_token', pair.refresh_token);
    return pair.access_token;
  })()`);
}

/** expect.poll with the browser tests' patience (vitest's default second is short on a loaded machine). */
export function eventually<T>(fn: () => Promise<T> | T, opts: { timeout?: number } = {}) {
  return expect.poll(fn, { timeout: 15_000, ...opts });
}
