/**
 * Console page loads (issue 14: "pages load in under a second against the embedded server").
 *
 * Runs `converse serve` as a child process exactly as `npm start` does (embedded PGlite in a temporary
 * folder, the built console), signs up through the console in Debian's chromium, creates a little data
 * through the API (21 agents, 20 calls, a document), then for each main page measures:
 *   - full load: navigation start → the page's heading visible (document, scripts, the lazily loaded
 *     page chunk, the token refresh and the API requests it makes), HTTP cache disabled;
 *   - in-app: a click on the page's navigation entry → its heading visible (what a user sees moving
 *     around once the console is open).
 * BENCH_ROUNDS (5) rounds; median and p95 per page. Writes bench/results/<date>-console.json.
 *
 *   npx tsx bench/console.ts
 */
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureConsoleBuilt } from '../console/scripts/build.js';
import { envNumber } from './lib/db.js';
import { log, machineInfo, mdTable, percentile, round } from './lib/stats.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PORT = envNumber('BENCH_CONSOLE_PORT', 18_090);
const ROUNDS = envNumber('BENCH_ROUNDS', 5);
const BASE = `http://127.0.0.1:${PORT}`;
const PASSWORD = 'correct-horse-battery';
const TARGET_MS = 1000;

/** Path, navigation label, heading. */
const PAGES: [string, string, string][] = [
  ['/agents', 'Agents', 'Agents'],
  ['/flows', 'Flows', 'Flows'],
  ['/knowledge', 'Knowledge', 'Knowledge'],
  ['/tools', 'Tools', 'Tools'],
  ['/channels', 'Channels', 'Channels'],
  ['/playground', 'Playground', 'Playground'],
  ['/calls', 'Calls', 'Calls'],
  ['/escalations', 'Escalations', 'Escalations'],
  ['/team', 'Team', 'Team'],
  ['/settings', 'Settings', 'Organization settings'],
];

async function startServer(dataDir: string): Promise<() => Promise<void>> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli.ts'), 'serve'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(PORT), HOST: '127.0.0.1', CONVERSE_HOME: dataDir, NODE_ENV: 'production', LOG_LEVEL: 'warn',
      // One user reloading pages as fast as they render: the per-address limits (30 sign-ins/refreshes, 300
      // requests a minute) would stop the run, and are not what is measured.
      CONVERSE_AUTH_RATE_LIMIT_PER_IP: '100000', CONVERSE_RATE_LIMIT_PER_IP: '100000', CONVERSE_RATE_LIMIT_PER_ORG: '100000' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 240; i++) {
    const up = await fetch(`${BASE}/health`).then((r) => r.ok, () => false);
    if (up) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  };
}

async function signUp(page: Page, email: string): Promise<string> {
  await page.goto('/signup');
  await page.getByLabel('Your name').fill('Bench Person');
  await page.getByLabel('Email').fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(PASSWORD);
  await page.getByLabel('Organization name').fill('Bench Org');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByRole('heading', { name: 'Agents', exact: true }).waitFor();
  const login = await fetch(`${BASE}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
  return ((await login.json()) as { access_token: string }).access_token;
}

async function seed(token: string): Promise<void> {
  const post = (p: string, body: unknown) =>
    fetch(`${BASE}/api/v1${p}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<{ id: string }>);
  for (let i = 0; i < 20; i++) await post('/agents', { name: `Agent ${i}`, system_prompt: 'You help callers.', greeting: 'Hello.' });
  const agent = await post('/agents', { name: 'Desk', system_prompt: 'You help callers.' });
  for (let i = 0; i < 20; i++) {
    const s = await post('/sessions', { agent_id: agent.id, mode: 'test' });
    await post(`/sessions/${s.id}/messages`, { text: 'What are your opening hours?' });
  }
  await post('/knowledge/ingest-text', { name: 'Hours', content: 'We are open from 9 to 5 on weekdays.' });
}

/**
 * One browser context signed in once (sign-in is rate limited per address); the HTTP cache is disabled
 * through the DevTools protocol, so every full load fetches the document, scripts and styles again.
 */
async function signedIn(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: BASE });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Agents', exact: true }).waitFor();
  return page;
}

async function main(): Promise<void> {
  const machine = machineInfo();
  log('building the console (if stale)');
  await ensureConsoleBuilt();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'converse-bench-console-'));
  const stop = await startServer(dataDir);
  const browser = await chromium.launch({ executablePath: process.env.CONVERSE_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  const cold = new Map<string, number[]>();
  const inApp = new Map<string, number[]>();
  try {
    const email = `bench-${Date.now()}@example.com`;
    const first = await browser.newContext({ baseURL: BASE });
    await seed(await signUp(await first.newPage(), email));
    await first.close();
    const page = await signedIn(browser, email);
    for (let round_ = 0; round_ < ROUNDS; round_++) {
      log(`round ${round_ + 1}/${ROUNDS}`);
      for (const [url, label, heading] of PAGES) {
        // Full load of the URL with no HTTP cache (the session is restored from the tab's refresh token).
        const t0 = Date.now();
        await page.goto(url, { waitUntil: 'commit' });
        await page.getByRole('heading', { name: heading, exact: true }).waitFor();
        (cold.get(url) ?? cold.set(url, []).get(url)!).push(Date.now() - t0);
        // In-app: from another page, a click on the navigation entry.
        if (url !== '/agents') await page.getByRole('link', { name: 'Agents', exact: true }).click();
        else await page.getByRole('link', { name: 'Calls', exact: true }).click();
        await page.waitForTimeout(300);
        const t1 = Date.now();
        await page.getByRole('link', { name: label, exact: true }).click();
        await page.getByRole('heading', { name: heading, exact: true }).waitFor();
        (inApp.get(url) ?? inApp.set(url, []).get(url)!).push(Date.now() - t1);
      }
    }
  } finally {
    await browser.close();
    await stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  const rows = PAGES.map(([url]) => {
    const c = cold.get(url) ?? [];
    const a = inApp.get(url) ?? [];
    return [url, round(percentile(c, 50), 0), round(percentile(c, 95), 0), round(percentile(a, 50), 0), round(percentile(a, 95), 0)];
  });
  const worstCold = Math.max(...PAGES.map(([url]) => percentile(cold.get(url) ?? [], 50)));
  const table = mdTable(['page', 'full load p50 (ms)', 'full load p95 (ms)', 'in-app p50 (ms)', 'in-app p95 (ms)'], rows);
  process.stdout.write(`\n${table}\n\nslowest full-load median: ${round(worstCold, 0)} ms (target < ${TARGET_MS} ms); load average at start ${machine.loadAvgAtStart.map((l) => round(l, 2)).join(' ')}\n`);
  const out = path.join(ROOT, 'bench/results');
  await mkdir(out, { recursive: true });
  const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-');
  await writeFile(path.join(out, `${stamp}-console.json`), JSON.stringify({ machine, rounds: ROUNDS, cold: Object.fromEntries(cold), inApp: Object.fromEntries(inApp) }, null, 2));
}

await main();
