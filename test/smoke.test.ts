import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, modeName, type TestApp } from './helpers/harness.js';
import { call, createOrg } from './helpers/api.js';

describe(`smoke (${modeName})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it('creates an org with every role and reads /me with each', async () => {
    const org = await createOrg(t.app, 'Smoke');
    for (const [role, token] of Object.entries(org.tokens)) {
      const me = await call(t.app, { method: 'GET', url: '/me', token });
      expect(me.statusCode).toBe(200);
      expect(me.json().role).toBe(role);
      expect(me.json().organization.id).toBe(org.id);
    }
    const viaKey = await call(t.app, { method: 'GET', url: '/me', token: org.apiKey });
    expect(viaKey.json()).toMatchObject({ role: 'admin', api_key: { id: org.apiKeyId }, user: null });
  });

  it('exports Prometheus metrics by operation, never by org', async () => {
    const org = await createOrg(t.app, 'Metrics');
    await call(t.app, { method: 'GET', url: '/organization', token: org.tokens.viewer });
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/converse_http_requests_total\{operation="organization.get",status="200"\} \d+/);
    expect(res.body).not.toContain(org.id);
  });
});
