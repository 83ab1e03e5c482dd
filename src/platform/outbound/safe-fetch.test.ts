import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboundBlockedError, OutboundRequestError } from './errors.js';
import { createSafeFetch } from './safe-fetch.js';
import { canListenOnIpv6Loopback, fixedLookup, startHttpServer, type TestServer, rejectionOf } from './test-servers.js';

let server: TestServer;
let server6: TestServer | undefined;
const lookup = fixedLookup({ 'evil.test': ['127.0.0.1'], 'evil6.test': ['::1'], localhost: ['127.0.0.1'] });

beforeAll(async () => {
  server = await startHttpServer((req, res, body) => {
    if (req.url === '/json') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    if (req.url === '/not-json') return void res.writeHead(200).end('<html>secret-in-body</html>');
    if (req.url === '/latin1') return void res.writeHead(200, { 'content-type': 'text/plain; charset=iso-8859-1' }).end(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    res.writeHead(200, { 'content-type': 'text/plain', 'x-echo-method': req.method ?? '' }).end(`hello ${body}`);
  });
  if (await canListenOnIpv6Loopback()) server6 = await startHttpServer((_req, res) => res.end('hello v6'), '::1');
});
afterAll(async () => {
  await server.close();
  await server6?.close();
});

const dev = createSafeFetch({ allowPrivateNetwork: true, lookup });
const strict = createSafeFetch({ allowPrivateNetwork: false, lookup });
const blocked = (reason: string) => expect.objectContaining({ name: 'OutboundBlockedError', reason });

describe('loopback server, literal and named forms', () => {
  const forms = (port: number) => [
    `http://127.0.0.1:${port}/`,
    `http://2130706433:${port}/`,
    `http://0x7f000001:${port}/`,
    `http://0177.0.0.1:${port}/`,
    `http://127.1:${port}/`,
    `http://localhost:${port}/`,
    `http://evil.test:${port}/`,
  ];

  it('succeeds for every form when private networks are allowed', async () => {
    for (const url of forms(server.port)) {
      const res = await dev(url);
      expect(res.status, url).toBe(200);
      expect(res.text()).toBe('hello ');
    }
  });

  it('refuses every form when private networks are not allowed, without connecting', async () => {
    const before = server.connections;
    for (const url of forms(server.port)) await expect(strict(url), url).rejects.toEqual(blocked('private_address'));
    expect(server.connections).toBe(before);
  });

  it('treats localhost from the system resolver (/etc/hosts) the same way', async () => {
    const url = `http://localhost:${server.port}/`;
    expect((await createSafeFetch({ allowPrivateNetwork: true })(url)).status).toBe(200);
    await expect(createSafeFetch({ allowPrivateNetwork: false })(url)).rejects.toEqual(blocked('private_address'));
  });

  it('reaches ::ffff:127.0.0.1 only in development mode', async () => {
    const url = `http://[::ffff:127.0.0.1]:${server.port}/`;
    await expect(strict(url)).rejects.toEqual(blocked('private_address'));
    if (!server6) return; // IPv6 disabled: the mapped form cannot be connected to at all
    // Dual-stack sockets deliver the mapped form to 127.0.0.1: exactly why it must be judged as IPv4.
    expect((await dev(url)).text()).toBe('hello ');
  });

  it('reaches [::1] only in development mode', async () => {
    await expect(strict('http://[::1]:1/')).rejects.toEqual(blocked('private_address'));
    await expect(strict('http://evil6.test:1/')).rejects.toEqual(blocked('private_address'));
    if (!server6) return; // no IPv6 loopback on this machine
    expect((await dev(`http://[::1]:${server6.port}/`)).text()).toBe('hello v6');
  });
});

describe('DNS rebinding', () => {
  it('connects to the address that was checked, not to a second answer', async () => {
    // First answer passes the (test) policy; any later answer points elsewhere on loopback, where
    // nothing listens. If the socket resolved again, the request would fail or be refused.
    const answers = [['127.0.0.1'], ['127.0.0.2']];
    let calls = 0;
    const rebinding = createSafeFetch({
      allowPrivateNetwork: false,
      isAddressAllowed: (ip) => ip === '127.0.0.1',
      lookup: async () => answers[Math.min(calls++, 1)] ?? [],
    });
    const res = await rebinding(`http://rebind.test:${server.port}/`);
    expect(res.status).toBe(200);
    expect(calls).toBe(1);
    expect(server.requests.at(-1)?.headers.host).toBe(`rebind.test:${server.port}`);
  });
});

describe('private literals are refused before any connection', () => {
  it.each([
    'http://10.0.0.1/',
    'http://10.255.255.255:8080/',
    'http://172.16.0.1/',
    'http://192.168.0.1/',
    'http://127.0.0.2/',
    'http://0.0.0.0/',
    'http://0/',
    'http://100.64.0.1/',
    'http://[::]/',
    'http://[fe80::1]/',
    'http://[fd00::1]/',
    'http://[::ffff:10.0.0.1]/',
    'http://[64:ff9b::a00:1]/',
  ])('%s', async (url) => {
    await expect(strict(url)).rejects.toEqual(blocked('private_address'));
  });

  it.each(['http://169.254.169.254/latest/meta-data/', 'http://[fd00:ec2::254]/', 'http://metadata.google.internal/'])(
    '%s is refused as metadata even in development mode',
    async (url) => {
      await expect(dev(url)).rejects.toEqual(blocked('metadata_address'));
    },
  );
});

describe('requests and responses', () => {
  it('sends the method, body and headers and returns a typed response', async () => {
    const res = await dev(`${server.origin}/echo`, { method: 'post', body: 'abc', headers: { 'x-a': '1' } });
    expect(res).toMatchObject({ status: 200, ok: true, redirects: 0, url: `${server.origin}/echo` });
    expect(res.headers.get('x-echo-method')).toBe('POST');
    expect(res.body.toString()).toBe('hello abc');
    const seen = server.requests.at(-1);
    expect(seen?.headers).toMatchObject({ 'x-a': '1', 'content-length': '3', 'user-agent': expect.stringContaining('Converse') });
  });

  it('parses JSON and decodes declared charsets', async () => {
    expect((await dev(`${server.origin}/json`)).json()).toEqual({ ok: true });
    expect((await dev(`${server.origin}/latin1`)).text()).toBe('café');
  });

  it('reports invalid JSON without quoting the body', async () => {
    const res = await dev(`${server.origin}/not-json`);
    const err = (() => {
      try {
        res.json();
      } catch (e) {
        return e as OutboundRequestError;
      }
    })();
    expect(err).toMatchObject({ code: 'invalid_json' });
    expect(err?.message).not.toContain('secret');
  });

  it('moves URL credentials into Authorization and never reports them', async () => {
    const res = await dev(`http://alice:s3cr%40t@127.0.0.1:${server.port}/x`);
    expect(res.url).toBe(`${server.origin}/x`);
    expect(server.requests.at(-1)?.headers.authorization).toBe(`Basic ${Buffer.from('alice:s3cr@t').toString('base64')}`);
  });

  it('keeps credentials, paths and queries out of error messages', async () => {
    const err = await rejectionOf<OutboundBlockedError>(strict(`http://alice:hunter2@evil.test:${server.port}/p?token=abc123`, {
      headers: { authorization: 'Bearer tok-xyz' },
    }));
    expect(err.message).toBe(`Outbound request to http://evil.test:${server.port} refused: the host resolves to a private, loopback or reserved network address`);
    expect(JSON.stringify({ ...err, message: err.message })).not.toMatch(/hunter2|abc123|tok-xyz|alice/);
  });

  it('refuses a header value that is not valid without echoing it', async () => {
    const err = await rejectionOf<Error>(dev(server.origin, { headers: { authorization: 'Bearer secret\r\nx: y' } }));
    expect(err).toMatchObject({ code: 'invalid_request' });
    expect(err.message).not.toContain('secret');
  });

  it('maps a refused connection to OutboundRequestError connect_failed', async () => {
    const closed = await startHttpServer(() => {});
    await closed.close();
    await expect(dev(closed.origin)).rejects.toMatchObject({ name: 'OutboundRequestError', code: 'connect_failed', systemCode: 'ECONNREFUSED' });
  });

  it('check() validates without connecting and maps to a 422 AppError', async () => {
    const before = server.connections;
    await expect(dev.check(`http://evil.test:${server.port}/`)).resolves.toMatchObject({ addresses: [{ address: '127.0.0.1' }] });
    const err = await rejectionOf<OutboundBlockedError>(strict.check(`http://evil.test:${server.port}/`));
    expect(err.toAppError()).toMatchObject({ status: 422, code: 'unprocessable', details: [{ reason: 'private_address' }] });
    expect(server.connections).toBe(before);
  });
});
