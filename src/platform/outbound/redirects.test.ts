import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboundBlockedError } from './errors.js';
import { createSafeFetch } from './safe-fetch.js';
import { fixedLookup, startHttpServer, type TestServer, rejectionOf } from './test-servers.js';

let a: TestServer;
let b: TestServer;

const echo = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, body: string) =>
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, body, headers: req.headers }));

beforeAll(async () => {
  b = await startHttpServer(echo);
  a = await startHttpServer((req, res, body) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const loc = url.searchParams.get('loc');
    const loop = /^\/loop\/(\d+)$/.exec(url.pathname);
    if (loc) return void res.writeHead(Number(url.searchParams.get('status') ?? 302), { location: loc }).end('moved');
    if (loop) return void res.writeHead(302, { location: `/loop/${Number(loop[1]) + 1}` }).end();
    echo(req, res, body);
  });
});
afterAll(async () => {
  await a.close();
  await b.close();
});

// Test-only policy: the loopback server at exactly 127.0.0.1 plays "the public internet"; every other
// address keeps the real verdict. Redirect targets below are refused before any connection is made.
const safeFetch = createSafeFetch({
  allowPrivateNetwork: false,
  isAddressAllowed: (ip) => ip === '127.0.0.1',
  lookup: fixedLookup({ 'friendly.test': ['127.0.0.1'], 'rebind.test': ['127.0.0.2'] }),
});
const redirectTo = (loc: string, status = 302) => `${a.origin}/r?status=${status}&loc=${encodeURIComponent(loc)}`;
const blocked = (reason: string) => expect.objectContaining({ name: 'OutboundBlockedError', reason });

describe('redirects are re-checked on every hop', () => {
  it('follows a redirect to an allowed host', async () => {
    const res = await safeFetch(redirectTo(`http://friendly.test:${b.port}/final`));
    expect(res).toMatchObject({ status: 200, redirects: 1, url: `http://friendly.test:${b.port}/final` });
  });

  it.each([
    ['http://10.0.0.1/admin', 'private_address'],
    ['http://192.168.1.1/', 'private_address'],
    ['http://2130706434/', 'private_address'], // 127.0.0.2 in decimal
    ['http://rebind.test/', 'private_address'], // a name resolving to 127.0.0.2
    ['http://[::ffff:127.0.0.1]/', 'private_address'],
    ['http://169.254.169.254/latest/meta-data/iam/', 'metadata_address'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'metadata_address'],
    ['ftp://127.0.0.1/file', 'unsupported_scheme'],
    ['file:///etc/passwd', 'unsupported_scheme'],
    ['gopher://127.0.0.1:6379/_INFO', 'unsupported_scheme'],
  ])('refuses a redirect to %s (%s)', async (location, reason) => {
    const before = a.requests.length;
    const err = await rejectionOf<OutboundBlockedError>(safeFetch(redirectTo(location, 307)));
    expect(err).toEqual(blocked(reason));
    expect(err.message).toContain('(after a redirect)');
    expect(a.requests.length).toBe(before + 1); // only the first hop arrived
  });

  it('follows a relative redirect (the hop is still checked)', async () => {
    const res = await safeFetch(redirectTo('/echo?x=1'));
    expect(res).toMatchObject({ status: 200, redirects: 1, url: `${a.origin}/echo?x=1` });
  });
});

describe('redirect limits and semantics', () => {
  it('stops after maxRedirects (default 5)', async () => {
    await expect(safeFetch(`${a.origin}/loop/0`)).rejects.toEqual(blocked('too_many_redirects'));
    await expect(safeFetch(`${a.origin}/loop/0`, { maxRedirects: 2 })).rejects.toEqual(blocked('too_many_redirects'));
    const before = a.requests.length;
    await safeFetch(`${a.origin}/loop/0`, { maxRedirects: 1 }).catch(() => undefined);
    expect(a.requests.length - before).toBe(2);
  });

  it("returns the 3xx itself with redirect: 'manual'", async () => {
    const res = await safeFetch(redirectTo('http://10.0.0.1/'), { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('http://10.0.0.1/');
  });

  it('turns POST into GET without a body on 303', async () => {
    const res = await safeFetch(redirectTo('/echo', 303), { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    const seen = res.json<{ method: string; body: string; headers: Record<string, string> }>();
    expect(seen).toMatchObject({ method: 'GET', body: '' });
    expect(seen.headers['content-type']).toBeUndefined();
  });

  it('keeps method and body on 307 and 308', async () => {
    for (const status of [307, 308]) {
      const res = await safeFetch(redirectTo('/echo', status), { method: 'PUT', body: 'payload' });
      expect(res.json()).toMatchObject({ method: 'PUT', body: 'payload' });
    }
  });

  it('drops Authorization and Cookie when the origin changes, keeps them on the same origin', async () => {
    const headers = { authorization: 'Bearer secret', cookie: 'sid=1', 'x-keep': 'yes' };
    const cross = (await safeFetch(redirectTo(`${b.origin}/echo`), { headers })).json<{ headers: Record<string, string> }>();
    expect(cross.headers).toMatchObject({ 'x-keep': 'yes' });
    expect(cross.headers.authorization).toBeUndefined();
    expect(cross.headers.cookie).toBeUndefined();
    const same = (await safeFetch(redirectTo('/echo'), { headers })).json<{ headers: Record<string, string> }>();
    expect(same.headers).toMatchObject({ authorization: 'Bearer secret', cookie: 'sid=1' });
  });
});
