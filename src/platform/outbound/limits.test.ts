import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSafeFetch } from './safe-fetch.js';
import { startHttpServer, startSilentServer, type TestServer, rejectionOf } from './test-servers.js';

let server: TestServer;
let silent: TestServer;
let endlessClosed = 0;
const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024)); // 8 MiB of zeros, ~8 KiB on the wire

beforeAll(async () => {
  silent = await startSilentServer();
  server = await startHttpServer((req, res) => {
    switch (req.url) {
      case '/hang': // headers never come
        return;
      case '/stall-body': // headers come, the body never finishes
        return void res.writeHead(200, { 'content-length': '100' }).write('partial');
      case '/declared-big':
        return void res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) }).write('x');
      case '/endless': {
        // Chunked, no content-length: only counting while streaming can stop this one.
        res.writeHead(200);
        const chunk = Buffer.alloc(64 * 1024, 0x61);
        const timer = setInterval(() => res.write(chunk), 1);
        res.on('close', () => {
          clearInterval(timer);
          endlessClosed++;
        });
        return;
      }
      case '/bomb':
        return void res.writeHead(200, { 'content-encoding': 'gzip' }).end(bomb);
      case '/gzip':
        return void res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/plain' }).end(gzipSync('compressed hello'));
      case '/bad-gzip':
        return void res.writeHead(200, { 'content-encoding': 'gzip' }).end('not gzip at all');
      default:
        res.end('ok');
    }
  });
});
afterAll(async () => {
  await server.close();
  await silent.close();
});

const safeFetch = createSafeFetch({ allowPrivateNetwork: true, defaultTimeoutMs: 5_000, maxResponseBytes: 1024 * 1024 });

describe('timeouts', () => {
  it('times out when the response head never arrives', async () => {
    const started = Date.now();
    await expect(safeFetch(`${server.origin}/hang`, { timeoutMs: 300 })).rejects.toMatchObject({
      name: 'OutboundTimeoutError', phase: 'total', timeoutMs: 300,
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('times out when the body stalls after the head', async () => {
    await expect(safeFetch(`${server.origin}/stall-body`, { timeoutMs: 300 })).rejects.toMatchObject({ name: 'OutboundTimeoutError', phase: 'total' });
  });

  it('times out connecting when a peer accepts TCP but never completes TLS', async () => {
    const url = `https://127.0.0.1:${silent.port}/`;
    const err = await rejectionOf<Error>(safeFetch(url, { connectTimeoutMs: 200, timeoutMs: 3_000 }));
    expect(err).toMatchObject({ name: 'OutboundTimeoutError', phase: 'connect', timeoutMs: 200 });
    expect(err.message).toBe(`Outbound request to https://127.0.0.1:${silent.port} timed out connecting (limit 200 ms)`);
    expect(silent.connections).toBeGreaterThan(0);
  });

  it('counts a slow DNS answer against the total timeout', async () => {
    const slowDns = createSafeFetch({ allowPrivateNetwork: true, lookup: () => new Promise(() => {}) });
    await expect(slowDns('http://slow.test/', { timeoutMs: 200 })).rejects.toMatchObject({ name: 'OutboundTimeoutError', phase: 'total' });
  });

  it("rejects with the caller's abort reason", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('caller gave up')), 100);
    await expect(safeFetch(`${server.origin}/hang`, { signal: controller.signal })).rejects.toThrow('caller gave up');
  });
});

describe('size limits', () => {
  it('refuses a response whose declared length is over the limit before reading it', async () => {
    const err = await rejectionOf<Error>(safeFetch(`${server.origin}/declared-big`));
    expect(err).toMatchObject({ name: 'OutboundTooLargeError', direction: 'response', limitBytes: 1024 * 1024 });
    expect(err.message).toContain('exceeds the size limit of 1048576 bytes');
  });

  it('aborts an endless streamed body as soon as it passes the limit', async () => {
    const before = endlessClosed;
    await expect(safeFetch(`${server.origin}/endless`, { maxResponseBytes: 200_000 })).rejects.toMatchObject({
      name: 'OutboundTooLargeError', limitBytes: 200_000,
    });
    await expect.poll(() => endlessClosed).toBe(before + 1); // the connection was cut, not drained
  });

  it('counts decoded bytes, so a gzip bomb is stopped', async () => {
    await expect(safeFetch(`${server.origin}/bomb`)).rejects.toMatchObject({ name: 'OutboundTooLargeError' });
    expect((await safeFetch(`${server.origin}/bomb`, { maxResponseBytes: 9 * 1024 * 1024 })).body.length).toBe(8 * 1024 * 1024);
  });

  it('decodes gzip and drops the now-wrong encoding headers', async () => {
    const res = await safeFetch(`${server.origin}/gzip`);
    expect(res.text()).toBe('compressed hello');
    expect(res.headers.get('content-encoding')).toBeNull();
  });

  it('reports a corrupt gzip body as a protocol error', async () => {
    await expect(safeFetch(`${server.origin}/bad-gzip`)).rejects.toMatchObject({ name: 'OutboundRequestError', code: 'protocol_error' });
  });

  it('refuses a request body over maxRequestBytes without connecting', async () => {
    const small = createSafeFetch({ allowPrivateNetwork: true, maxRequestBytes: 10 });
    const before = server.connections;
    await expect(small(server.origin, { method: 'POST', body: 'x'.repeat(11) })).rejects.toMatchObject({
      name: 'OutboundTooLargeError', direction: 'request', limitBytes: 10,
    });
    expect(server.connections).toBe(before);
    expect((await small(server.origin, { method: 'POST', body: 'x'.repeat(10) })).status).toBe(200);
  });
});
