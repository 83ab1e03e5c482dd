/**
 * The configuration screens in Chromium: tools (with a test run against a local HTTP server and the
 * assignment to an agent), MCP servers (discovery, per-agent allowed tools), providers (write-only key,
 * test), web channels (snippet and a live preview that answers), webhook endpoints (secret once, a
 * delivery, editing the events, a redelivery), privacy settings, and a viewer who can read all of it
 * but change nothing.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlm, type FakeLlm } from '../fakes/llm-server/index.js';
import { startFakeMcp, type FakeMcp } from '../mcp/fake-mcp-server.js';
import { call, inviteAndAccept, uniqueEmail } from '../helpers/api.js';
import { accessToken, consoleForFile, eventually, hasChromium, shown, signInInBrowser, signUpInBrowser } from '../helpers/browser.js';

interface Received { method: string; url: string; headers: IncomingHttpHeaders; body: string }

/** A stand-in for the customer's own server: records what it gets and answers JSON. */
async function startReceiver(): Promise<{ origin: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ order: { id: req.url?.split('/').pop(), status: 'shipped' } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe.skipIf(!hasChromium)('console (browser): configuration screens', { timeout: 120_000 }, () => {
  // Tools, MCP servers, providers and webhooks here all talk to servers on 127.0.0.1.
  const s = consoleForFile({ config: { allowPrivateNetwork: true } });
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let mcp: FakeMcp;
  let llm: FakeLlm;
  beforeAll(async () => {
    receiver = await startReceiver();
    mcp = await startFakeMcp();
    llm = await startFakeLlm({ apiKey: 'sk-console-test-key-abcd' });
  });
  afterAll(async () => {
    await receiver?.close();
    await mcp?.close();
    await llm?.close();
  });

  const post = async (token: string, url: string, payload: object) => {
    const res = await call(s.t.app, { method: 'POST', url, token, body: payload });
    expect(res.statusCode).toBe(201);
    return res.json();
  };
  /** Picks an option of a Mantine Select / MultiSelect by its label. */
  const choose = async (page: Page, label: string, option: string) => {
    await page.getByLabel(label, { exact: true }).first().click();
    await page.getByRole('option', { name: option }).click();
  };

  it('creates a tool, shows the API error for a bad one, runs its test against a local server and assigns it to an agent', async () => {
    const page = await s.newPage();
    await signUpInBrowser(page, { org: 'Tools Org', email: uniqueEmail('tools') });
    const token = await accessToken(page);
    const agent = await post(token, '/agents', { name: 'Order desk', system_prompt: 'You look up orders.' });

    await page.getByRole('link', { name: 'Tools', exact: true }).click();
    expect(await shown(page.getByText('No tools yet'))).toBe(true);
    expect(await shown(page.getByText('No MCP servers yet'))).toBe(true);
    await page.getByRole('link', { name: 'New tool' }).first().click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('1 bad name');
    await page.getByRole('textbox', { name: 'URL', exact: true }).fill(`${receiver.origin}/orders/{{order_id}}`);
    await page.getByRole('button', { name: 'Create tool' }).click();
    // The API's own validation message, field and rule.
    await eventually(() => page.getByRole('alert').first().textContent()).toContain('letters, digits');

    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('lookup_order');
    await page.getByLabel('Parameters (JSON Schema)').fill(JSON.stringify({ type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] }));
    await page.getByLabel('Response mapping').fill('{"order_status": "$.order.status"}');
    await page.getByRole('button', { name: 'Add header' }).click();
    await page.getByLabel('Header 1 name').fill('Authorization');
    await page.getByRole('checkbox', { name: 'Secret' }).check();
    await page.getByLabel('Header 1 value').fill('Bearer very-secret-value');
    await page.getByRole('button', { name: 'Create tool' }).click();
    await page.waitForURL(/\/tools\/[0-9a-f-]{36}$/);
    // The secret is write-only: only the scheme word comes back.
    await eventually(() => page.getByLabel('Header 1 value').getAttribute('placeholder')).toBe('Stored (Bearer …): leave empty to keep');

    await page.getByLabel('Arguments').fill('{"order_id": "A17"}');
    await page.getByRole('button', { name: 'Run test' }).click();
    await eventually(() => page.getByTestId('tool-test-result').textContent()).toContain('HTTP 200');
    expect(await page.getByTestId('tool-test-body').textContent()).toContain('"status":"shipped"');
    expect(await page.getByTestId('tool-test-result').textContent()).toContain('"order_status":"shipped"');
    const hit = receiver.received.find((r) => r.url === '/orders/A17');
    expect(hit?.headers.authorization).toBe('Bearer very-secret-value');
    expect(await page.content()).not.toContain('very-secret-value');

    await page.goto(`/agents/${agent.id}`);
    await choose(page, 'Tools', 'lookup_order');
    await eventually(async () => (await call(s.t.app, { method: 'GET', url: `/tools/agent/${agent.id}`, token })).json().data.map((t: { name: string }) => t.name)).toEqual(['lookup_order']);
  });

  it('adds an MCP server, discovers its tools and lets an agent call only some of them', async () => {
    const page = await s.newPage();
    await signUpInBrowser(page, { org: 'MCP Org', email: uniqueEmail('mcp') });
    const token = await accessToken(page);
    const agent = await post(token, '/agents', { name: 'Calculator', system_prompt: 'You add numbers.' });

    await page.goto('/mcp-servers/new');
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Fake tools');
    await page.getByRole('textbox', { name: 'URL', exact: true }).fill(`${mcp.origin}/mcp`);
    await page.getByRole('button', { name: 'Add server' }).click();
    await page.waitForURL(/\/mcp-servers\/[0-9a-f-]{36}$/);
    expect(await shown(page.getByText('No tools known'))).toBe(true);
    await page.getByRole('button', { name: 'Discover tools' }).click();
    await eventually(() => page.getByTestId('mcp-tools').textContent()).toContain('Adds two numbers');
    expect(await page.getByTestId('mcp-tools').textContent()).toContain('echo');

    await page.goto(`/agents/${agent.id}`);
    await choose(page, 'MCP servers', 'Fake tools');
    const panel = page.getByTestId('mcp-allowed-Fake tools');
    expect(await panel.getByRole('checkbox', { name: 'All tools of this server' }).isChecked()).toBe(true);
    await panel.getByRole('checkbox', { name: 'All tools of this server' }).click();
    const allowed = async () => (await call(s.t.app, { method: 'GET', url: `/mcp-servers/agent/${agent.id}`, token })).json().data[0]?.allowed_tools;
    await eventually(allowed).toEqual(expect.arrayContaining(['add', 'echo']));
    // Remove "echo" from the allow-list with the pill's remove button.
    await panel.locator('.mantine-Pill-root', { hasText: 'echo' }).locator('button').click();
    await eventually(async () => ((await allowed()) as string[]).includes('echo')).toBe(false);
    expect(await allowed()).toContain('add');
  });

  it('adds a provider with a write-only key, tests it, and offers it on the agent page', async () => {
    const page = await s.newPage();
    await signUpInBrowser(page, { org: 'Provider Org', email: uniqueEmail('prov') });
    await page.getByRole('link', { name: 'Providers' }).click();
    expect(await shown(page.getByText('No providers yet'))).toBe(true);
    await page.getByRole('link', { name: 'New provider' }).first().click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Local model');
    await choose(page, 'Kind', 'OpenAI-compatible (Ollama, vLLM, LiteLLM…) — language model');
    await page.getByLabel('Base URL').fill(llm.urls.openai);
    await page.getByLabel('API key').fill('sk-console-test-key-abcd');
    await page.getByLabel('Default model').fill('fake-model');
    await page.getByRole('button', { name: 'Add provider' }).click();
    await page.waitForURL(/\/providers\/[0-9a-f-]{36}$/);
    await eventually(() => page.getByLabel('API key').getAttribute('placeholder')).toBe('Configured (...abcd): leave empty to keep');
    await page.getByRole('button', { name: 'Test provider' }).click();
    await eventually(() => page.getByTestId('provider-test-result').textContent()).toMatch(/^ok\d+ ms$/);
    expect(await page.content()).not.toContain('sk-console-test-key');

    // Each speech picker offers only the kinds the API accepts for that role.
    const token = await accessToken(page);
    await post(token, '/providers', { name: 'Ears', kind: 'deepgram', credentials: { api_key: 'dg-console-key' } });
    await post(token, '/providers', { name: 'Voice', kind: 'elevenlabs', credentials: { api_key: 'el-console-key' } });

    await page.goto('/agents/new');
    await page.getByLabel('Language model provider', { exact: true }).first().click();
    expect(await shown(page.getByRole('option', { name: 'Local model (openai_compatible, fake-model)' }))).toBe(true);
    await page.keyboard.press('Escape');
    const optionsOf = async (label: string) => {
      await page.getByLabel(label, { exact: true }).first().click();
      await page.getByRole('option').first().waitFor();
      const names = await page.getByRole('option').allTextContents();
      await page.keyboard.press('Escape');
      return names;
    };
    expect(await optionsOf('Speech recognition')).toEqual(['Ears (deepgram)']);
    expect(await optionsOf('Speech synthesis')).toEqual(['Voice (elevenlabs)']);
  });

  it('creates a web channel, shows the embed snippet and a live preview that answers', async () => {
    const page = await s.newPage();
    await signUpInBrowser(page, { org: 'Widget Org', email: uniqueEmail('web') });
    const token = await accessToken(page);
    await post(token, '/agents', { name: 'Shop helper', system_prompt: 'You help shoppers.', greeting: 'Hello from the shop helper.' });

    await page.getByRole('link', { name: 'Channels' }).click();
    expect(await shown(page.getByText('No channels yet'))).toBe(true);
    await page.getByRole('link', { name: 'New channel' }).first().click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Website');
    await choose(page, 'Routes to', 'Shop helper');
    await page.getByRole('combobox', { name: 'Allowed origins' }).fill('https://shop.example');
    await page.getByRole('combobox', { name: 'Allowed origins' }).press('Enter');
    await page.getByRole('button', { name: 'Create channel' }).click();
    await page.waitForURL(/\/channels\/[0-9a-f-]{36}$/);
    const channelId = page.url().split('/').pop()!;

    expect(await page.getByTestId('widget-snippet').getByTestId('copy-value').textContent()).toBe(`<script src="${s.url}/widget.js" data-session-url-endpoint="/converse-session" data-title="Website" async></script>`);
    expect(await page.content()).toContain(`/api/v1/channels/${channelId}/session-url`);
    // The preview runs on the console's origin, which the channel does not allow yet: the page says so.
    expect(await shown(page.getByText("Allow this console's origin to preview"))).toBe(true);
    await page.getByRole('button', { name: `Add ${s.url} to allowed origins` }).click();
    await page.getByRole('button', { name: 'Start preview' }).click();

    const widget = page.frameLocator('iframe[title="Widget preview"]').locator('[data-converse-widget]');
    await eventually(() => widget.locator('.msg.agent').first().textContent(), { timeout: 40_000 }).toBe('Hello from the shop helper.');
    await widget.locator('input').fill('Do you ship to Canada?');
    await widget.locator('input').press('Enter');
    await eventually(() => widget.locator('.msg.agent').count(), { timeout: 40_000 }).toBeGreaterThan(1);
    const channel = (await call(s.t.app, { method: 'GET', url: `/channels/${channelId}`, token })).json();
    expect(channel.allowed_origins).toEqual(['https://shop.example', s.url]);
    const calls = (await call(s.t.app, { method: 'GET', url: '/calls?channel=web', token })).json().data;
    expect(calls).toHaveLength(1);
  });

  it('creates a webhook endpoint, shows its secret once and lists a delivery', async () => {
    const page = await s.newPage();
    await signUpInBrowser(page, { org: 'Hooks Org', email: uniqueEmail('hooks') });
    const token = await accessToken(page);
    await page.getByRole('link', { name: 'Webhooks' }).click();
    expect(await shown(page.getByText('No webhook endpoints'))).toBe(true);
    await page.getByLabel('Endpoint URL').fill(`${receiver.origin}/hooks`);
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    expect(await shown(page.getByText('Choose at least one event'))).toBe(true);
    await page.getByRole('checkbox', { name: /^call\.started/ }).check();
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    const secret = (await page.getByTestId('copy-value').textContent())!;
    expect(secret.length).toBeGreaterThan(20);

    const agent = await post(token, '/agents', { name: 'Hook agent', system_prompt: 'Hi.' });
    await post(token, '/sessions', { agent_id: agent.id, mode: 'test' });
    await page.getByRole('link', { name: `${receiver.origin}/hooks` }).click();
    const table = page.getByTestId('deliveries');
    await eventually(() => table.textContent(), { timeout: 40_000 }).toContain('succeeded');
    expect(await table.textContent()).toContain('call.started');
    expect(await table.getByRole('cell', { name: '200', exact: true }).count()).toBe(1);
    const delivered = receiver.received.find((r) => r.url === '/hooks');
    expect(delivered?.headers['converse-signature']).toMatch(/^t=\d+,v1=[0-9a-f]+$/);
    expect(await page.content()).not.toContain(secret);

    // Edit the events (the form starts from the saved values).
    const endpointId = page.url().split('/').pop()!;
    await page.getByRole('button', { name: 'Edit endpoint' }).click();
    expect(await page.getByRole('checkbox', { name: /^call\.started/ }).isChecked()).toBe(true);
    await page.getByRole('checkbox', { name: /^call\.ended/ }).check();
    await page.getByRole('button', { name: 'Save endpoint' }).click();
    expect(await shown(page.getByText('Events: call.started, call.ended'))).toBe(true);
    expect((await call(s.t.app, { method: 'GET', url: `/webhook-endpoints/${endpointId}`, token })).json().events).toEqual(['call.started', 'call.ended']);

    // Redeliver: a second delivery of the same event reaches the receiver with the identical document.
    await page.getByRole('button', { name: 'Redeliver' }).click();
    await eventually(() => table.getByRole('cell', { name: '200', exact: true }).count(), { timeout: 40_000 }).toBeGreaterThanOrEqual(2);
    const hooks = receiver.received.filter((r) => r.url === '/hooks' && r.headers['converse-event'] === 'call.started');
    expect(hooks).toHaveLength(2);
    expect(hooks[1]!.body).toBe(hooks[0]!.body);
    expect(hooks[1]!.headers['converse-delivery']).not.toBe(hooks[0]!.headers['converse-delivery']);
  });

  it('saves the privacy settings', async () => {
    const page = await s.newPage();
    await signUpInBrowser(page, { org: 'Privacy Org', email: uniqueEmail('privacy') });
    const token = await accessToken(page);
    await page.getByRole('link', { name: 'Settings' }).click();
    const redact = page.getByRole('switch', { name: 'Redact personal data' });
    expect(await redact.isChecked()).toBe(false);
    await redact.check();
    await page.getByLabel('Keep calls for (days)').fill('30');
    await page.getByRole('button', { name: 'Save privacy settings' }).click();
    await eventually(async () => (await call(s.t.app, { method: 'GET', url: '/organization', token })).json().settings).toEqual({ redact_pii: true, retention_days: 30 });
    await page.reload();
    await page.getByRole('heading', { name: 'Privacy' }).waitFor();
    await eventually(() => page.getByRole('switch', { name: 'Redact personal data' }).isChecked()).toBe(true);
    expect(await page.getByLabel('Keep calls for (days)').inputValue()).toBe('30');

    // Keep forever again: an empty field is null.
    await page.getByLabel('Keep calls for (days)').fill('');
    await page.getByRole('button', { name: 'Save privacy settings' }).click();
    await eventually(async () => (await call(s.t.app, { method: 'GET', url: '/organization', token })).json().settings.retention_days).toBeNull();
  });

  it("another organization's tool, MCP server, provider, channel and webhook ids show not found and reveal nothing", async () => {
    const a = await s.newPage();
    await signUpInBrowser(a, { org: 'Config A', email: uniqueEmail('ca') });
    const token = await accessToken(a);
    const agent = await post(token, '/agents', { name: 'A agent', system_prompt: 'Hi.' });
    const ids = {
      tools: (await post(token, '/tools', { name: 'a_private_tool', config: { url: `${receiver.origin}/a-private` } })).id,
      'mcp-servers': (await post(token, '/mcp-servers', { name: 'A private server', url: `${mcp.origin}/mcp` })).id,
      providers: (await post(token, '/providers', { name: 'A private provider', kind: 'openai_compatible', base_url: llm.urls.openai })).id,
      channels: (await post(token, '/channels', { name: 'A private channel', type: 'web', provider: 'web', agent_id: agent.id, allowed_origins: ['https://a.example'] })).id,
      webhooks: (await post(token, '/webhook-endpoints', { url: `${receiver.origin}/a-private-hook`, events: ['call.ended'] })).id,
    };
    const b = await s.newPage();
    await signUpInBrowser(b, { org: 'Config B', email: uniqueEmail('cb') });
    for (const [path, id] of Object.entries(ids)) {
      await b.goto(`/${path}/${id}`);
      await eventually(() => b.getByRole('alert').first().textContent()).toContain('not found');
      const html = await b.content();
      for (const secret of ['a_private_tool', 'A private', 'a-private', 'a.example']) expect(html, path).not.toContain(secret);
    }
  });

  it('a viewer reads the configuration screens but cannot change anything', async () => {
    const owner = await s.newPage();
    await signUpInBrowser(owner, { org: 'Viewer Org', email: uniqueEmail('vowner') });
    const token = await accessToken(owner);
    const agent = await post(token, '/agents', { name: 'Front desk', system_prompt: 'Hi.' });
    const tool = await post(token, '/tools', { name: 'ping', config: { url: `${receiver.origin}/ping` } });
    const channel = await post(token, '/channels', { name: 'Site', type: 'web', provider: 'web', agent_id: agent.id, allowed_origins: [s.url] });
    const provider = await post(token, '/providers', { name: 'Local', kind: 'openai_compatible', base_url: llm.urls.openai });
    await post(token, '/webhook-endpoints', { url: `${receiver.origin}/v`, events: ['call.ended'] });
    const viewer = await inviteAndAccept(s.t.app, token, 'viewer');

    const page = await s.newPage();
    await signInInBrowser(page, viewer.email);

    await page.getByRole('link', { name: 'Tools', exact: true }).click();
    expect(await shown(page.getByRole('link', { name: 'ping' }))).toBe(true);
    expect(await page.getByRole('link', { name: 'New tool' }).count()).toBe(0);
    await page.goto(`/tools/${tool.id}`);
    expect(await shown(page.getByText('Read only: your role cannot change tools.'))).toBe(true);
    expect(await page.getByRole('textbox', { name: 'Name', exact: true }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Run test' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete tool' }).count()).toBe(0);

    await page.goto(`/providers/${provider.id}`);
    expect(await shown(page.getByText('Read only: your role cannot change providers.'))).toBe(true);
    expect(await page.getByRole('button', { name: 'Test provider' }).count()).toBe(0);

    await page.goto(`/channels/${channel.id}`);
    expect(await shown(page.getByText('Read only: your role cannot change channels.'))).toBe(true);
    expect(await page.getByRole('textbox', { name: 'Name', exact: true }).isDisabled()).toBe(true);
    expect(await shown(page.getByTestId('widget-snippet'))).toBe(true);
    expect(await shown(page.getByText('Your role cannot start sessions'))).toBe(true);

    await page.getByRole('link', { name: 'Webhooks' }).click();
    expect(await shown(page.getByRole('link', { name: `${receiver.origin}/v` }))).toBe(true);
    expect(await page.getByRole('button', { name: 'Create endpoint' }).count()).toBe(0);
    await page.getByRole('link', { name: `${receiver.origin}/v` }).click();
    expect(await shown(page.getByText('Events: call.ended'))).toBe(true);
    expect(await page.getByRole('button', { name: 'Edit endpoint' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete endpoint' }).count()).toBe(0);

    await page.getByRole('link', { name: 'Settings' }).click();
    expect(await page.getByRole('switch', { name: 'Redact personal data' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Save privacy settings' }).count()).toBe(0);
  });
});
