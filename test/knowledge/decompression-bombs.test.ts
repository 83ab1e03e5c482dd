import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GiB, makeFlateBombPdf, makeLyingBombDocx, MiB } from '../fixtures/knowledge/bombs.js';
import { makeDocx, makePdf } from '../fixtures/knowledge/generate.js';
import { signup } from '../helpers/api.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { settle, upload } from './support.js';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/**
 * Issue 12: a ~1 MB upload that inflates to 1 GiB used to grow the process that ingests it (the API
 * process in embedded mode) by 1 GiB and, for a PDF, even end `ready`. Now it ends `failed` with the
 * reason, this process stays within a small memory budget, and the next document ingests normally.
 */
describe(`decompression bombs through upload and the ingestion worker (${modeName})`, () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await createTestApp({ config: { uploadLimitBytes: 4 * MiB } });
    token = (await signup(t.app, 'Bomb squad')).access_token;
  });
  afterAll(async () => t?.close());

  it('a DOCX and a PDF that inflate to 1 GiB end failed with the reason; memory stays bounded; normal documents follow', async () => {
    const bombs = [
      { filename: 'lying.docx', bytes: await makeLyingBombDocx(GiB), mime: DOCX, reason: /^The Word document decompresses beyond the limit: "word\/document\.xml" expands to more than 64 MB/ },
      { filename: 'stream.pdf', bytes: await makeFlateBombPdf(GiB), mime: 'application/pdf', reason: /^The PDF decompresses beyond the limit: stream \d+ \(at byte \d+\) expands to more than 64 MB/ },
    ];
    const base = process.memoryUsage.rss();
    let peak = base;
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 10);
    try {
      for (const bomb of bombs) {
        expect(bomb.bytes.length).toBeLessThan(2 * MiB);
        const res = await upload(t.app, token, bomb);
        expect(res.statusCode, res.body).toBe(202);
        const doc = await settle(t.deps, t.app, token, res.json().id);
        expect(doc, bomb.filename).toMatchObject({ status: 'failed', chunk_count: 0 });
        expect(doc.error).toMatch(bomb.reason);
      }
    } finally {
      clearInterval(sampler);
    }
    expect(peak - base).toBeLessThan(200 * MiB);

    const normal = [
      { filename: 'after.docx', bytes: await makeDocx(), mime: DOCX },
      { filename: 'after.pdf', bytes: await makePdf([{ heading: 'After the bombs', paragraphs: ['Ingestion still works for everyone.'] }]), mime: 'application/pdf' },
    ];
    for (const file of normal) {
      const res = await upload(t.app, token, file);
      const doc = await settle(t.deps, t.app, token, res.json().id);
      expect(doc, file.filename).toMatchObject({ status: 'ready', error: null });
      expect(doc.chunk_count).toBeGreaterThan(0);
    }
  });
});
