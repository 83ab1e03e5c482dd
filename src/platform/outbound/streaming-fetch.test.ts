import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStreamingFetch } from './streaming-fetch.js';
import { fixedLookup, rejectionOf, startHttpServer, type TestServer } from './test-servers.js';

let server: TestServer;
const lookup = fixedLookup({ 'evil.test': ['127.0.0.1'], 'mixed.test': ['93.184.216.34', '127.0.0.1'] });

beforeAll(async () => {
  server = await startHttpServer((req, res, body) => {
    if (req.url === '/redirect') return void res.writeHead(307, { location: 'http://169.254.169.254/latest/' }).end();
    if (req.url === '/big') return void res.writeHead(200).end('x'.repeat(50_000));
    if (req.url === '/stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: one\ndata: 1\n\n');
      return; // stays open, like an SSE stream
    }
    res.writeHead(200, { 'content-type': 'text/plain', 'x-method': req.method ?? '' }).end(`got ${body} ${req.headers['x-token'] ?? ''}`);
  });
});
afterAll(async () => server.close());

const blocked = (reason: string) => expect.objectContaining({ name: 'OutboundBlockedError', reason });

describe('createStreamingFetch', () => {
  it('sends method, headers and body; returns a web Response', async () => {
    const f = createStreamingFetch({ allowPrivateNetwork: true, lookup });
    const res = await f(`http://evil.test:${server.port}/echo`, { method: 'POST', headers: { 'x-token': 't1' }, body: '{"a":1}' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-method')).toBe('POST');
    expect(await res.text()).toBe('got {"a":1} t1');
  });

  it('refuses private addresses (literal or resolved) without connecting unless allowed', async () => {
    const f = createStreamingFetch({ allowPrivateNetwork: false, lookup });
    const before = server.connections;
    for (const url of [`http://127.0.0.1:${server.port}/`, `http://evil.test:${server.port}/`, `http://mixed.test:${server.port}/`, `http://[::ffff:127.0.0.1]:${server.port}/`]) {
      await expect(f(url), url).rejects.toEqual(blocked('private_address'));
    }
    await expect(createStreamingFetch({ allowPrivateNetwork: true, lookup })('http://169.254.169.254/')).rejects.toEqual(blocked('metadata_address'));
    await expect(f('file:///etc/passwd')).rejects.toEqual(blocked('unsupported_scheme'));
    await expect(f(`http://u:p@evil.test:${server.port}/`)).rejects.toEqual(blocked('invalid_url'));
    expect(server.connections).toBe(before);
  });

  it('returns redirects unfollowed, so the next hop is checked by the next call', async () => {
    const f = createStreamingFetch({ allowPrivateNetwork: true, lookup });
    const res = await f(`http://127.0.0.1:${server.port}/redirect`);
    expect(res.status).toBe(307);
    await expect(f(res.headers.get('location')!)).rejects.toEqual(blocked('metadata_address'));
  });

  it('cuts a body at the size limit', async () => {
    const f = createStreamingFetch({ allowPrivateNetwork: true, maxResponseBytes: 1000 });
    const res = await f(`http://127.0.0.1:${server.port}/big`);
    const err = await rejectionOf<Error>(res.text());
    expect(err.message + String((err as { cause?: Error }).cause?.message ?? '')).toMatch(/size limit|terminated|aborted/);
  });

  it('streams an open response and ends it when the signal aborts', async () => {
    const controller = new AbortController();
    const f = createStreamingFetch({ allowPrivateNetwork: true, signal: controller.signal });
    const res = await f(`http://127.0.0.1:${server.port}/stream`);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('event: one');
    controller.abort(new Error('deadline'));
    await expect(reader.read()).rejects.toBeDefined();
  });
});
