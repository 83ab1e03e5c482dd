import { describe, expect, it } from 'vitest';
import { uniqueEmail } from '../helpers/api.js';
import { consoleForFile, eventually, hasChromium, signUpInBrowser } from '../helpers/browser.js';

describe.skipIf(!hasChromium)('console (browser): knowledge', () => {
  const s = consoleForFile();

  it('takes several dropped files, shows each one ready or failed with the reason, and pasted text', async () => {
    const page = await s.newPage();
    await signUpInBrowser(page, { org: 'Docs Org', email: uniqueEmail('docs') });
    await page.getByRole('link', { name: 'Knowledge' }).click();

    // A real drop event carrying three files: a text file, a PDF that cannot be parsed, and an empty file.
    const files = [
      { name: 'returns.md', type: 'text/markdown', text: '# Returns\n\nItems can be returned within 30 days with the receipt.' },
      { name: 'broken.pdf', type: 'application/pdf', text: '%PDF-1.7\nthis is not really a PDF document at all' },
      { name: 'empty.txt', type: 'text/plain', text: '' },
    ];
    await page.getByTestId('dropzone').evaluate(
      (zone, list) => {
        // Browser globals the Node-side type check does not know.
        const w = globalThis as unknown as { DataTransfer: new () => { items: { add(f: File): void } }; DragEvent: new (type: string, init: object) => Event };
        const dt = new w.DataTransfer();
        for (const f of list) dt.items.add(new File([f.text], f.name, { type: f.type }));
        zone.dispatchEvent(new w.DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      },
      files,
    );
    await page.getByTestId('status-returns.md').getByText('ready').waitFor({ timeout: 60_000 });

    // Each file that did not make it says why, with the API's words: refused at upload or failed in ingestion.
    const reasonFor = async (name: string) => {
      const refused = page.getByRole('alert').filter({ hasText: `${name} was not accepted` });
      const failed = page.getByTestId(`status-${name}`).filter({ hasText: 'failed' });
      await refused.or(failed).first().waitFor({ timeout: 60_000 });
      return (await refused.count()) > 0 ? refused.textContent() : failed.textContent();
    };
    expect(await reasonFor('broken.pdf')).toContain('not a valid PDF'); // accepted, then failed in ingestion
    expect(await reasonFor('empty.txt')).toContain('The file is empty'); // refused at upload

    await page.getByRole('tab', { name: 'Paste text' }).click();
    await page.getByLabel('Document name').fill('Shipping');
    await page.getByLabel('Content').fill('We ship to every country in Europe within five working days.');
    await page.getByRole('button', { name: 'Add text' }).click();
    await page.getByTestId('status-Shipping').getByText('ready').waitFor({ timeout: 60_000 });

    // The search tester in voice mode finds the pasted text.
    await page.getByLabel('Question').fill('ship Europe');
    await page.getByLabel('Voice mode').check();
    await page.getByRole('button', { name: 'Search' }).click();
    await eventually(() => page.getByTestId('search-results').textContent()).toContain('five working days');
  });
});
