import { randomInt, randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { scopeOf } from '../../src/platform/auth/principal.js';
import { withOrg } from '../../src/platform/db/with-org.js';
import { route } from '../../src/platform/http/route.js';
import { createLogger } from '../../src/platform/log/logger.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { call, uniqueEmail, type Call } from '../helpers/api.js';

/**
 * Log canaries (ISOLATION.md "How it is proven" #6): every secret is a unique string; after a run through
 * success and error paths, none may appear in the logs, and each may appear only in the one response
 * that issued it.
 */
describe(`log canaries (${modeName})`, () => {
  let t: TestApp;
  const logLines: string[] = [];
  const responses: Array<{ label: string; text: string }> = [];
  /** secret → label of the response allowed to contain it (null: no response may). */
  const secrets = new Map<string, string | null>();

  const canary = (tag: string) => `${tag}-CANARY-${randomUUID()}`;
  function secret(value: string, issuedBy: string | null): string {
    secrets.set(value, issuedBy);
    // A JWT's signature alone is as good as the token for a log reader: track it too.
    if (/^eyJ[^.]+\.[^.]+\.[^.]+$/.test(value)) secrets.set(value.split('.')[2]!, issuedBy);
    return value;
  }

  async function send(label: string, c: Call, app: FastifyInstance = t.app): Promise<LightMyRequestResponse & { json<T = any>(): T }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const res = await call(app, c);
    responses.push({ label, text: `${res.statusCode}\n${JSON.stringify(res.headers)}\n${res.body}` });
    return res;
  }

  beforeAll(async () => {
    const stream = { write: (chunk: string) => void logLines.push(chunk) };
    t = await createTestApp({ log: createLogger('trace', stream) });
  });
  afterAll(async () => t?.close());

  it('secrets appear only in the response that issues them, never in logs, on success and error paths', async () => {
    const email = uniqueEmail('canary');
    const password = secret(canary('password'), null);

    // Signup, and a signup that fails validation with a secret-looking password.
    const signup = await send('signup', { method: 'POST', url: '/auth/signup', body: { email, password, name: 'Canary', organization_name: 'Canary Org' } });
    expect(signup.statusCode, signup.body).toBe(201);
    const at1 = secret(signup.json().access_token, 'signup');
    const rt1 = secret(signup.json().refresh_token, 'signup');
    const tooLong = secret(`${canary('long-password')}${'x'.repeat(300)}`, null);
    expect((await send('bad signup', { method: 'POST', url: '/auth/signup', body: { email: 'not-an-email', password: tooLong, name: 'X', organization_name: 'X' } })).statusCode).toBe(400);
    expect((await send('dup signup', { method: 'POST', url: '/auth/signup', body: { email, password: secret(canary('dup-password'), null), name: 'X', organization_name: 'X' } })).statusCode).toBe(409);

    // Logins: wrong password, unknown email, success.
    expect((await send('bad login', { method: 'POST', url: '/auth/login', body: { email, password: secret(canary('wrong-password'), null) } })).statusCode).toBe(401);
    expect((await send('unknown login', { method: 'POST', url: '/auth/login', body: { email: uniqueEmail('ghost'), password: secret(canary('ghost-password'), null) } })).statusCode).toBe(401);
    const login = await send('login', { method: 'POST', url: '/auth/login', body: { email, password } });
    expect(login.statusCode).toBe(200);
    const at2 = secret(login.json().access_token, 'login');
    const rt2 = secret(login.json().refresh_token, 'login');

    // Refresh: success, reuse (revokes the family), garbage; logout.
    const refreshed = await send('refresh', { method: 'POST', url: '/auth/refresh', body: { refresh_token: rt2 } });
    expect(refreshed.statusCode).toBe(200);
    secret(refreshed.json().access_token, 'refresh');
    secret(refreshed.json().refresh_token, 'refresh');
    expect((await send('reused refresh', { method: 'POST', url: '/auth/refresh', body: { refresh_token: rt2 } })).statusCode).toBe(401);
    expect((await send('garbage refresh', { method: 'POST', url: '/auth/refresh', body: { refresh_token: secret(`cvr_${canary('refresh')}`, null) } })).statusCode).toBe(401);
    expect((await send('logout', { method: 'POST', url: '/auth/logout', body: { refresh_token: rt1 } })).statusCode).toBe(204);
    expect((await send('me after logout', { method: 'GET', url: '/me', token: at1 })).statusCode).toBe(401);
    expect((await send('me revoked', { method: 'GET', url: '/me', token: at2 })).statusCode).toBe(401);

    // A fresh session to keep working with.
    const again = await send('login 2', { method: 'POST', url: '/auth/login', body: { email, password } });
    const at = secret(again.json().access_token, 'login 2');
    secret(again.json().refresh_token, 'login 2');

    // API keys: create, use, list, a wrong key, revoke.
    const created = await send('create key', { method: 'POST', url: '/api-keys', token: at, body: { name: 'canary', role: 'admin' } });
    expect(created.statusCode).toBe(201);
    const key = secret(created.json().key, 'create key');
    secrets.set(key.slice(created.json().prefix.length), 'create key');
    expect((await send('use key', { method: 'GET', url: '/me', token: key })).statusCode).toBe(200);
    expect((await send('list keys', { method: 'GET', url: '/api-keys', token: at })).statusCode).toBe(200);
    expect((await send('wrong key', { method: 'GET', url: '/me', token: secret(`cv_${canary('key')}`, null) })).statusCode).toBe(401);
    expect((await send('garbage bearer', { method: 'GET', url: '/me', token: secret(canary('bearer'), null) })).statusCode).toBe(401);
    expect((await send('tampered bearer', { method: 'GET', url: '/me', token: `${at}x` })).statusCode).toBe(401);

    // Invites: create, list, accept (new account), accept again, bogus token, wrong password for an existing account.
    const inv = await send('create invite', { method: 'POST', url: '/team/invites', token: key, body: { email: uniqueEmail('invitee'), role: 'member' } });
    expect(inv.statusCode).toBe(201);
    const inviteToken = secret(inv.json().token, 'create invite');
    expect((await send('list invites', { method: 'GET', url: '/team/invites', token: at })).statusCode).toBe(200);
    const accepted = await send('accept', { method: 'POST', url: '/auth/accept-invite', body: { token: inviteToken, name: 'Invitee', password: secret(canary('invitee-password'), null) } });
    expect(accepted.statusCode).toBe(200);
    secret(accepted.json().access_token, 'accept');
    secret(accepted.json().refresh_token, 'accept');
    expect((await send('accept again', { method: 'POST', url: '/auth/accept-invite', body: { token: inviteToken, name: 'Invitee', password: secret(canary('again-password'), null) } })).statusCode).toBe(404);
    expect((await send('bogus invite', { method: 'POST', url: '/auth/accept-invite', body: { token: secret(`cvi_${canary('invite')}`, null), name: 'X', password: secret(canary('bogus-password'), null) } })).statusCode).toBe(404);
    const inv2 = await send('create invite 2', { method: 'POST', url: '/team/invites', token: at, body: { email: uniqueEmail('existing'), role: 'viewer' } });
    secret(inv2.json().token, 'create invite 2');

    // Everything an org can read back.
    for (const url of ['/me', '/organization', '/team/members', '/team/invites', '/api-keys', '/audit-log?limit=200']) {
      expect((await send(`read ${url}`, { method: 'GET', url, token: at })).statusCode).toBe(200);
    }
    expect((await send('revoke key', { method: 'DELETE', url: `/api-keys/${created.json().id}`, token: at })).statusCode).toBe(204);
    expect((await send('revoked key', { method: 'GET', url: '/me', token: key })).statusCode).toBe(401);

    // Credentials in query strings (a client that puts its token in the URL): logged keys, never values.
    const queryToken = secret(canary('query-token'), null);
    const queryCursor = secret(canary('query-cursor'), null);
    const bareToken = secret(canary('bare-query'), null);
    for (const url of [`/me?access_token=${queryToken}`, `/audit-log?limit=5&cursor=${encodeURIComponent(queryCursor)}`, `/no-such-route?${bareToken}`, `/me?token=${encodeURIComponent(queryToken)}&x`]) {
      expect((await send(`query ${url.split('?')[0]}`, { method: 'GET', url, token: at })).statusCode).toBeGreaterThanOrEqual(200);
    }
    expect(logLines.join('')).toContain('/api/v1/me?access_token=[redacted]');
    expect(logLines.join('')).toContain('/api/v1/audit-log?limit=[redacted]&cursor=[redacted]');
    expect(logLines.join('')).toContain('/api/v1/me?token=[redacted]&[redacted]');

    // The capture is live: requests were logged at trace level, with their ids.
    const logs = logLines.join('');
    expect(logs).toContain('/api/v1/auth/login');
    expect(logs).toContain(signup.headers['x-request-id'] as string);
    expect(logs).not.toContain('$argon2');

    expect(secrets.size).toBeGreaterThan(30);
    for (const [value, issuer] of secrets) {
      expect(logs.includes(value), `a secret issued by "${issuer}" is in the logs`).toBe(false);
      for (const r of responses) {
        if (r.label === issuer) continue;
        expect(r.text.includes(value), `a secret issued by "${issuer}" is in the response "${r.label}"`).toBe(false);
      }
    }
    // And each issued secret really is in its issuing response (so the checks above are about real values).
    for (const [value, issuer] of secrets) {
      if (issuer) expect(responses.find((r) => r.label === issuer)?.text.includes(value), issuer).toBe(true);
    }
  });

  it('a database error that quotes a value logs and returns neither', async () => {
    const value = String(randomInt(100_000_000_000, 999_999_999_999));
    const app = await buildApp(t.deps, {
      extraRoutes: [
        route({
          method: 'GET',
          url: '/test/overflow',
          operation: 'test.overflow',
          permission: 'org:read',
          handler: ({ deps, principal }) => withOrg(deps.db, scopeOf(principal), (tx) => tx.query("select ('t' || $1)::regclass as n", [value])),
        }),
      ],
    });
    await app.ready();
    try {
      const owner = await call(app, { method: 'POST', url: '/auth/signup', body: { email: uniqueEmail('db'), password: 'db-error-password', name: 'D', organization_name: 'D' } });
      const before = logLines.length;
      const res = await call(app, { method: 'GET', url: '/api/v1/test/overflow', token: owner.json().access_token });
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toContain(value);
      const logs = logLines.slice(before).join('');
      expect(logs).toContain('request failed');
      expect(logs).not.toContain(value);
    } finally {
      await app.close();
    }
  });
});
