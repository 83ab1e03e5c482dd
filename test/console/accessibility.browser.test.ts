import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import appointmentBooking from '../../console/src/pages/flows/templates/appointment-booking.json' with { type: 'json' };
import { uniqueEmail } from '../helpers/api.js';
import { accessToken, hasChromium, signUpInBrowser, consoleForFile } from '../helpers/browser.js';

const AXE_SOURCE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
/** Set to write the screenshots docs/console/*.png that the README links (npm run console:screenshots). */
const SCREENSHOTS = process.env.CONVERSE_SCREENSHOTS === '1';

interface Violation { id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }

/**
 * axe-core on every main page, with data on it: no serious or critical violation. axe is evaluated
 * through the DevTools protocol, which the page's CSP does not apply to (it still blocks inline scripts).
 */
describe.skipIf(!hasChromium)('console (browser): accessibility of the main pages', () => {
  const s = consoleForFile();

  it('has no serious or critical axe violations', async () => {
    const axe = await readFile(AXE_SOURCE, 'utf8');
    const page = await s.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    const check = async (name: string, path: string, ready: string, prepare?: () => Promise<void>) => {
      await page.goto(path);
      await page.getByRole('heading', { name: ready, exact: true }).first().waitFor();
      await prepare?.();
      await page.waitForLoadState('networkidle');
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
    const session = await api('/sessions', { agent_id: agent.id, mode: 'test' });
    await api(`/sessions/${session.id}/messages`, { text: 'When is the clinic open on weekdays?' });

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
    await check('call', `/calls/${session.id}`, 'Call');
    await check('api-keys', '/api-keys', 'API keys');
    await check('team', '/team', 'Team');
    await check('audit', '/audit', 'Audit log');
    await check('settings', '/settings', 'Organization settings');
    // Fifteen pages in one test: a budget for a loaded CI machine.
  }, 120_000);
});
