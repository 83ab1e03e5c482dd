import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { inviteAndAccept, uniqueEmail } from '../helpers/api.js';
import { accessToken, BROWSER_PASSWORD, consoleForFile, eventually, hasChromium, shown, signUpInBrowser } from '../helpers/browser.js';

/** Each test walks many screens: a budget for a loaded CI machine (vitest's default is 30 s). */
const BUDGET = 90_000;

/** Drags from a node's source handle to another node's target handle, as a person would with the mouse. */
async function drawEdge(page: Page, from: string, handle: string, to: string): Promise<void> {
  const source = page.getByTestId(`node-${from}`).locator(`.react-flow__handle.source[data-handleid="${handle}"]`);
  const target = page.getByTestId(`node-${to}`).locator('.react-flow__handle.target');
  const a = (await source.boundingBox())!;
  const b = (await target.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 8 });
  await page.mouse.up();
}

/** Closes the notifications (top right, over the editor's buttons) a save or delete left open. */
async function dismissNotifications(page: Page): Promise<void> {
  for (const close of await page.locator('.mantine-Notification-closeButton').all()) await close.click().catch(() => undefined);
}

describe.skipIf(!hasChromium)('console (browser): flows', () => {
  const s = consoleForFile();
  const getFlow = async (page: Page, id: string) => (await s.t.app.inject({ method: 'GET', url: `/api/v1/flows/${id}`, headers: { authorization: `Bearer ${await accessToken(page)}` } })).json();

  it('draws a three-step flow (palette, connections, forms), saves it, then shows and clears a validation error on the node it names', async () => {
    const page = await s.newPage();
    // The editor (React Flow, its stylesheet, the lazily loaded chunk) runs under the console's strict CSP.
    const refused: string[] = [];
    page.on('console', (m) => m.text().includes('Content Security Policy') && refused.push(m.text()));
    await page.setViewportSize({ width: 1400, height: 900 });
    await signUpInBrowser(page, { org: 'Flow Drawers', email: uniqueEmail('flows') });
    await page.getByRole('link', { name: 'Flows' }).click();
    expect(await shown(page.getByText('No flows yet'))).toBe(true);
    await page.getByRole('link', { name: 'New flow' }).first().click();
    await page.getByTestId('node-start').waitFor();

    // Palette → a node (selected, its form opens) → fill the form.
    await page.getByRole('button', { name: 'Add Speak node' }).click();
    await page.getByLabel('Text').fill('Welcome to the clinic.');
    await page.getByRole('button', { name: 'Add Collect node' }).click();
    await page.getByRole('textbox', { name: 'Variable' }).fill('name');
    await page.getByRole('textbox', { name: 'Prompt', exact: true }).fill('What is your name?');
    await page.getByRole('button', { name: 'Add End node' }).click();
    await page.getByLabel('Goodbye message').fill('Goodbye {{name}}!');
    expect(await page.getByTestId('node-speak').textContent()).toContain('Welcome to the clinic.');

    // Connect on the canvas: Start → speak → collect → end.
    await page.getByRole('button', { name: 'Fit View' }).click();
    await drawEdge(page, 'start', 'next', 'speak');
    await drawEdge(page, 'speak', 'next', 'collect');
    await drawEdge(page, 'collect', 'next', 'end_call');
    await eventually(() => page.locator('.react-flow__edge').count()).toBe(3);
    expect(await page.getByTestId('node-speak').textContent()).toContain('first step');

    await page.getByRole('button', { name: 'Create flow' }).click();
    await page.waitForURL(/\/flows\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop()!;
    const stored = await getFlow(page, id);
    expect(stored.nodes).toEqual([
      { id: 'start', type: 'entry', data: {} },
      { id: 'speak', type: 'speak', data: { text: 'Welcome to the clinic.' } },
      { id: 'collect', type: 'collect', data: { variable: 'name', prompt: 'What is your name?', validation: 'free_text' } },
      { id: 'end_call', type: 'end_call', data: { message: 'Goodbye {{name}}!' } },
    ]);
    expect(stored.edges.map((e: { source: string; target: string }) => `${e.source}>${e.target}`)).toEqual(['start>speak', 'speak>collect', 'collect>end_call']);

    // A speak step with nowhere to go: the API refuses it, and says so on that node.
    await dismissNotifications(page);
    await page.getByRole('button', { name: 'Add Speak node' }).click();
    await page.getByLabel('Text').fill('Lost words');
    await page.getByRole('button', { name: 'Save' }).click();
    expect(await shown(page.getByTestId('problems-speak_2'))).toBe(true);
    expect(await page.getByTestId('problems-speak_2').textContent()).toMatch(/outgoing edge|cannot be reached/);
    expect(await page.getByTestId('problems-speak').count()).toBe(0);
    expect(await page.getByTestId('flow-problems').textContent()).toContain('speak_2');
    expect((await getFlow(page, id)).version).toBe(1);

    // Fix it (connect it from the collect step's failure exit, then on to the end) and save.
    await page.getByTestId('flow-problems').getByRole('button', { name: 'speak_2' }).first().click();
    await page.getByTestId('node-panel').getByLabel('Next: goes to').click();
    await page.getByRole('option', { name: 'end_call (End)' }).click();
    await page.getByTestId('node-collect').click();
    await page.getByTestId('node-panel').getByLabel('Failed: goes to').click();
    await page.getByRole('option', { name: 'speak_2 (Speak)' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    expect(await shown(page.getByText('Flow saved'))).toBe(true);
    expect(await page.getByTestId('flow-problems').count()).toBe(0);
    const fixed = await getFlow(page, id);
    expect(fixed.version).toBe(2);
    const failure = fixed.nodes.find((n: { id: string }) => n.id === 'collect').data.failure_edge_id;
    expect(fixed.edges.find((e: { id: string }) => e.id === failure)).toMatchObject({ source: 'collect', target: 'speak_2' });

    // The playground opens with this flow.
    await page.getByRole('link', { name: 'Test in playground' }).click();
    await page.waitForURL(new RegExp(`/playground\\?flow=${id}$`));
    await page.getByRole('button', { name: 'Start' }).click();
    await eventually(() => page.getByTestId('chat').textContent()).toContain('Welcome to the clinic.');
    expect(refused).toEqual([]);
  }, BUDGET);

  it('starts from a template, exports it as JSON and imports it back (also a broken file and one with problems), guards unsaved changes, deletes', async () => {
    const page = await s.newPage();
    await page.setViewportSize({ width: 1400, height: 900 });
    await signUpInBrowser(page, { org: 'Flow Movers', email: uniqueEmail('movers') });
    await page.goto('/flows');
    await page.getByRole('button', { name: 'Start from template' }).first().click();
    await page.getByRole('menuitem', { name: /Support triage/ }).click();
    await page.getByTestId('node-triage').waitFor();
    await page.getByRole('button', { name: 'Create flow' }).click();
    await page.waitForURL(/\/flows\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop()!;
    const stored = await getFlow(page, id);
    expect(stored.nodes.find((n: { id: string }) => n.id === 'triage').data.classes.map((c: { label: string }) => c.label)).toEqual(['billing', 'technical', 'cancel']);

    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export JSON' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('support-triage.flow.json');
    const exported = JSON.parse(await readFile((await download.path())!, 'utf8'));
    expect(exported).toEqual({ name: stored.name, nodes: stored.nodes, edges: stored.edges, variables: stored.variables });

    // Round trip: the exported file, renamed, imported into the same editor and saved.
    const file = path.join(tmpdir(), `flow-${Date.now()}.json`);
    await writeFile(file, JSON.stringify({ ...exported, name: 'Support triage (copy)' }));
    const choose = async (f: string) => {
      const chooser = page.waitForEvent('filechooser');
      await page.getByRole('button', { name: 'Import JSON' }).click();
      await (await chooser).setFiles(f);
    };
    await dismissNotifications(page);
    await choose(file);
    expect(await shown(page.getByRole('heading', { name: 'Support triage (copy)' }))).toBe(true);
    expect(await page.getByTestId('import-status').textContent()).toContain('save to keep it');
    await page.getByRole('button', { name: 'Save' }).click();
    expect(await shown(page.getByText('Flow saved'))).toBe(true);
    expect(await getFlow(page, id)).toMatchObject({ ...exported, name: 'Support triage (copy)', version: 2 });

    // Not a flow: refused before anything changes.
    await dismissNotifications(page);
    await writeFile(file, '{"hello": ');
    await choose(file);
    expect(await shown(page.getByText('The file is not JSON.'))).toBe(true);

    // A flow with problems: loaded, and the problems are on their nodes before saving.
    const broken = { ...exported, edges: exported.edges.filter((e: { id: string }) => e.id !== 'e_tech_queue') };
    await writeFile(file, JSON.stringify(broken));
    await choose(file);
    expect(await shown(page.getByTestId('problems-tech_tip'))).toBe(true);
    expect(await page.getByTestId('import-status').textContent()).toContain('2 problems to fix before saving');
    expect(await page.getByTestId('problems-technical').textContent()).toContain('reached');

    // Leaving with unsaved changes asks first; staying keeps them.
    await page.getByRole('link', { name: 'Flows' }).click();
    const leave = page.getByRole('dialog', { name: 'Leave without saving?' });
    expect(await shown(leave)).toBe(true);
    await leave.getByRole('button', { name: 'Stay' }).click();
    await leave.waitFor({ state: 'hidden' });
    expect(page.url()).toContain(`/flows/${id}`);
    expect(await shown(page.getByTestId('problems-tech_tip'))).toBe(true);
    await page.getByRole('link', { name: 'Flows' }).click();
    await leave.getByRole('button', { name: 'Leave' }).click();
    await page.waitForURL(/\/flows$/);

    // Delete, after a confirmation.
    await page.getByRole('button', { name: 'Delete Support triage (copy)' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    expect(await shown(page.getByText('No flows yet'))).toBe(true);
    expect((await s.t.app.inject({ method: 'GET', url: `/api/v1/flows/${id}`, headers: { authorization: `Bearer ${await accessToken(page)}` } })).statusCode).toBe(404);
  }, BUDGET);

  it('a viewer sees flows read-only; another organization sees not found', async () => {
    const owner = await s.newPage();
    await signUpInBrowser(owner, { org: 'Flow Watchers', email: uniqueEmail('watch-owner') });
    const token = await accessToken(owner);
    const created = await s.t.app.inject({
      method: 'POST',
      url: '/api/v1/flows',
      headers: { authorization: `Bearer ${token}` },
      payload: { name: 'Greeting', nodes: [{ id: 'start', type: 'entry', data: {} }, { id: 'hello', type: 'speak', data: { text: 'Hello' } }, { id: 'bye', type: 'end_call', data: {} }], edges: [{ id: 'e1', source: 'start', target: 'hello' }, { id: 'e2', source: 'hello', target: 'bye' }] },
    });
    expect(created.statusCode).toBe(201);
    const viewerUser = await inviteAndAccept(s.t.app, token, 'viewer');

    const viewer = await s.newPage();
    await viewer.setViewportSize({ width: 1400, height: 900 });
    await viewer.goto('/login');
    await viewer.getByLabel('Email').fill(viewerUser.email);
    await viewer.getByRole('textbox', { name: 'Password' }).fill(BROWSER_PASSWORD);
    await viewer.getByRole('button', { name: 'Sign in' }).click();
    await viewer.getByRole('link', { name: 'Flows' }).click();
    expect(await shown(viewer.getByRole('link', { name: 'Greeting' }))).toBe(true);
    expect(await viewer.getByRole('link', { name: 'New flow' }).count()).toBe(0);
    expect(await viewer.getByRole('button', { name: 'Start from template' }).count()).toBe(0);
    expect(await viewer.getByRole('button', { name: /Delete/ }).count()).toBe(0);

    await viewer.getByRole('link', { name: 'Greeting' }).click();
    expect(await shown(viewer.getByText('Read only: your role cannot change flows.'))).toBe(true);
    for (const name of ['Save', 'Import JSON', 'Add Speak node']) expect(await viewer.getByRole('button', { name }).count()).toBe(0);
    expect(await shown(viewer.getByRole('button', { name: 'Export JSON' }))).toBe(true);
    await viewer.getByTestId('node-hello').click();
    expect(await viewer.getByLabel('Text').isDisabled()).toBe(true);
    expect(await viewer.getByTestId('node-panel').getByRole('button', { name: 'Delete node' }).count()).toBe(0);

    // Someone of another organization who has the flow's id sees "not found", and nothing of the flow.
    const stranger = await s.newPage();
    await signUpInBrowser(stranger, { org: 'Other Org', email: uniqueEmail('stranger') });
    await stranger.goto(`/flows/${created.json().id}`);
    await eventually(() => stranger.getByRole('alert').first().textContent()).toContain('not found');
    expect(await stranger.content()).not.toContain('Greeting');
    expect(await stranger.getByTestId('node-hello').count()).toBe(0);
  }, BUDGET);
});
