import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { createTestApp, modeName, type TestApp } from './helpers/harness.js';
import { call, createOrg } from './helpers/api.js';

describe(`smoke (${modeName})`, () => {
  let t: TestApp;
  const metricsToken = randomBytes(24).toString('hex');
  beforeAll(async () => {
    t = await createTestApp({ config: { metricsToken } });
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
    const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${metricsToken}` } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/converse_http_requests_total\{operation="organization.get",status="200"\} \d+/);
    expect(res.body).not.toContain(org.id);
  });

  it('/metrics answers only the configured bearer token', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: `Bearer ${metricsToken}x` }, { authorization: `Bearer ${metricsToken.slice(0, -1)}` }, { authorization: metricsToken }, { authorization: `Basic ${metricsToken}` }]) {
      const res = await t.app.inject({ method: 'GET', url: '/metrics', headers });
      expect(res.statusCode, JSON.stringify(headers)).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect(res.json().error.code).toBe('unauthorized');
      expect(res.body).not.toContain('converse_http_requests_total');
    }
    const ok = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${metricsToken}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('converse_http_requests_total');
  });

  it('/metrics is not served at all without a configured token (the 404 of an unknown path)', async () => {
    const open = await createTestApp({ testDb: t.testDb, config: { metricsToken: undefined } });
    try {
      const res = await open.app.inject({ method: 'GET', url: '/metrics' });
      const unknown = await open.app.inject({ method: 'GET', url: '/api/v1/no-such-path' });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual(unknown.json());
      expect(res.body).not.toContain('converse_http_requests_total');
    } finally {
      await open.close();
    }
  });

  it('CONVERSE_METRICS_TOKEN: read from the environment, refused when short', () => {
    expect(loadConfig({ CONVERSE_METRICS_TOKEN: metricsToken } as NodeJS.ProcessEnv).metricsToken).toBe(metricsToken);
    expect(loadConfig({} as NodeJS.ProcessEnv).metricsToken).toBeUndefined();
    expect(() => loadConfig({ CONVERSE_METRICS_TOKEN: 'short' } as NodeJS.ProcessEnv)).toThrow(ConfigError);
    expect(() => loadConfig({ CONVERSE_METRICS_TOKEN: 'short' } as NodeJS.ProcessEnv)).toThrow(/CONVERSE_METRICS_TOKEN/);
  });
});
