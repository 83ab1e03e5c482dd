import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSafeFetch, type SafeFetch } from '../../platform/outbound/index.js';
import { startProviderSim, type ProviderSim } from '../../../test/fakes/provider-sim/index.js';
import { simAccounts, twilioCreds } from '../../../test/fakes/provider-sim/fixtures.js';
import { providerRequest, toE164 } from './http.js';
import { createTwilioClient } from './twilio.js';
import type { FetchLike } from './types.js';

// Compile-time: the platform's SSRF-guarded fetch can be passed to every client.
const _safeFetchFits = (f: SafeFetch): FetchLike => f;
void _safeFetchFits;

let sim: ProviderSim;
let redirector: ReturnType<typeof createServer>;
let redirectorUrl: string;
let redirectedAuth: string | undefined;

beforeAll(async () => {
  sim = await startProviderSim({ accounts: simAccounts });
  redirector = createServer((req, res) => {
    if (req.url === '/landing') {
      redirectedAuth = req.headers.authorization;
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    }
    res.writeHead(302, { location: '/landing' }).end();
  });
  await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r));
  redirectorUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await sim.close();
  await new Promise((r) => redirector.close(r));
});

const base = { provider: 'twilio' as const, method: 'GET' as const, secrets: ['s3cretvalue'], describeError: () => ({}) };

describe('providerRequest', () => {
  it('works through the platform safe fetch (private network allowed for the local simulator)', async () => {
    const safeFetch = createSafeFetch({ allowPrivateNetwork: true });
    const info = await createTwilioClient({ baseUrl: sim.baseUrls.twilio, fetch: safeFetch }).verifyCredentials(twilioCreds);
    expect(info.accountId).toBe(twilioCreds.account_sid);
  });

  it('does not follow redirects, so credentials never travel on', async () => {
    redirectedAuth = undefined;
    const err = await providerRequest({ ...base, fetch, url: `${redirectorUrl}/start`, auth: { bearer: 's3cretvalue' } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 302 });
    expect(redirectedAuth).toBeUndefined();
  });

  it('maps a timeout to code "timeout"', async () => {
    const hang: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason)));
    const err = await providerRequest({ ...base, fetch: hang, url: 'http://x.invalid/', auth: { bearer: 's3cretvalue' }, timeoutMs: 20 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 0, code: 'timeout', retryable: true });
  });

  it('maps an SSRF block to code "blocked_target"', async () => {
    const blocked: FetchLike = () => Promise.reject(Object.assign(new Error('blocked http://10.0.0.1 s3cretvalue'), { kind: 'blocked' }));
    const err = await providerRequest({ ...base, fetch: blocked, url: 'http://x/', auth: { bearer: 's3cretvalue' } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 0, code: 'blocked_target', retryable: false });
    expect((err as Error).message).not.toContain('s3cretvalue');
  });

  it('drops an unsafe provider error code', async () => {
    const f: FetchLike = async () => ({ status: 400, ok: false, text: () => JSON.stringify({ code: 'a b <script>' }) });
    const err = await providerRequest({ ...base, fetch: f, url: 'http://x/', auth: { bearer: 's3cretvalue' }, describeError: (b) => b as { code: unknown } }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ status: 400, code: undefined, message: 'twilio API error (HTTP 400)' });
  });
});

describe('toE164', () => {
  it('normalises and refuses numbers', () => {
    expect(toE164('twilio', ' +1 415 555 0100 ')).toBe('+14155550100');
    expect(() => toE164('twilio', '4155550100')).toThrow(/E\.164/);
    expect(() => toE164('twilio', '+1')).toThrow();
  });
});
