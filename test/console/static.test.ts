import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { precompress } from '../../console/scripts/compress.js';
import { CONSOLE_CSP } from '../../src/platform/http/console.js';
import { createTestApp, openTestDb, type TestApp, type TestDb } from '../helpers/harness.js';

const BIG = `export const words = ${JSON.stringify(Array.from({ length: 2000 }, (_, i) => `word-${i % 50}`))};`;

/** The console's static handler against a fake build (no Vite needed): routing, headers, fallbacks. */
describe('console static files', () => {
  let dir: string;
  let testDb: TestDb;
  let t: TestApp;
  let missing: TestApp;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'console-dist-'));
    await mkdir(path.join(dir, 'assets'));
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>console</title><script type="module" src="/assets/index-abc123.js"></script>');
    await writeFile(path.join(dir, 'assets', 'index-abc123.js'), 'console.log("hi")');
    await writeFile(path.join(dir, 'favicon.svg'), '<svg/>');
    // A big asset as the build leaves it: precompressed copies beside it (console/scripts/compress.ts).
    await writeFile(path.join(dir, 'assets', 'big-def456.js'), BIG);
    expect(await precompress(dir)).toBe(1);
    testDb = await openTestDb();
    t = await createTestApp({ testDb, config: { consoleDir: dir } });
    missing = await createTestApp({ testDb, config: { consoleDir: path.join(dir, 'nope') } });
  });
  afterAll(async () => {
    await t?.close();
    await missing?.close();
    await testDb?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves index.html at / with the strict CSP and no-cache', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<title>console</title>');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
  });

  it('serves hashed assets as immutable with their type', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.body).toBe('console.log("hi")');
    const other = await t.app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(other.headers['content-type']).toBe('image/svg+xml');
    expect(other.headers['cache-control']).toBe('no-cache');
  });

  it('answers client-side routes with index.html (a reload of /agents/123 works)', async () => {
    for (const url of ['/agents', '/agents/00000000-0000-4000-8000-000000000000', '/calls?status=ended', '/login']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toContain('<title>console</title>');
    }
  });

  it('a missing asset is a 404, not index.html', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/assets/gone-999.js' });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('<title>');
  });

  it('never swallows API, websocket, widget, docs or operational paths', async () => {
    for (const url of ['/api/v1/nope', '/api/other', '/ws/sessions/x', '/widget/nope', '/metrics', '/health/x']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json(), url).toMatchObject({ error: { code: 'not_found' } });
    }
    // The widget's own routes answer themselves, never with the console's page.
    const widget = await t.app.inject({ method: 'GET', url: '/widget.js' });
    expect(widget.headers['content-type']).toMatch(/javascript/);
    expect(widget.body).not.toContain('<title>');
    expect((await t.app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/agents' })).statusCode).toBe(401);
  });

  it('cannot read files outside the build folder', async () => {
    for (const url of ['/../package.json', '/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json', '/..%5c..%5cpackage.json']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.body, url).not.toContain('"name": "converse"');
      expect(res.statusCode, url).toBeLessThan(500);
    }
  });

  it('sends the precompressed copy the browser accepts (br over gzip), the file itself otherwise', async () => {
    const get = (encoding?: string) => t.app.inject({ method: 'GET', url: '/assets/big-def456.js', headers: encoding === undefined ? {} : { 'accept-encoding': encoding } });
    const brotli = await get('gzip, deflate, br');
    expect(brotli.headers).toMatchObject({ 'content-encoding': 'br', vary: 'accept-encoding', 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=31536000, immutable', 'content-security-policy': CONSOLE_CSP });
    expect(brotliDecompressSync(brotli.rawPayload).toString()).toBe(BIG);
    expect(Number(brotli.headers['content-length'])).toBe(brotli.rawPayload.length);
    expect(brotli.rawPayload.length).toBeLessThan(BIG.length / 10);
    const gz = await get('gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(BIG);
    expect((await get('br;q=0, gzip')).headers['content-encoding']).toBe('gzip');
    for (const refused of [undefined, 'identity', 'br;q=0, gzip;q=0']) {
      const plain = await get(refused);
      expect(plain.headers['content-encoding'], String(refused)).toBeUndefined();
      expect(plain.body).toBe(BIG);
    }
    // Small files have no copies: sent as they are, whatever the browser accepts.
    expect((await t.app.inject({ method: 'GET', url: '/assets/index-abc123.js', headers: { 'accept-encoding': 'br' } })).headers['content-encoding']).toBeUndefined();
  });

  it('without a build, / explains how to build the console (not a 500)', async () => {
    const res = await missing.app.inject({ method: 'GET', url: '/agents' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body).toContain('npm run console:build');
  });
});
