/**
 * The widget in headless Chromium: a customer's page on another origin (a tiny 127.0.0.1 server with a
 * strict CSP, the script tag and a stand-in customer backend that calls session-url with the API key),
 * a conversation answered from the agent's knowledge, a dropped connection resumed into the same
 * session; and the demo page.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/api.js';
import { modeName } from '../helpers/harness.js';
import { hasChromium, launchChromium } from './browser.js';
import { seedWebOrg, startWidgetApp, type WebOrg, type WidgetApp } from './support.js';

const ENDPOINT = '/converse-session';

describe.skipIf(!hasChromium)(`the widget in Chromium (${modeName})`, { timeout: 120_000 }, () => {
  let w: WidgetApp;
  let a: WebOrg;
  let browser: Browser;
  let host: Server;
  let hostOrigin: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    w = await startWidgetApp();
    // Every upgraded socket, so the test can cut the network under the widget.
    w.t.app.server.on('upgrade', (_req, socket: Socket) => sockets.push(socket));
    host = createServer((req, res) => void hostPage(req.method ?? 'GET', req.url ?? '/', res));
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    a = await seedWebOrg(w, 'Browser', [hostOrigin, w.base]);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => host?.close(resolve));
    await w?.close();
  });

  /** The customer's site: one page with the script tag, under a strict CSP, and its backend endpoint. */
  async function hostPage(method: string, url: string, res: import('node:http').ServerResponse): Promise<void> {
    if (method === 'POST' && url === ENDPOINT) {
      // What docs/widget.md's backend snippet does: the API key stays on the server.
      const r = await fetch(`${w.base}/api/v1/channels/${a.channelId}/session-url`, { method: 'POST', headers: { authorization: `Bearer ${a.org.apiKey}` } });
      res.writeHead(r.status, { 'content-type': 'application/json' }).end(JSON.stringify({ url: ((await r.json()) as { url: string }).url }));
      return;
    }
    const wsOrigin = w.base.replace(/^http/, 'ws');
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `default-src 'none'; script-src ${w.base}; connect-src 'self' ${wsOrigin}; style-src 'self'`,
    }).end(`<!doctype html><html><head><title>Shop</title></head><body><h1>Acme shop</h1>
<script src="${w.base}/widget.js" data-session-url-endpoint="${ENDPOINT}" data-title="Acme help" async></script></body></html>`);
  }

  function watch(page: Page): string[] {
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && !/WebSocket connection .* failed|ERR_CONNECTION|net::/.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));
    return problems;
  }

  const agentText = (page: Page) => page.locator('[data-converse-widget] .msg.agent');

  it('answers from the knowledge on a customer page under a strict CSP, and resumes the same session after a drop', async () => {
    const page = await browser.newPage();
    const problems = watch(page);
    await page.goto(hostOrigin);
    // Styled although the page allows no inline style: a constructed stylesheet in the shadow root.
    expect(await page.evaluate(`getComputedStyle(document.querySelector('[data-converse-widget]').shadowRoot.querySelector('.bubble')).position`)).toBe('fixed');
    await page.locator('[data-converse-widget] .bubble').click();
    await expect.poll(() => agentText(page).first().textContent(), { timeout: 40_000 }).toBe('Hi, this is Acme. How can I help?');

    const input = page.locator('[data-converse-widget] input');
    await input.fill('How many days do I have to return a product for a refund?');
    await input.press('Enter');
    await expect.poll(() => agentText(page).nth(1).textContent(), { timeout: 40_000 }).toMatch(/30 days/);
    const stored = await page.evaluate(`sessionStorage.getItem('converse-widget:${ENDPOINT}')`);
    const sessionId = (JSON.parse(stored as string) as { id: string }).id;

    // The network drops under the page: every socket to the API is cut (no close frame: a 1006 for the widget).
    const before = sockets.length;
    for (const s of sockets) s.destroy();
    await expect.poll(() => sockets.length, { timeout: 40_000 }).toBeGreaterThan(before);
    await expect.poll(() => page.locator('[data-converse-widget] .status').textContent(), { timeout: 40_000 }).toBe('');

    await input.fill('And how are refunds paid?');
    await input.press('Enter');
    await expect.poll(() => agentText(page).nth(2).textContent(), { timeout: 40_000 }).toMatch(/card|refund/i);
    // The transcript shows the whole conversation once (re-drawn from the server's on resume).
    expect(await page.locator('[data-converse-widget] .msg.caller').allTextContents()).toEqual([
      'How many days do I have to return a product for a refund?', 'And how are refunds paid?',
    ]);

    const detail = (await call(w.t.app, { method: 'GET', url: `/calls/${sessionId}`, token: a.org.tokens.admin })).json();
    expect(detail).toMatchObject({ id: sessionId, channel: 'web', channel_id: a.channelId, status: 'active' });
    expect(detail.transcript.filter((m: { role: string }) => m.role === 'caller').map((m: { text: string }) => m.text)).toEqual([
      'How many days do I have to return a product for a refund?', 'And how are refunds paid?',
    ]);
    const webCalls = (await call(w.t.app, { method: 'GET', url: '/calls?channel=web', token: a.org.tokens.admin })).json().data;
    expect(webCalls.map((c: { id: string }) => c.id)).toEqual([sessionId]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('after the conversation ends, a new message starts a new session', async () => {
    const page = await browser.newPage();
    const problems = watch(page);
    await page.goto(hostOrigin);
    await page.locator('[data-converse-widget] .bubble').click();
    const input = page.locator('[data-converse-widget] input');
    await expect.poll(() => agentText(page).count(), { timeout: 40_000 }).toBe(1);
    const storageKey = `sessionStorage.getItem('converse-widget:${ENDPOINT}')`;
    // The session frame (and the widget's stored session) may land just after the greeting.
    await expect.poll(() => page.evaluate(storageKey), { timeout: 40_000 }).not.toBeNull();
    const first = (JSON.parse((await page.evaluate(storageKey)) as string) as { id: string }).id;
    await input.fill("Thanks, that's all. Bye!");
    await input.press('Enter');
    await expect.poll(() => page.locator('[data-converse-widget] .status').textContent(), { timeout: 40_000 }).toMatch(/has ended/);
    expect(await page.evaluate(storageKey)).toBeNull();
    await input.fill('How many days for a refund?');
    await input.press('Enter');
    await expect.poll(() => agentText(page).allTextContents(), { timeout: 40_000 }).toEqual(['Hi, this is Acme. How can I help?', expect.stringMatching(/30 days/)]);
    await expect.poll(() => page.evaluate(storageKey), { timeout: 40_000 }).not.toBeNull();
    const second = (JSON.parse((await page.evaluate(storageKey)) as string) as { id: string }).id;
    expect(second).not.toBe(first);
    expect((await call(w.t.app, { method: 'GET', url: `/calls/${first}`, token: a.org.tokens.admin })).json()).toMatchObject({ status: 'ended', ended_reason: 'completed' });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the demo page: no inline script, its own CSP, opens the widget with a credential typed in', async () => {
    const res = await fetch(`${w.base}/widget/demo?channel=${a.channelId}`);
    const html = await res.text();
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(res.headers.get('content-security-policy')).not.toMatch(/unsafe-inline/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);

    const page = await browser.newPage();
    const problems = watch(page);
    await page.goto(`${w.base}/widget/demo?channel=${a.channelId}`);
    expect(await page.locator('#channel').inputValue()).toBe(a.channelId);
    await page.locator('#credential').fill(a.org.apiKey);
    await page.locator('#demo button').click();
    await expect.poll(() => agentText(page).first().textContent(), { timeout: 40_000 }).toBe('Hi, this is Acme. How can I help?');
    expect(await page.locator('#credential').inputValue()).toBe('');
    expect(problems).toEqual([]);
    await page.close();
  });
});
