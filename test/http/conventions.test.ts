import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { Config } from '../../src/config.js';
import { featureRoutes } from '../../src/features/index.js';
import { scopeOf } from '../../src/platform/auth/principal.js';
import { withOrg } from '../../src/platform/db/with-org.js';
import { publicRoute, route } from '../../src/platform/http/route.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { call, createOrg, PASSWORD, signup, uniqueEmail, type TestOrg } from '../helpers/api.js';
import { expectError } from './support.js';
import { documentedRoutes, openApiProblems, registeredRoutes } from './openapi-shape.js';

describe(`HTTP conventions (${modeName})`, () => {
  let t: TestApp;
  let a: TestOrg;
  let b: Awaited<ReturnType<typeof signup>>;
  const extraApps: Array<{ close(): Promise<unknown> }> = [];

  beforeAll(async () => {
    t = await createTestApp();
    a = await createOrg(t.app, 'Conventions A');
    b = await signup(t.app, 'Conventions B');
  });
  afterAll(async () => {
    for (const x of extraApps) await x.close();
    await t?.close();
  });

  /** Another app on the same database with different settings. */
  async function appWith(config: Partial<Config>): Promise<FastifyInstance> {
    const other = await createTestApp({ testDb: t.testDb, config });
    extraApps.push(other);
    return other.app;
  }

  const orgName = async () => (await call(t.app, { method: 'GET', url: '/organization', token: a.tokens.owner })).json().name as string;

  describe('error shape', () => {
    it('400 validation_error carries per-field details', async () => {
      const err = expectError(await call(t.app, { method: 'PATCH', url: '/organization', token: a.tokens.owner, body: { name: '' } }), 400);
      expect(err.details?.[0]).toMatchObject({ path: 'body.name' });
      expectError(await call(t.app, { method: 'DELETE', url: '/team/invites/not-a-uuid', token: a.tokens.owner }), 400);
      expectError(await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"email":' }), 400);
    });

    it('401, 403, 404 and 409', async () => {
      expectError(await call(t.app, { method: 'GET', url: '/me' }), 401);
      expectError(await call(t.app, { method: 'PATCH', url: '/organization', token: a.tokens.viewer, body: { name: 'x' } }), 403);
      expectError(await call(t.app, { method: 'DELETE', url: `/team/invites/${randomUUID()}`, token: a.tokens.owner }), 404);
      expectError(await call(t.app, { method: 'GET', url: '/api/v1/no-such-route', token: a.tokens.owner }), 404);
      expectError(await call(t.app, { method: 'POST', url: '/team/invites', token: a.tokens.owner, body: { email: a.ownerEmail, role: 'member' } }), 409);
    });

    it('415 for a body that is not JSON', async () => {
      for (const type of ['application/xml', 'application/x-www-form-urlencoded', 'image/png']) {
        const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': type }, payload: 'email=x&password=y' });
        expectError(res, 415);
      }
      // text/plain and multipart have parsers (strings, uploads); a JSON route's schema then refuses them.
      for (const type of ['text/plain', 'multipart/form-data; boundary=x']) {
        const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': type }, payload: '{"email":"x","password":"y"}' });
        expect([400, 415]).toContain(res.statusCode);
        expectError(res, res.statusCode);
      }
    });

    it('500 says nothing about internals: thrown errors, database errors, bad responses', async () => {
      const app = await buildApp(t.deps, {
        extraRoutes: [
          publicRoute({ method: 'GET', url: '/test/throw', operation: 'test.throw', permission: 'public', handler: async () => { throw new Error('CANARY-INTERNAL at /srv/converse/secret.ts'); } }),
          route({
            method: 'GET',
            url: '/test/sql',
            operation: 'test.sql',
            permission: 'org:read',
            handler: ({ deps, principal }) => withOrg(deps.db, scopeOf(principal), (tx) => tx.query('select password_hash from app.no_such_table_canary where x = $1', ['CANARY-PARAM'])),
          }),
          publicRoute({ method: 'GET', url: '/test/shape', operation: 'test.shape', permission: 'public', response: { 200: z.object({ n: z.number() }) }, handler: async () => ({ n: 'CANARY-SHAPE' }) }),
        ],
      });
      extraApps.push(app);
      await app.ready();
      for (const [url, token] of [['/api/v1/test/throw', undefined], ['/api/v1/test/sql', a.tokens.owner], ['/api/v1/test/shape', undefined]] as const) {
        const res = await call(app, { method: 'GET', url, token });
        const err = expectError(res, 500);
        expect(err.details).toBeUndefined();
        for (const leak of ['CANARY', 'secret.ts', 'no_such_table', 'select', 'password_hash', 'stack', 'relation']) expect(res.body).not.toContain(leak);
      }
    });

    it('413 beyond the body limit', async () => {
      const small = await appWith({ bodyLimitBytes: 2048 });
      const big = { email: uniqueEmail('big'), password: PASSWORD, name: 'Big', organization_name: 'x'.repeat(3000) };
      expectError(await call(small, { method: 'POST', url: '/auth/signup', body: big }), 413);
      // Each test app has its own signing key, so the other app's API key (checked in the shared database)
      // is the credential that works here: the body limit applies after authentication.
      expectError(await call(small, { method: 'POST', url: '/team/invites', token: a.apiKey, body: { email: 'y'.repeat(3000), role: 'member' } }), 413);
      expectError(await call(small, { method: 'POST', url: '/team/invites', body: { email: 'y'.repeat(3000), role: 'member' } }), 401);
      // Just under the limit is parsed (and then judged on its content).
      expectError(await call(small, { method: 'POST', url: '/auth/signup', body: { ...big, organization_name: 'x'.repeat(1500) } }), 400);
    });
  });

  describe('rate limits', () => {
    it('per IP: 429 with Retry-After, keyed by the connection address, not X-Forwarded-For', async () => {
      const app = await appWith({ rateLimit: { perIpPerMinute: 5, perOrgPerMinute: 100_000, authPerIpPerMinute: 100_000 } });
      for (let i = 0; i < 5; i++) expect((await call(app, { method: 'GET', url: '/health' })).statusCode).toBe(200);
      const limited = await call(app, { method: 'GET', url: '/health' });
      expectError(limited, 429);
      const retry = Number(limited.headers['retry-after']);
      expect(Number.isInteger(retry) && retry >= 1 && retry <= 60).toBe(true);
      expectError(await call(app, { method: 'GET', url: '/health', headers: { 'x-forwarded-for': '203.0.113.9' } }), 429);
      const elsewhere = await app.inject({ method: 'GET', url: '/health', remoteAddress: '198.51.100.7' });
      expect(elsewhere.statusCode).toBe(200);
    });

    it('per organization: one org exhausting its budget does not touch another', async () => {
      const app = await appWith({ rateLimit: { perIpPerMinute: 100_000, perOrgPerMinute: 3, authPerIpPerMinute: 100_000 } });
      const x = await signup(app, 'Busy');
      const y = await signup(app, 'Quiet');
      for (let i = 0; i < 3; i++) expect((await call(app, { method: 'GET', url: '/me', token: x.access_token })).statusCode).toBe(200);
      const limited = await call(app, { method: 'GET', url: '/organization', token: x.access_token });
      expectError(limited, 429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect((await call(app, { method: 'GET', url: '/me', token: y.access_token })).statusCode).toBe(200);
    });

    it('auth endpoints per IP: login is limited before the general budget', async () => {
      const app = await appWith({ rateLimit: { perIpPerMinute: 100_000, perOrgPerMinute: 100_000, authPerIpPerMinute: 4 } });
      const owner = await signup(app, 'Limited');
      for (let i = 0; i < 3; i++) expectError(await call(app, { method: 'POST', url: '/auth/login', body: { email: owner.email, password: 'wrong-password' } }), 401);
      const limited = await call(app, { method: 'POST', url: '/auth/login', body: { email: owner.email, password: PASSWORD } });
      expectError(limited, 429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expectError(await call(app, { method: 'POST', url: '/auth/refresh', body: { refresh_token: owner.refresh_token } }), 429);
      // Authenticated traffic has its own budgets.
      expect((await call(app, { method: 'GET', url: '/me', token: owner.access_token })).statusCode).toBe(200);
      expect((await app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '198.51.100.8', payload: { email: owner.email, password: PASSWORD } })).statusCode).toBe(200);
    });
  });

  describe('request bodies', () => {
    it('rejects unknown fields', async () => {
      const before = await orgName();
      const err = expectError(await call(t.app, { method: 'PATCH', url: '/organization', token: a.tokens.owner, body: { name: 'Renamed', plan: 'enterprise' } }), 400);
      expect(JSON.stringify(err.details)).toContain('plan');
      expect(await orgName()).toBe(before);
      expectError(await call(t.app, { method: 'POST', url: '/team/invites', token: a.tokens.owner, body: { email: uniqueEmail('u'), role: 'member', message: 'hi' } }), 400);
      expectError(await call(t.app, { method: 'POST', url: '/auth/signup', body: { email: uniqueEmail('u'), password: PASSWORD, name: 'U', organization_name: 'U', plan: 'pro' } }), 400);
    });

    it('rejects an organization id anywhere in a body, in any spelling', async () => {
      const before = await orgName();
      const variants: Array<[unknown, string]> = [
        [{ name: 'x', org_id: b.organization.id }, 'body.org_id'],
        [{ name: 'x', organization_id: a.id }, 'body.organization_id'],
        [{ name: 'x', organizationId: b.organization.id }, 'body.organizationId'],
        [{ name: 'x', OrgID: b.organization.id }, 'body.OrgID'],
        [{ name: 'x', 'organization-id': b.organization.id }, 'body.organization-id'],
        [{ name: 'x', meta: { deep: [{ org_id: b.organization.id }] } }, 'body.meta.deep.0.org_id'],
      ];
      for (const [body, path] of variants) {
        const err = expectError(await call(t.app, { method: 'PATCH', url: '/organization', token: a.tokens.owner, body }), 400);
        expect(err.details?.[0]?.path).toBe(path);
      }
      expect(await orgName()).toBe(before);
      const pub = expectError(await call(t.app, { method: 'POST', url: '/auth/signup', body: { email: uniqueEmail('o'), password: PASSWORD, name: 'O', organization_name: 'O', org_id: a.id } }), 400);
      expect(pub.details?.[0]?.path).toBe('body.org_id');
    });

    it('finds an organization id at any depth within the nesting cap (40 and 60 levels, objects and arrays)', async () => {
      const before = await orgName();
      for (const depth of [40, 60]) {
        // Alternating objects and one-element arrays: {"n":[{"n":[ ... {"org_id": …} ]}]}
        let body: unknown = { org_id: b.organization.id };
        const path: string[] = ['org_id'];
        for (let i = depth; i > 0; i--) {
          if (i % 2 === 0) {
            body = [body];
            path.unshift('0');
          } else {
            body = { n: body };
            path.unshift('n');
          }
        }
        const err = expectError(await call(t.app, { method: 'PATCH', url: '/organization', token: a.tokens.owner, body: { name: 'x', meta: body } }), 400);
        expect(err.details?.[0]?.path).toBe(['body', 'meta', ...path].join('.'));
      }
      expect(await orgName()).toBe(before);
    });

    it('ignores headers, cookies and query strings that name an organization', async () => {
      const other: string = b.organization.id;
      const attempts: Array<{ url: string; headers?: Record<string, string> }> = [
        { url: `/me?org_id=${other}&organization_id=${other}` },
        { url: '/me', headers: { 'x-org-id': other, 'x-organization-id': other, 'organization-id': other, 'x-tenant-id': other } },
        { url: '/me', headers: { cookie: `org_id=${other}; organization_id=${other}` } },
        { url: `/organization?organization_id=${other}`, headers: { 'x-organization-id': other } },
      ];
      for (const at of attempts) {
        const res = await call(t.app, { method: 'GET', token: a.tokens.owner, ...at });
        expect(res.statusCode, res.body).toBe(200);
        expect(res.body).toContain(a.id);
        expect(res.body).not.toContain(other);
      }
      // Lists validate their query strictly: naming an org is refused, never honoured.
      const list = await call(t.app, { method: 'GET', url: `/team/members?org_id=${other}`, token: a.tokens.owner, headers: { 'x-org-id': other } });
      expect(list.body).not.toContain(b.user.id);
      if (list.statusCode === 200) expect(list.json().data.map((m: { user_id: string }) => m.user_id)).toContain(a.ownerId);
      else expectError(list, 400);
    });
  });

  describe('cursor pagination', () => {
    async function walk(token: string, limit: number): Promise<{ ids: string[]; pages: number[] }> {
      const ids: string[] = [];
      const pages: number[] = [];
      let cursor: string | null = null;
      for (let guard = 0; guard < 100; guard++) {
        const res = await call(t.app, { method: 'GET', url: `/team/invites?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, token });
        expect(res.statusCode, res.body).toBe(200);
        const body = res.json() as { data: Array<{ id: string }>; next_cursor: string | null };
        expect(Object.keys(body).sort()).toEqual(['data', 'next_cursor']);
        ids.push(...body.data.map((i) => i.id));
        pages.push(body.data.length);
        cursor = body.next_cursor;
        if (!cursor) return { ids, pages };
      }
      throw new Error('pagination did not end');
    }

    it('walks every item exactly once, newest first, in pages of at most `limit`', async () => {
      const org = await signup(t.app, 'Pages');
      const created: string[] = [];
      for (let i = 0; i < 7; i++) {
        const res = await call(t.app, { method: 'POST', url: '/team/invites', token: org.access_token, body: { email: uniqueEmail(`p${i}`), role: 'viewer' } });
        created.push(res.json().id);
      }
      const { ids, pages } = await walk(org.access_token, 3);
      expect(pages).toEqual([3, 3, 1]);
      expect(ids).toEqual([...created].reverse());
      expect((await walk(org.access_token, 7)).pages).toEqual([7]);
    });

    it('never skips or repeats items whose timestamps share a millisecond', async () => {
      const org = await signup(t.app, 'Same ms');
      const created: string[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await call(t.app, { method: 'POST', url: '/team/invites', token: org.access_token, body: { email: uniqueEmail(`s${i}`), role: 'viewer' } });
        created.push(res.json().id);
      }
      // Microsecond-apart and identical timestamps inside one millisecond, as rows written in one transaction get.
      await t.testDb.admin.transaction(async (q) => {
        for (const [i, id] of created.entries()) {
          const at = i < 3 ? `2030-01-01T00:00:00.123${String(100 + i * 50).padStart(3, '0')}Z` : '2030-01-01T00:00:00.456789Z';
          await q('update app.invites set created_at = $3::timestamptz where org_id = $1 and id = $2', [org.organization.id, id, at]);
        }
      });
      for (const limit of [1, 2, 4]) {
        const { ids } = await walk(org.access_token, limit);
        expect(new Set(ids).size, `limit ${limit}`).toBe(ids.length);
        expect([...ids].sort(), `limit ${limit}`).toEqual([...created].sort());
      }
    });

    it('rejects bad cursors and limits with 400, and accepts the maximum', async () => {
      const bad = ['garbage', Buffer.from('{}').toString('base64url'), Buffer.from(JSON.stringify({ t: 'yesterday', id: 'x' })).toString('base64url'), 'A'.repeat(300)];
      for (const cursor of bad) expectError(await call(t.app, { method: 'GET', url: `/team/members?cursor=${cursor}`, token: a.tokens.owner }), 400);
      for (const limit of ['201', '0', '-1', 'ten', '1.5']) expectError(await call(t.app, { method: 'GET', url: `/audit-log?limit=${limit}`, token: a.tokens.owner }), 400);
      expect((await call(t.app, { method: 'GET', url: '/audit-log?limit=200', token: a.tokens.owner })).statusCode).toBe(200);
    });

    it("another org's cursor only positions within the caller's own data", async () => {
      const first = await call(t.app, { method: 'GET', url: '/team/members?limit=1', token: a.tokens.owner });
      const cursor = first.json().next_cursor as string;
      expect(cursor).toBeTruthy();
      const res = await call(t.app, { method: 'GET', url: `/team/members?cursor=${encodeURIComponent(cursor)}`, token: b.access_token });
      expect(res.statusCode).toBe(200);
      for (const m of res.json().data as Array<{ user_id: string }>) expect(m.user_id).toBe(b.user.id);
      for (const id of Object.values(a.userIds)) expect(res.body).not.toContain(id);
    });
  });

  describe('service endpoints', () => {
    it('/health needs no credential', async () => {
      const res = await call(t.app, { method: 'GET', url: '/health' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'ok' });
      expect((await call(t.app, { method: 'GET', url: '/health', headers: { authorization: 'Bearer junk' } })).statusCode).toBe(200);
    });

    it('/api/v1/openapi.json is valid OpenAPI 3.1 and lists exactly the registered API routes', async () => {
      const res = await call(t.app, { method: 'GET', url: '/api/v1/openapi.json' });
      expect(res.statusCode).toBe(200);
      const doc = res.json();
      expect(openApiProblems(doc)).toEqual([]);

      const registered = registeredRoutes(t.app.printRoutes({ commonPrefix: false })).filter((r) => r.split(' ')[1]!.startsWith('/api/v1/') && !r.endsWith(' /api/v1/openapi.json'));
      const fromDefs = featureRoutes.map((d) => `${d.method} /api/v1${d.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
      expect(registered.length).toBeGreaterThanOrEqual(fromDefs.length);
      for (const r of fromDefs) expect(registered).toContain(r);
      expect([...documentedRoutes(doc)].sort()).toEqual([...new Set(registered)].sort());

      // Credentials are declared where they are required, and only there.
      for (const def of featureRoutes) {
        const op = doc.paths[`/api/v1${def.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`][def.method.toLowerCase()];
        expect(op.operationId).toBe(def.operation);
        if (def.permission === 'public') expect(op.security).toBeUndefined();
        else expect(op.security).toEqual([{ bearer: [] }]);
      }
    });

    it('/docs serves the HTML API browser', async () => {
      const res = await call(t.app, { method: 'GET', url: '/docs' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body.toLowerCase()).toContain('<html');
      expect(res.body.toLowerCase()).toContain('swagger');
    });
  });

  describe('headers', () => {
    it('security headers are on every kind of response', async () => {
      const responses = [
        await call(t.app, { method: 'GET', url: '/health' }),
        await call(t.app, { method: 'GET', url: '/me', token: a.tokens.owner }),
        await call(t.app, { method: 'GET', url: '/me' }),
        await call(t.app, { method: 'GET', url: '/api/v1/nothing-here' }),
      ];
      for (const res of responses) {
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(String(res.headers['strict-transport-security'])).toMatch(/max-age=\d{7,}/);
        const csp = String(res.headers['content-security-policy'] ?? '');
        expect(res.headers['x-frame-options'] !== undefined || /frame-ancestors/.test(csp)).toBe(true);
        expect(res.headers['cache-control']).toBe('no-store');
        expect(res.headers['x-powered-by']).toBeUndefined();
      }
    });

    it('x-request-id is echoed when well-formed, generated otherwise, and recorded in the audit log', async () => {
      const given = `req-${randomUUID()}`;
      const echoed = await call(t.app, { method: 'PATCH', url: '/organization', token: a.tokens.owner, body: { name: 'Conventions A' }, headers: { 'x-request-id': given } });
      expect(echoed.statusCode).toBe(200);
      expect(echoed.headers['x-request-id']).toBe(given);
      const audit = await call(t.app, { method: 'GET', url: '/audit-log?action=organization.updated&limit=1', token: a.tokens.owner });
      expect(audit.json().data[0].request_id).toBe(given);

      const generated = new Set<string>();
      for (const bad of [undefined, 'short', 'has spaces in it', 'x'.repeat(200), '<script>alert(1)</script>']) {
        const res = await call(t.app, { method: 'GET', url: '/health', ...(bad ? { headers: { 'x-request-id': bad } } : {}) });
        const id = String(res.headers['x-request-id']);
        expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        generated.add(id);
      }
      expect(generated.size).toBe(5);
      // Error responses carry it too.
      expect((await call(t.app, { method: 'GET', url: '/me', headers: { 'x-request-id': given } })).headers['x-request-id']).toBe(given);
    });
  });
});
