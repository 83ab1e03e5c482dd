/**
 * The console's support screens in a browser: the escalation queue following the live stream (no
 * reload), claim / reply / release / close, a claim lost to someone else shown as such; and the call
 * view of an SMS thread (driven by signed webhooks from the provider simulator) with each message's
 * delivery status, and the latency chart.
 */
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_URL } from '../channels/support.js';
import { startProviderSim, twilioInboundMessage, type ProviderSim, type SimMessage } from '../fakes/provider-sim/index.js';
import { OUR_NUMBER, simAccounts, twilioCreds } from '../fakes/provider-sim/fixtures.js';
import { inviteAndAccept, PASSWORD, uniqueEmail } from '../helpers/api.js';
import { accessToken, eventually, hasChromium, shown, signUpInBrowser, startConsole, type ConsoleServer } from '../helpers/browser.js';
import { bookingFlow } from '../messaging/support.js';

const CALLER = '+14155550177';
/** Each test drives a server, a worker and a browser on a shared 2-core machine. */
const BUDGET = 120_000;

describe.skipIf(!hasChromium)('console (browser): escalation queue and message threads', () => {
  let s: ConsoleServer;
  let sim: ProviderSim;
  let owner: Page;
  let token = '';

  beforeAll(async () => {
    // The simulator's callbacks go to the public URL the app signs for, rewritten to the local port on
    // the way as a reverse proxy would (test/messaging/support.ts).
    let local = '';
    sim = await startProviderSim({ accounts: simAccounts, fetch: ((url: string, init: RequestInit) => fetch(url.replace(PUBLIC_URL, local), init)) as typeof fetch });
    s = await startConsole({ config: { publicUrl: PUBLIC_URL, allowPrivateNetwork: true, providerBaseUrls: sim.baseUrls } });
    local = `http://127.0.0.1:${(s.t.app.server.address() as AddressInfo).port}`;
    owner = await s.newPage();
    await signUpInBrowser(owner, { org: 'Support Desk', email: uniqueEmail('desk') });
    token = await accessToken(owner);
  });
  afterAll(async () => {
    await s?.close();
    await sim?.close();
  });

  const api = async (method: 'GET' | 'POST', url: string, payload?: object, bearer = token) => {
    const res = await s.t.app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${bearer}` }, ...(payload ? { payload } : {}) });
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
    return res.json();
  };

  it('a support agent sees a flow handoff appear live, claims it, replies to the caller, is refused a release (no agent), and closes it', async () => {
    const flow = await api('POST', '/flows', {
      name: 'Billing desk',
      nodes: [
        { id: 'start', type: 'entry', data: {} },
        { id: 'ask', type: 'collect', data: { variable: 'topic', prompt: 'What is it about?', validation: 'free_text' } },
        { id: 'h', type: 'human_handoff', data: { queue: 'billing', message: 'Connecting you to a person.', reason: 'Question about {{topic}}' } },
      ],
      variables: [{ name: 'topic' }],
      edges: [
        { id: 'e1', source: 'start', target: 'ask' },
        { id: 'e2', source: 'ask', target: 'h' },
      ],
    });
    const agentUser = await inviteAndAccept(s.t.app, token, 'support_agent');
    const page = await s.newPage();
    await page.goto('/login?next=/escalations');
    await page.getByLabel('Email').fill(agentUser.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Escalations', exact: true }).waitFor();
    expect(await shown(page.getByTestId('stream-status').getByText('Live'))).toBe(true);
    expect(await shown(page.getByText('No waiting escalations'))).toBe(true);

    // The caller's answer reaches the handoff node: the row appears without a reload.
    const session = await api('POST', '/sessions', { flow_id: flow.id, mode: 'live' });
    const turn = await api('POST', `/sessions/${session.id}/messages`, { text: 'my invoice' });
    expect(turn.status).toBe('escalated');
    const queue = page.getByTestId('queue-waiting');
    expect(await shown(queue.getByText('Question about my invoice'))).toBe(true);
    expect(await queue.getByText('billing').count()).toBe(1);

    await queue.getByRole('link').first().click();
    await page.getByRole('heading', { name: 'Escalation', exact: true }).waitFor();
    expect(await shown(page.getByTestId('transcript').getByText('my invoice'))).toBe(true);
    await page.getByRole('button', { name: 'Claim' }).click();
    await eventually(() => page.getByTestId('escalation-status').textContent()).toBe('claimed');
    expect(await page.getByTestId('claimed-by').textContent()).toContain('you');

    await page.getByLabel('Reply to the caller').fill('Hello, this is Sam from billing.');
    await page.getByRole('button', { name: 'Send' }).click();
    await eventually(async () => (await api('GET', `/sessions/${session.id}`)).messages.filter((m: { role: string }) => m.role === 'human').map((m: { text: string }) => m.text)).toEqual(['Hello, this is Sam from billing.']);
    expect(await shown(page.getByTestId('transcript').getByText('Hello, this is Sam from billing.'))).toBe(true);

    // The caller writes again: it arrives through the stream, no reload.
    await api('POST', `/sessions/${session.id}/messages`, { text: 'Thanks Sam, it is invoice 42.' });
    expect(await shown(page.getByTestId('transcript').getByText('Thanks Sam, it is invoice 42.'))).toBe(true);

    // A flow's handoff node has no agent to go back to: the API's 409 is shown, nothing changes.
    await page.getByRole('button', { name: 'Release to agent' }).click();
    expect(await shown(page.getByRole('alert').getByText('no agent to go back to'))).toBe(true);
    expect(await page.getByTestId('escalation-status').textContent()).toBe('claimed');

    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).click();
    await eventually(() => page.getByTestId('escalation-status').textContent()).toBe('closed');
    expect(await api('GET', `/calls/${session.id}`)).toMatchObject({ status: 'ended', ended_reason: 'closed_by_support', outcome: 'escalated' });
    await page.goto('/escalations?status=closed');
    expect(await shown(page.getByTestId('queue-closed').getByText('Question about my invoice'))).toBe(true);
  }, BUDGET);

  it('a claim someone else won in the meantime shows who holds it; an owner releases it back to the agent', async () => {
    const agent = await api('POST', '/agents', { name: 'Helper', tools_builtin: ['human_handoff'] });
    const key = await api('POST', '/api-keys', { name: 'Night desk', role: 'support_agent' });
    const session = await api('POST', '/sessions', { agent_id: agent.id, mode: 'live' });
    expect((await api('POST', `/sessions/${session.id}/messages`, { text: 'I want to talk to a human' })).status).toBe('escalated');
    const [esc] = (await api('GET', `/escalations?call_id=${session.id}`)).data;

    // This page does not hear the stream, so it still shows the escalation as waiting when it loses the race.
    await owner.route('**/api/v1/escalations/stream', (route) => route.abort());
    await owner.goto(`/escalations/${esc.id}`);
    await eventually(() => owner.getByTestId('escalation-status').textContent()).toBe('waiting');
    expect(await shown(owner.getByTestId('stream-status').getByText('Reconnecting…'))).toBe(true);
    await api('POST', `/escalations/${esc.id}/claim`, undefined, key.key);
    await owner.getByRole('button', { name: 'Claim' }).click();
    expect(await shown(owner.getByTestId('claim-conflict').getByText('Already claimed by API key “Night desk”'))).toBe(true);
    expect(await owner.getByTestId('escalation-status').textContent()).toBe('claimed');
    // The stream comes back by itself (backoff from 1 s) once the network lets it through.
    await owner.unroute('**/api/v1/escalations/stream');
    await eventually(() => owner.getByTestId('stream-status').textContent(), { timeout: 30_000 }).toBe('Live');

    // Owners supervise: they may release an escalation another holds; the agent answers the caller again.
    await owner.getByRole('button', { name: 'Release to agent' }).click();
    await eventually(() => owner.getByTestId('escalation-status').textContent()).toBe('closed');
    expect(await api('GET', `/escalations/${esc.id}`)).toMatchObject({ status: 'closed', closed_reason: 'released' });
    expect((await api('GET', `/calls/${session.id}`)).status).toBe('active');
  }, BUDGET);

  it('the call view shows an SMS thread with each message’s delivery status, and the latency chart', async () => {
    const flow = await api('POST', '/flows', bookingFlow);
    const channel = await api('POST', '/channels', { name: 'SMS', type: 'sms', provider: 'twilio', credentials: twilioCreds, phone_number: OUR_NUMBER, flow_id: flow.id });
    const r = await sim.sendTwilioCallback(channel.webhook_url, twilioInboundMessage({ accountSid: twilioCreds.account_sid, from: CALLER, to: OUR_NUMBER, body: 'Ada' }), twilioCreds.auth_token);
    expect(r.status, r.body).toBe(200);
    const sent = () => sim.messages.filter((m) => m.to === CALLER);
    // The inbound job runs on the worker's poll: patient under a loaded machine.
    await eventually(() => sent().length, { timeout: 45_000 }).toBe(3);
    const [first, second, third] = sent() as [SimMessage, SimMessage, SimMessage];
    expect((await sim.sendMessageStatus(first, 'delivered')).status).toBe(200);
    expect((await sim.sendMessageStatus(second, 'read')).status).toBe(200);
    expect((await sim.sendMessageStatus(third, 'undelivered', { errorCode: '30003' })).status).toBe(200);
    const [thread] = (await api('GET', `/calls?phone=${encodeURIComponent(CALLER)}`)).data;

    await owner.goto(`/calls/${thread.id}`);
    await owner.getByRole('heading', { name: 'Call', exact: true }).waitFor();
    expect(await owner.getByTestId('call-channel').textContent()).toBe('sms · inbound');
    const view = owner.getByTestId('thread');
    expect(await shown(view.getByText(`SMS thread with ${CALLER} on ${OUR_NUMBER}`))).toBe(true);
    const bubbles = view.getByTestId('thread-message');
    await eventually(() => bubbles.count()).toBe(4);
    const received = bubbles.filter({ hasText: 'Received' });
    expect(await received.count()).toBe(1);
    expect(await received.textContent()).toContain(`Received · SMS · from ${CALLER}`);
    expect(await received.textContent()).toContain('Ada');
    const statuses = await view.getByTestId('delivery-status').allTextContents();
    expect(statuses.sort()).toEqual(['delivered', 'read', 'undelivered']);
    const failed = bubbles.filter({ hasText: 'undelivered' });
    expect(await failed.textContent()).toContain('twilio error 30003');
    expect(await failed.textContent()).toContain(third.text);

    // Latency: one row per measured turn, and the chart drawn on its canvas.
    const rows = owner.getByTestId('latency-table').locator('tbody tr');
    await eventually(() => rows.count()).toBeGreaterThan(0);
    const chart = owner.getByTestId('latency-chart');
    expect(await shown(chart.locator('canvas'))).toBe(true);
    expect(await chart.getAttribute('aria-label')).toMatch(/^Latency per turn, \d+ turns$/);
    expect((await chart.locator('canvas').boundingBox())!.width).toBeGreaterThan(200);
    if (process.env.CONVERSE_SCREENSHOTS === '1') {
      await owner.setViewportSize({ width: 1280, height: 900 });
      await owner.waitForLoadState('networkidle');
      await owner.screenshot({ path: 'docs/console/sms-thread.png', fullPage: true });
    }
  }, BUDGET);
});
