import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import appointmentBooking from '../../console/src/pages/flows/templates/appointment-booking.json' with { type: 'json' };
import { OUR_NUMBER, simAccounts, twilioCreds } from '../fakes/provider-sim/fixtures.js';
import { startProviderSim } from '../fakes/provider-sim/index.js';
import { uniqueEmail } from '../helpers/api.js';
import { accessToken, hasChromium, signUpInBrowser, consoleForFile } from '../helpers/browser.js';

const AXE_SOURCE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
/** Set to write the screenshots docs/console/*.png that the README links (npm run console:screenshots). */
const SCREENSHOTS = process.env.CONVERSE_SCREENSHOTS === '1';

// The campaign screens need a voice channel, whose credentials are checked with the provider (simulated).
const sim = await startProviderSim({ accounts: simAccounts });

interface Violation { id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }

/**
 * axe-core on every main page, with data on it: no serious or critical violation. axe is evaluated
 * through the DevTools protocol, which the page's CSP does not apply to (it still blocks inline scripts).
 */
describe.skipIf(!hasChromium)('console (browser): accessibility of the main pages', () => {
  // The configuration screens' tools, MCP server and webhook endpoint point at 127.0.0.1.
  const s = consoleForFile({ config: { allowPrivateNetwork: true, providerBaseUrls: sim.baseUrls } });
  afterAll(() => sim.close());

  it('has no serious or critical axe violations', { timeout: 240_000 }, async () => {
    const axe = await readFile(AXE_SOURCE, 'utf8');
    const page = await s.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    // `live`: the page holds the escalation stream open, so the network never goes idle; its prepare step waits for the content instead.
    const check = async (name: string, path: string, ready: string, prepare?: () => Promise<void>, live = false) => {
      await page.goto(path);
      await page.getByRole('heading', { name: ready, exact: true }).first().waitFor();
      await prepare?.();
      if (!live) await page.waitForLoadState('networkidle');
      if (SCREENSHOTS) await page.screenshot({ path: `docs/console/${name}.png` });
      await page.evaluate(axe);
      const violations = await page.evaluate<Violation[]>("axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)");
      const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.help}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
      expect(serious, `${path}`).toEqual([]);
    };
    if (SCREENSHOTS) await mkdir('docs/console', { recursive: true });

    await check('signup', '/signup', 'Create your organization');
    await check('login', '/login', 'Sign in to Converse');
    await signUpInBrowser(page, { org: 'Accessible Clinic', email: uniqueEmail('a11y') });
    const token = await accessToken(page);
    const api = async (url: string, payload: object) => (await s.t.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: { authorization: `Bearer ${token}` }, payload })).json();
    const agent = await api('/agents', { name: 'Front desk', system_prompt: 'You answer questions about the clinic.', greeting: 'Welcome to the clinic.' });
    const doc = await api('/knowledge/ingest-text', { name: 'Opening hours', content: 'The clinic is open from 9 am to 6 pm on weekdays.' });
    await s.t.app.inject({ method: 'POST', url: `/api/v1/knowledge/agent/${agent.id}/assign/${doc.id}`, headers: { authorization: `Bearer ${token}` } });
    // Subscribed before the session starts: its call.started delivery (to a closed port) is listed.
    const endpoint = await api('/webhook-endpoints', { url: 'http://127.0.0.1:9/converse-events', events: ['call.started', 'call.ended'], description: 'CRM sync' });
    const session = await api('/sessions', { agent_id: agent.id, mode: 'test' });
    await api(`/sessions/${session.id}/messages`, { text: 'When is the clinic open on weekdays?' });
    // An escalation waiting in the queue: the offline responder hands off when the caller asks for a person.
    const desk = await api('/agents', { name: 'Desk', tools_builtin: ['human_handoff'] });
    const handedOff = await api('/sessions', { agent_id: desk.id, mode: 'live' });
    await api(`/sessions/${handedOff.id}/messages`, { text: 'I would like to speak to a person about my bill' });
    const escalation = (await (await s.t.app.inject({ method: 'GET', url: `/api/v1/escalations?call_id=${handedOff.id}`, headers: { authorization: `Bearer ${token}` } })).json()).data[0];
    expect(escalation).toMatchObject({ status: 'waiting' });

    const flow = await api('/flows', appointmentBooking);

    await check('agents', '/agents', 'Agents');
    await check('agent', `/agents/${agent.id}`, 'Front desk');
    await check('flows', '/flows', 'Flows');
    await check('flow', `/flows/${flow.id}`, 'Appointment booking', async () => {
      await page.getByTestId('node-ask_time').click();
      await page.getByTestId('node-panel').waitFor();
    });
    await check('knowledge', '/knowledge', 'Knowledge');
    await check('document', `/knowledge/${doc.id}`, 'Opening hours');
    await check('playground', `/playground?agent=${agent.id}`, 'Playground', async () => {
      await page.getByRole('button', { name: 'Start' }).click();
      await page.getByLabel('Message').fill('When is the clinic open on weekdays?');
      await page.getByRole('button', { name: 'Send' }).click();
      await page.getByTestId('turn-details').getByText('Turn 1').waitFor();
    });
    await check('calls', '/calls', 'Calls');
    await check('call', `/calls/${session.id}`, 'Call', async () => {
      await page.getByTestId('latency-chart').locator('canvas').waitFor();
    });
    await check('escalations', '/escalations', 'Escalations', async () => {
      await page.getByTestId('stream-status').getByText('Live').waitFor();
      await page.getByTestId('queue-waiting').getByText('caller asked for a person').waitFor();
    }, true);
    await check('escalation', `/escalations/${escalation.id}`, 'Escalation', async () => {
      await page.getByTestId('transcript').getByText('about my bill').waitFor();
      await page.getByTestId('stream-status').getByText('Live').waitFor();
    }, true);
    await check('api-keys', '/api-keys', 'API keys');
    await check('team', '/team', 'Team');
    await check('audit', '/audit', 'Audit log');
    await check('settings', '/settings', 'Organization settings');

    const tool = await api('/tools', {
      name: 'book_appointment',
      description: 'Books an appointment at the clinic',
      parameters: { type: 'object', properties: { day: { type: 'string' } }, required: ['day'] },
      config: { url: 'http://127.0.0.1:9/appointments', headers: { Authorization: { secret: true, value: 'Bearer clinic-key' } } },
    });
    const server = await api('/mcp-servers', { name: 'Clinic calendar', url: 'http://127.0.0.1:9/mcp' });
    const provider = await api('/providers', { name: 'Local Llama', kind: 'openai_compatible', base_url: 'http://127.0.0.1:11434/v1', default_model: 'llama3.2' });
    const channel = await api('/channels', { name: 'Clinic website', type: 'web', provider: 'web', agent_id: agent.id, allowed_origins: ['https://clinic.example', s.url] });
    await check('tools', '/tools', 'Tools');
    await check('tool', `/tools/${tool.id}`, 'book_appointment');
    await check('mcp-server', `/mcp-servers/${server.id}`, 'Clinic calendar');
    await check('providers', '/providers', 'Providers');
    await check('provider', `/providers/${provider.id}`, 'Local Llama');
    await check('channels', '/channels', 'Channels');
    await check('channel', `/channels/${channel.id}`, 'Clinic website');
    await check('webhooks', '/webhooks', 'Webhooks');
    await check('webhook', `/webhooks/${endpoint.id}`, 'Webhook endpoint', () => page.getByTestId('deliveries').waitFor());

    const line = await api('/channels', { name: 'Clinic line', type: 'voice', provider: 'twilio', credentials: twilioCreds, phone_number: OUR_NUMBER, agent_id: agent.id });
    const campaign = await api('/campaigns', { name: 'Check-up reminders', agent_id: agent.id, channel_id: line.id, timezone: 'Europe/London' });
    await api(`/campaigns/${campaign.id}/contacts`, [{ phone: '+447911123456', name: 'Ada' }, { phone: '+447911123457', name: 'Ben' }]);
    await api('/dnc', { phone: '+447911123999' });
    await check('campaigns', '/campaigns', 'Campaigns');
    await check('campaign-new', '/campaigns/new', 'New campaign');
    await check('campaign', `/campaigns/${campaign.id}`, 'Check-up reminders', async () => {
      await page.getByTestId('stream-status').getByText('Live').waitFor();
      await page.getByTestId('progress-chart').locator('canvas').waitFor();
      await page.getByRole('table', { name: 'Contacts' }).getByText('Ada').waitFor();
    }, true);
    await check('campaign-settings', `/campaigns/${campaign.id}/edit`, 'Settings: Check-up reminders');
    await check('dnc', '/dnc', 'Do-not-call list');
  });
});
