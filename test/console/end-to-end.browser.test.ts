import { describe, expect, it } from 'vitest';
import { uniqueEmail } from '../helpers/api.js';
import { accessToken, consoleForFile, eventually, hasChromium, shown, signUpInBrowser } from '../helpers/browser.js';

const FAQ = [
  'Opening hours',
  '',
  'The clinic is open from 9 am to 6 pm on weekdays and closed on public holidays.',
  '',
  'Parking',
  '',
  'Free parking is available behind the building, entrance on Mill Street.',
].join('\n');

/**
 * The main path, in a real browser against a real server: sign up, create an agent, upload a
 * document and wait until it is ready, give it to the agent, chat in the playground and get an answer
 * from that document (converse-local answers from assigned knowledge), then find the call and its
 * transcript in the history, and the chunks in the knowledge screens.
 */
describe.skipIf(!hasChromium)('console (browser): from sign-up to an answered call', () => {
  const s = consoleForFile();

  it('sign up → agent → upload and wait for ready → assign → playground answer → call transcript', async () => {
    const page = await s.newPage();
    await signUpInBrowser(page, { org: 'Clinic', email: uniqueEmail('e2e') });

    await page.getByRole('link', { name: 'New agent' }).first().click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Clinic desk');
    await page.getByLabel('Greeting').fill('Welcome to the clinic.');
    await page.getByRole('button', { name: 'Create agent' }).click();
    await page.waitForURL(/\/agents\/[0-9a-f-]{36}$/);
    const agentUrl = page.url();

    // Knowledge: the empty state first, then an upload through the file picker; progress until ready.
    await page.getByRole('link', { name: 'Knowledge' }).click();
    expect(await shown(page.getByText('No documents yet'))).toBe(true);
    await page.locator('input[type=file]').setInputFiles([{ name: 'clinic-faq.txt', mimeType: 'text/plain', buffer: Buffer.from(FAQ) }]);
    await page.getByTestId('status-clinic-faq.txt').getByText('ready').waitFor({ timeout: 60_000 });

    // The chunk viewer and the search tester see the document.
    await page.getByRole('link', { name: 'clinic-faq.txt' }).click();
    await eventually(() => page.getByTestId('chunks').textContent()).toContain('open from 9 am to 6 pm');
    await page.getByRole('link', { name: 'Knowledge' }).click();
    await page.getByLabel('Question').fill('parking');
    await page.getByRole('button', { name: 'Search' }).click();
    await eventually(() => page.getByTestId('search-results').textContent()).toContain('Mill Street');

    // Give the document to the agent.
    await page.goto(agentUrl);
    await page.getByLabel('Knowledge documents').first().click();
    await page.getByRole('option', { name: 'clinic-faq.txt' }).click();
    expect(await shown(page.getByText('Knowledge documents updated'))).toBe(true);

    // Playground: greeting, then an answer taken from the document, with the turn's details.
    await page.getByRole('link', { name: 'Try in playground' }).click();
    await page.getByRole('button', { name: 'Start' }).click();
    await eventually(() => page.getByTestId('chat').textContent()).toContain('Welcome to the clinic.');
    await page.getByLabel('Message').fill('When is the clinic open on weekdays?');
    await page.getByRole('button', { name: 'Send' }).click();
    await eventually(() => page.getByTestId('chat').locator('[data-role=agent]').last().textContent(), { timeout: 15_000 }).toContain('9 am to 6 pm');
    await eventually(() => page.getByTestId('turn-details').textContent()).toContain('Knowledge: clinic-faq.txt');
    expect(await shown(page.getByTestId('turn-latency'))).toBe(true);

    // The call record: listed as a test call, transcript with both sides.
    await page.getByRole('link', { name: 'Calls' }).click();
    expect(await shown(page.getByText('test', { exact: true }))).toBe(true);
    await page.locator('table a').first().click();
    await eventually(() => page.getByTestId('transcript').textContent()).toContain('When is the clinic open on weekdays?');
    expect(await page.getByTestId('transcript').textContent()).toContain('9 am to 6 pm');
  });

  it('chats with a flow and shows the variable the turn set', async () => {
    const page = await s.newPage();
    await signUpInBrowser(page, { org: 'Flow Org', email: uniqueEmail('flow') });
    const flow = {
      name: 'Name taker',
      nodes: [
        { id: 'start', type: 'entry', data: {} },
        { id: 'ask', type: 'collect', data: { variable: 'name', prompt: 'What is your name?', validation: 'free_text' } },
        { id: 'bye', type: 'end_call', data: { message: 'Goodbye {{name}}.' } },
      ],
      edges: [
        { id: 'e1', source: 'start', target: 'ask' },
        { id: 'e2', source: 'ask', target: 'bye' },
      ],
    };
    const res = await s.t.app.inject({ method: 'POST', url: '/api/v1/flows', headers: { authorization: `Bearer ${await accessToken(page)}` }, payload: flow });
    expect(res.statusCode, res.body).toBe(201);

    await page.getByRole('link', { name: 'Playground' }).click();
    await page.getByText('Flow', { exact: true }).click();
    await page.getByLabel('Talk to', { exact: true }).first().click();
    await page.getByRole('option', { name: 'Name taker' }).click();
    await page.getByRole('button', { name: 'Start' }).click();
    await eventually(() => page.getByTestId('chat').textContent()).toContain('What is your name?');
    await page.getByLabel('Message').fill('Ada');
    await page.getByRole('button', { name: 'Send' }).click();
    await eventually(() => page.getByTestId('chat').textContent()).toContain('Goodbye Ada.');
    await eventually(() => page.getByTestId('turn-details').textContent()).toContain('Variable name: — → "Ada"');
    expect(await shown(page.getByText('Session ended'))).toBe(true);
  });
});
