import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver } from '../../src/platform/db/driver.js';
import { call, createOrg, type TestOrg } from '../helpers/api.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';

/*
 * Routes with a `txHandler` re-read the credential and check the permission INSIDE the handler's own
 * tenant transaction: one transaction per request instead of two, with the same guarantees as the
 * two-step path (a removed member, a demoted role or a revoked key loses power at once).
 */
describe(`one tenant transaction per request (${modeName})`, () => {
  let t: TestApp;
  let org: TestOrg;
  let transactions = 0;

  beforeAll(async () => {
    t = await createTestApp();
    org = await createOrg(t.app, 'One-tx');
    const driver = t.deps.db.driver as Driver;
    const original = driver.transaction.bind(driver);
    driver.transaction = ((fn, opts) => {
      transactions++;
      return original(fn, opts);
    }) as Driver['transaction'];
  });
  afterAll(async () => t?.close());

  const count = async (url: string, token: string) => {
    transactions = 0;
    const res = await call(t.app, { method: 'GET', url, token });
    return { status: res.statusCode, transactions, body: res.json() };
  };

  it.each(['/me', '/organization', '/team/members', '/api-keys', '/audit-log?limit=5', '/agents', '/flows'])('GET %s with an access token opens one transaction', async (url) => {
    const r = await count(url, org.tokens.owner);
    expect(r.status).toBe(200);
    expect(r.transactions).toBe(1);
  });

  it('a route without a txHandler still opens two (credential re-check, then the handler)', async () => {
    const r = await count('/tools', org.tokens.owner);
    expect(r.status).toBe(200);
    expect(r.transactions).toBe(2);
  });

  it('returns the role re-read in that transaction', async () => {
    const r = await count('/me', org.tokens.viewer);
    expect(r.body.role).toBe('viewer');
    expect(r.body.organization.id).toBe(org.id);
  });

  it('refuses a role that lacks the permission (403), and a removed member (401)', async () => {
    expect((await count('/api-keys', org.tokens.admin)).status).toBe(403);
    const member = await createOrg(t.app, 'One-tx removal');
    expect((await count('/me', member.tokens.member)).status).toBe(200);
    const removed = await call(t.app, { method: 'DELETE', url: `/team/members/${member.userIds.member}`, token: member.tokens.owner });
    expect(removed.statusCode).toBe(204);
    const after = await count('/me', member.tokens.member);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthorized');
  });

  it('takes a demotion into account on the next request', async () => {
    const o = await createOrg(t.app, 'One-tx demotion');
    expect((await count('/audit-log', o.tokens.admin)).status).toBe(200);
    const demoted = await call(t.app, { method: 'PATCH', url: `/team/members/${o.userIds.admin}`, token: o.tokens.owner, body: { role: 'support_agent' } });
    expect(demoted.statusCode).toBe(200);
    expect((await count('/audit-log', o.tokens.admin)).status).toBe(403);
  });

  it('refuses a revoked API key at once', async () => {
    const o = await createOrg(t.app, 'One-tx key');
    const ok = await count('/organization', o.apiKey);
    expect(ok.status).toBe(200);
    expect(ok.body.id).toBe(o.id);
    expect((await call(t.app, { method: 'DELETE', url: `/api-keys/${o.apiKeyId}`, token: o.tokens.owner })).statusCode).toBe(204);
    const after = await count('/organization', o.apiKey);
    expect(after.status).toBe(401);
    expect(after.transactions).toBeLessThanOrEqual(2);
  });

  it('rejects a bad credential before any transaction', async () => {
    const r = await count('/me', 'not-a-token');
    expect(r.status).toBe(401);
    expect(r.transactions).toBe(0);
  });
});
