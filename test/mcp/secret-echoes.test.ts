import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeMcpTool } from '../../src/features/mcp/calls.js';
import { startHttpServer, type TestServer } from '../../src/platform/outbound/test-servers.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { call, createOrg, type TestOrg } from '../helpers/api.js';
import { recoverable, reflectionsOf } from '../helpers/reflections.js';
import { canary, createAgent, dumpDatabase } from '../tools/support.js';
import { startFakeMcp, type FakeMcp } from './fake-mcp-server.js';

/**
 * Servers that reflect our secret headers, in every form a reflector produces (literal, \u-escaped,
 * URL-encoded, base64/base64url whole and inside a longer dump): nothing they send back — MCP tool
 * names, descriptions, input schemas, results; HTTP tool bodies, mapped variables, Content-Type —
 * may let anyone who reads it (a viewer, the database) recover the secret.
 */
describe(`secret echoes from third-party servers (${modeName})`, () => {
  let t: TestApp;
  let fake: FakeMcp;
  let reflector: TestServer;
  let a: TestOrg;

  const TOKEN = canary('echo');
  const PASSWORD = canary('pw');
  const cases = [
    { label: 'bearer', header: `Bearer ${TOKEN}`, secret: TOKEN },
    { label: 'basic', header: `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`, secret: PASSWORD },
  ];

  beforeAll(async () => {
    t = await createTestApp({ config: { allowPrivateNetwork: true } });
    fake = await startFakeMcp();
    fake.reflect = true;
    reflector = await startHttpServer((req, res) => {
      const auth = String(req.headers.authorization ?? '');
      const forms = reflectionsOf(auth);
      const headers = { 'content-type': `application/json; charset=utf-8; x-echo=${forms.base64}; raw="${auth}"` };
      res.writeHead(200, headers).end(JSON.stringify({ forms, escaped: `{"auth":"${forms.unicode_escaped}"}`, [forms.base64url]: auth }));
    });
    a = await createOrg(t.app, 'Echoes');
  });
  afterAll(async () => {
    await fake?.close();
    await reflector?.close();
    await t?.close();
  });

  for (const c of cases) {
    it(`MCP (${c.label}): the stored tool list a viewer reads and the call results carry no secret`, async () => {
      const created = await call(t.app, { method: 'POST', url: '/mcp-servers', token: a.tokens.admin, body: { name: `reflect-${c.label}-${randomUUID().slice(0, 6)}`, url: `${fake.origin}/mcp`, headers: { Authorization: c.header } } });
      expect(created.statusCode, created.body).toBe(201);
      const id = created.json().id as string;
      const refreshed = await call(t.app, { method: 'POST', url: `/mcp-servers/${id}/refresh`, token: a.tokens.admin });
      expect(refreshed.statusCode, refreshed.body).toBe(200);
      const viewed = await call(t.app, { method: 'GET', url: `/mcp-servers/${id}/tools`, token: a.tokens.viewer });
      expect(viewed.statusCode).toBe(200);
      const tools = viewed.json().data as Array<{ name: string; description: string; input_schema: unknown }>;
      // The reflecting tool is kept (scrubbed); the one whose name is the token is dropped.
      expect(tools.map((x) => x.name).sort()).toEqual(['add', 'echo', 'fail', 'reflect', 'whoami']);
      const reflect = tools.find((x) => x.name === 'reflect')!;
      expect(reflect.description).toContain('[redacted]');
      expect(JSON.stringify(reflect.input_schema)).toContain('[redacted]');
      expect(recoverable(viewed.body, c.secret), 'GET /mcp-servers/{id}/tools').toBe(false);
      expect(recoverable(refreshed.body, c.secret), 'refresh response').toBe(false);

      const agent = await createAgent(t.app, a.tokens.admin);
      expect((await call(t.app, { method: 'POST', url: `/mcp-servers/agent/${agent}/assign/${id}`, token: a.tokens.admin })).statusCode).toBe(201);
      const result = await invokeMcpTool(t.deps, { orgId: a.id, agentId: agent, serverId: id, toolName: 'reflect', args: {} });
      expect(result.ok).toBe(true);
      expect(result.text).toContain('[redacted]');
      expect(recoverable(result.text, c.secret), 'result text').toBe(false);
      expect(recoverable(JSON.stringify(result.structured), c.secret), 'structured result').toBe(false);
      expect(JSON.stringify(result.structured)).toContain('[redacted]');
      expect(recoverable(await dumpDatabase(t.testDb.admin), c.secret), 'database').toBe(false);
    });

    it(`HTTP tool test (${c.label}): body, mapped variables and Content-Type carry no secret`, async () => {
      const tool = await call(t.app, {
        method: 'POST',
        url: '/tools',
        token: a.tokens.admin,
        body: {
          name: `reflect_${c.label}_${randomUUID().slice(0, 6)}`,
          config: { method: 'GET', url: `${reflector.origin}/x`, headers: { Authorization: { secret: true, value: c.header } }, response_mapping: { forms: '$.forms', literal: '$.forms.literal' } },
        },
      });
      expect(tool.statusCode, tool.body).toBe(201);
      const res = await call(t.app, { method: 'POST', url: `/tools/${tool.json().id}/test`, token: a.tokens.admin, body: {} });
      expect(res.statusCode, res.body).toBe(200);
      const out = res.json();
      expect(out).toMatchObject({ ok: true, status: 200, variables: { literal: '[redacted]' } });
      expect(out.content_type).toMatch(/^application\/json; charset=utf-8; x-echo=\[redacted\]; raw="\[redacted\]"$/);
      expect(out.body).toContain('[redacted]');
      for (const [part, text] of Object.entries({ body: out.body as string, variables: JSON.stringify(out.variables), content_type: out.content_type as string, response: res.body })) {
        expect(recoverable(text, c.secret), part).toBe(false);
      }
    });
  }
});
