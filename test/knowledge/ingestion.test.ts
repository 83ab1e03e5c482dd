import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSafeFetch } from '../../src/platform/outbound/index.js';
import { startHttpServer, type TestServer } from '../../src/platform/outbound/test-servers.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { call, signup } from '../helpers/api.js';
import { expectError } from '../http/support.js';
import { makeDeclaredBombDocx, makeDocx, makeEncryptedPdf, makeGarbagePdf, makePdf, makePlainZip, makeZerosBombDocx } from '../fixtures/knowledge/generate.js';
import { getDoc, pasteText, search, settle, upload } from './support.js';

const UPLOAD_LIMIT = 2 * 1024 * 1024;

describe(`knowledge ingestion through the HTTP API and the worker (${modeName})`, () => {
  let t: TestApp;
  let token: string;
  const chunkCount = (id: string) =>
    t.testDb.admin.transaction((q) => q<{ n: number }>('select count(*)::int as n from app.knowledge_chunks where document_id = $1', [id])).then((r) => r.rows[0]!.n);

  beforeAll(async () => {
    t = await createTestApp({ config: { uploadLimitBytes: UPLOAD_LIMIT } });
    token = (await signup(t.app, 'Knowledge ingest')).access_token;
  });
  afterAll(async () => t?.close());

  it('ingests a PDF in the background: 202 queued, not searchable until ready, chunks keep page and heading', async () => {
    const pdf = await makePdf([
      { heading: 'Shipping policy', paragraphs: ['Orders leave our warehouse in Leipzig within two business days.', 'Express delivery costs twelve euros.'] },
      { heading: 'Returns', paragraphs: ['Unworn shoes can be returned within sixty days using the prepaid label.'] },
    ], { title: 'Handbook' });
    const res = await upload(t.app, token, { bytes: pdf, filename: 'handbook.pdf', mime: 'application/pdf', fields: { name: 'Handbook' } });
    expect(res.statusCode, res.body).toBe(202);
    const queued = res.json();
    expect(queued).toMatchObject({ name: 'Handbook', status: 'queued', chunk_count: 0, source: 'upload', filename: 'handbook.pdf', content_type: 'pdf', error: null });
    expect((await search(t.app, token, { query: 'Leipzig warehouse' })).json().results).toEqual([]);

    const ready = await settle(t.deps, t.app, token, queued.id);
    expect(ready).toMatchObject({ status: 'ready', progress: 100, page_count: 2, error: null, language: null });
    expect(ready.chunk_count).toBeGreaterThanOrEqual(2);
    expect(ready.indexed_at).not.toBeNull();

    const chunks = (await call(t.app, { method: 'GET', url: `/knowledge/${queued.id}/chunks`, token })).json().data;
    expect(chunks.length).toBe(ready.chunk_count);
    expect(chunks.map((c: { position: number }) => c.position)).toEqual(chunks.map((_: unknown, i: number) => i));
    const returns = chunks.find((c: { text: string }) => c.text.includes('sixty days'));
    expect(returns).toMatchObject({ page: 2, heading: 'Returns' });
    expect(chunks.find((c: { text: string }) => c.text.includes('Leipzig'))).toMatchObject({ page: 1, heading: 'Shipping policy' });

    const hits = (await search(t.app, token, { query: 'How long do I have to return shoes?' })).json().results;
    expect(hits[0]).toMatchObject({ document_id: queued.id, chunk_id: returns.id });
    expect(hits[0].score).toBeGreaterThan(0);
  });

  it('ingests DOCX (headings, tables), CSV, HTML, Markdown and plain text', async () => {
    const html = `<!doctype html><html lang="en"><head><title>Widget FAQ</title></head><body>
      <nav>Home | Products | Contact</nav><main><article><h1>Widget FAQ</h1>
      <h2>Batteries</h2><p>The widget runs for forty hours on two AA batteries. Rechargeable cells work too.</p>
      <h2>Warranty</h2><p>Every widget has a three year warranty covering manufacturing defects.</p></article></main>
      <footer>Copyright</footer><script>alert("x")</script></body></html>`;
    const files = [
      { bytes: await makeDocx(), filename: 'help.docx', mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', type: 'docx', probe: 'gift cards refundable', heading: /Refunds > Exceptions/ },
      { bytes: 'city,office,phone\nBerlin,Mitte,+49 30 1234\nMadrid,Centro,+34 91 5678\n', filename: 'offices.csv', mime: 'text/csv', type: 'csv', probe: 'Madrid office phone', heading: undefined },
      { bytes: html, filename: 'faq.html', mime: 'text/html', type: 'html', probe: 'battery hours', heading: /Batteries/ },
      { bytes: '# Onboarding\n\n## Laptops\n\nNew hires receive a laptop on their first morning from the IT desk.\n', filename: 'onboarding.md', mime: 'text/markdown', type: 'markdown', probe: 'laptop first morning', heading: /Onboarding > Laptops/ },
      { bytes: 'The cafeteria opens at half past seven and closes at three.\n', filename: 'cafeteria.txt', mime: 'text/plain', type: 'txt', probe: 'cafeteria opens', heading: undefined },
    ];
    for (const f of files) {
      const res = await upload(t.app, token, f);
      expect(res.statusCode, `${f.filename}: ${res.body}`).toBe(202);
      const doc = await settle(t.deps, t.app, token, res.json().id);
      expect(doc, f.filename).toMatchObject({ status: 'ready', content_type: f.type });
      const hits = (await search(t.app, token, { query: f.probe })).json().results;
      expect(hits[0]?.document_id, `${f.filename} should answer "${f.probe}"`).toBe(doc.id);
      if (f.heading) expect(hits[0].heading).toMatch(f.heading);
    }
    const page = (await call(t.app, { method: 'GET', url: '/knowledge?limit=200', token })).json().data.find((d: { filename: string }) => d.filename === 'faq.html');
    expect(page).toMatchObject({ title: 'Widget FAQ', language: 'en' });
    const chunks = (await call(t.app, { method: 'GET', url: `/knowledge/${page.id}/chunks`, token })).json().data;
    expect(JSON.stringify(chunks)).not.toMatch(/alert|Copyright|Products \| Contact/);
  });

  it('marks broken files failed with a clear reason, and keeps serving', async () => {
    const blank = await PDFDocument.create();
    blank.addPage();
    const cases: Array<[string, Uint8Array | string, string, RegExp]> = [
      ['garbage.pdf', makeGarbagePdf(), 'application/pdf', /corrupt|damaged|could not be read|not a valid/i],
      ['locked.pdf', await makeEncryptedPdf(), 'application/pdf', /password|encrypt/i],
      ['scan.pdf', await blank.save(), 'application/pdf', /No text could be extracted/i],
      ['letter.docx', 'this is not a zip archive at all', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', /zip|Word document|not a valid/i],
      ['bomb.docx', await makeDeclaredBombDocx(), 'application/octet-stream', /large|bomb|uncompressed/i],
      ['zeros.docx', await makeZerosBombDocx(20), 'application/octet-stream', /large|bomb|compress/i],
      ['blank.txt', '   \n\n  \t \n', 'text/plain', /No text could be extracted/i],
    ];
    for (const [filename, bytes, mime, reason] of cases) {
      const res = await upload(t.app, token, { bytes, filename, mime });
      expect(res.statusCode, `${filename}: ${res.body}`).toBe(202);
      const doc = await settle(t.deps, t.app, token, res.json().id);
      expect(doc.status, filename).toBe('failed');
      expect(doc.error, filename).toMatch(reason);
      expect(doc.chunk_count).toBe(0);
      expect(await chunkCount(doc.id)).toBe(0);
    }
    const ok = await upload(t.app, token, { bytes: 'Still alive: the parking garage closes at midnight.', filename: 'after.txt', mime: 'text/plain' });
    expect((await settle(t.deps, t.app, token, ok.json().id)).status).toBe('ready');
  });

  it('refuses unsupported types (415), oversize files (413) and non-multipart bodies before storing anything', async () => {
    const before = (await call(t.app, { method: 'GET', url: '/knowledge?limit=200', token })).json().data.length;
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    expectError(await upload(t.app, token, { bytes: png, filename: 'photo.pdf', mime: 'application/pdf' }), 415);
    expectError(await upload(t.app, token, { bytes: await makePlainZip(), filename: 'archive.zip', mime: 'application/zip' }), 415);
    expectError(await upload(t.app, token, { bytes: 'MZ\u0000\u0001binary', filename: 'tool.exe', mime: 'application/x-msdownload' }), 415);
    expectError(await upload(t.app, token, { bytes: 'x'.repeat(UPLOAD_LIMIT + 1), filename: 'huge.txt', mime: 'text/plain' }), 413);
    expectError(await call(t.app, { method: 'POST', url: '/knowledge/upload', token, body: { name: 'json' } }), 415);
    expectError(await upload(t.app, token, { bytes: '', filename: 'empty.txt', mime: 'text/plain' }), 400);
    expect((await call(t.app, { method: 'GET', url: '/knowledge?limit=200', token })).json().data.length).toBe(before);
  });

  it('never lets upload metadata set the organization or an assignment', async () => {
    for (const field of ['org_id', 'organizationId', 'ORGANIZATION-ID', 'agent_id', 'assignments', 'status']) {
      const res = await upload(t.app, token, { bytes: 'hello there general kenobi', filename: 'meta.txt', mime: 'text/plain', fields: { [field]: '00000000-0000-4000-8000-000000000000' } });
      expectError(res, 400);
    }
    expectError(await upload(t.app, token, { bytes: 'hello', filename: 'x.txt', fileField: 'document' }), 400);
  });

  it('indexes pasted text at once (201), reindexes (202, old chunks searchable meanwhile) and deletes chunks with the document', async () => {
    const doc = await pasteText(t.app, token, 'Holidays.md', '# Holidays\n\n## Winter\n\nThe office is closed between Christmas and New Year.\n\n## Summer\n\nEveryone takes three weeks in August.');
    expect(doc).toMatchObject({ status: 'ready', content_type: 'markdown', source: 'text', progress: 100 });
    expect(doc.chunk_count).toBeGreaterThanOrEqual(1);

    const re = await call(t.app, { method: 'POST', url: `/knowledge/${doc.id}/reindex`, token });
    expect(re.statusCode).toBe(202);
    expect(re.json()).toMatchObject({ id: doc.id, status: 'queued', progress: 0 });
    expect((await search(t.app, token, { query: 'August weeks' })).json().results[0]?.document_id).toBe(doc.id);
    const again = await settle(t.deps, t.app, token, doc.id);
    expect(again).toMatchObject({ status: 'ready', chunk_count: doc.chunk_count });

    const del = await call(t.app, { method: 'DELETE', url: `/knowledge/${doc.id}`, token });
    expect(del.statusCode).toBe(204);
    expect(await chunkCount(doc.id)).toBe(0);
    expectError(await call(t.app, { method: 'GET', url: `/knowledge/${doc.id}`, token }), 404);
    expectError(await call(t.app, { method: 'GET', url: `/knowledge/${doc.id}/chunks`, token }), 404);
    expect((await search(t.app, token, { query: 'August weeks' })).json().results).toEqual([]);

    const audit = (await call(t.app, { method: 'GET', url: '/audit-log?limit=200', token })).json().data;
    const actions = audit.filter((e: { target_id: string }) => e.target_id === doc.id).map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['knowledge.document.created', 'knowledge.document.reindexed', 'knowledge.document.deleted']));
    expect(JSON.stringify(audit)).not.toContain('three weeks in August');
  });

  it('pages through chunks with a cursor', async () => {
    const paragraphs = Array.from({ length: 40 }, (_, i) => `Paragraph ${i} talks about topic number ${i} in enough words to make a sentence of some length here.`);
    const doc = await pasteText(t.app, token, 'long.txt', paragraphs.join('\n\n'));
    expect(doc.chunk_count).toBeGreaterThan(2);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/knowledge/${doc.id}/chunks?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const pageRes = (await call(t.app, { method: 'GET', url, token })).json();
      seen.push(...pageRes.data.map((c: { position: number }) => c.position));
      cursor = pageRes.next_cursor;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: doc.chunk_count }, (_, i) => i));
    expectError(await call(t.app, { method: 'GET', url: `/knowledge/${doc.id}/chunks?cursor=abc`, token }), 400);
  });

  it('shows documents with status and chunk_count in GET /knowledge (and filters by status)', async () => {
    const all = (await call(t.app, { method: 'GET', url: '/knowledge?limit=200', token })).json().data;
    expect(all.length).toBeGreaterThan(5);
    for (const d of all) expect(['queued', 'processing', 'ready', 'failed']).toContain(d.status);
    const failed = (await call(t.app, { method: 'GET', url: '/knowledge?status=failed&limit=200', token })).json().data;
    expect(failed.length).toBeGreaterThanOrEqual(7);
    expect(failed.every((d: { status: string; error: string | null }) => d.status === 'failed' && d.error)).toBe(true);
    const one = await getDoc(t.app, token, all[0].id);
    expect(one).toEqual(all[0]);
  });

  describe('from a URL (loopback server)', () => {
    let site: TestServer;
    let open: TestApp;
    let openToken: string;
    const article = `<!doctype html><html lang="en"><head><title>Tide tables</title></head><body><nav>Menu Login Signup</nav>
      <article><h1>Tide tables</h1><p>High tide at the harbour mouth comes fifty minutes later each day.</p>
      <p>Spring tides follow the full and new moon by about two days.</p></article><footer>Cookie banner</footer></body></html>`;
    beforeAll(async () => {
      const pdf = Buffer.from(await makePdf([{ heading: 'Ferry', paragraphs: ['The ferry to the island leaves every ninety minutes.'] }]));
      site = await startHttpServer((req, res) => {
        switch (req.url) {
          case '/article': return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(article);
          case '/moved': return void res.writeHead(301, { location: '/article' }).end();
          case '/ferry': return void res.writeHead(200, { 'content-type': 'application/pdf' }).end(pdf);
          case '/to-private': return void res.writeHead(302, { location: `http://[::1]:${site.port}/article` }).end();
          case '/big': return void res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(UPLOAD_LIMIT + 10));
          default: return void res.writeHead(404, { 'content-type': 'text/plain' }).end('no such page');
        }
      });
      open = await createTestApp({ testDb: t.testDb, config: { allowPrivateNetwork: true, uploadLimitBytes: UPLOAD_LIMIT } });
      openToken = (await signup(open.app, 'URL ingest')).access_token;
    });
    afterAll(async () => {
      await open?.close();
      await site?.close();
    });
    const ingestUrl = (app: TestApp, tok: string, url: string) => call(app.app, { method: 'POST', url: '/knowledge/ingest-url', token: tok, body: { url, name: 'web page' } });

    it('fetches (following redirects), extracts the readable article and indexes it', async () => {
      const res = await ingestUrl(open, openToken, `${site.origin}/moved`);
      expect(res.statusCode, res.body).toBe(202);
      expect(res.json()).toMatchObject({ status: 'queued', source: 'url', url: `${site.origin}/moved` });
      const doc = await settle(open.deps, open.app, openToken, res.json().id);
      expect(doc).toMatchObject({ status: 'ready', content_type: 'html', title: 'Tide tables', language: 'en' });
      expect(doc.size_bytes).toBe(Buffer.byteLength(article));
      const chunks = JSON.stringify((await call(open.app, { method: 'GET', url: `/knowledge/${doc.id}/chunks`, token: openToken })).json().data);
      expect(chunks).toContain('fifty minutes later');
      expect(chunks).not.toMatch(/Cookie banner|Signup/);
      expect((await search(open.app, openToken, { query: 'when is high tide' })).json().results[0].document_id).toBe(doc.id);

      const pdf = await settle(open.deps, open.app, openToken, (await ingestUrl(open, openToken, `${site.origin}/ferry`)).json().id);
      expect(pdf).toMatchObject({ status: 'ready', content_type: 'pdf', page_count: 1 });
    });

    it('fails the document with the reason for 404s and oversize pages', async () => {
      const missing = await settle(open.deps, open.app, openToken, (await ingestUrl(open, openToken, `${site.origin}/gone`)).json().id);
      expect(missing).toMatchObject({ status: 'failed', error: 'The page answered HTTP 404', chunk_count: 0 });
      const big = await settle(open.deps, open.app, openToken, (await ingestUrl(open, openToken, `${site.origin}/big`)).json().id);
      expect(big.status).toBe('failed');
      expect(big.error).toMatch(/exceeds the size limit/);
    });

    it('refuses private addresses with 422 when private networks are not allowed (the default)', async () => {
      const served = site.requests.length;
      for (const url of [`${site.origin}/article`, 'http://localhost/x', 'http://[::1]/x', 'http://169.254.169.254/latest/meta-data', 'http://10.0.0.8/']) {
        const err = expectError(await ingestUrl(t, token, url), 422);
        expect(err.message).toMatch(/refused/);
        expect(err.message).not.toContain('/latest');
      }
      expectError(await ingestUrl(t, token, 'ftp://example.com/file.txt'), 400);
      expectError(await ingestUrl(t, token, 'not a url'), 400);
      expect(site.requests.length, 'nothing was fetched').toBe(served);
    });

    it('re-checks every redirect hop in the job: a public page redirecting to a private address fails', async () => {
      const guarded = await createTestApp({ testDb: t.testDb, config: { uploadLimitBytes: UPLOAD_LIMIT } });
      // 127.0.0.1 plays "the public internet"; everything else keeps the real policy.
      guarded.deps.safeFetch = createSafeFetch({ allowPrivateNetwork: false, isAddressAllowed: (a) => a === '127.0.0.1' });
      try {
        const tok = (await signup(guarded.app, 'Redirect guard')).access_token;
        const res = await ingestUrl(guarded, tok, `${site.origin}/to-private`);
        expect(res.statusCode, res.body).toBe(202);
        const served = site.requests.length;
        const doc = await settle(guarded.deps, guarded.app, tok, res.json().id);
        expect(doc.status).toBe('failed');
        expect(doc.error).toMatch(/refused \(after a redirect\)/);
        expect(site.requests.slice(served).map((r) => r.url)).toEqual(['/to-private']);
      } finally {
        await guarded.close();
      }
    });
  });
});
