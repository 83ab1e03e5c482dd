import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeMcpTool } from '../../src/features/mcp/calls.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { call, createOrg, type TestOrg } from '../helpers/api.js';
import { expectError } from '../http/support.js';
import { auditText, canary, captureLogs, createAgent, dumpDatabase, expectNoCanary } from '../tools/support.js';
import { startFakeMcp, type FakeMcp } from './fake-mcp-server.js';

const TOKEN = canary('mcp');
const OTHER_TOKEN = canary('mcpb');

describe(`MCP servers (${modeName})`, () => {
  let t: TestApp;
  let strict: TestApp;
  let logs: ReturnType<typeof captureLogs>;
  let fake: FakeMcp;
  let a: TestOrg;
  let b: TestOrg;

  beforeAll(async () => {
    logs = captureLogs();
    t = await createTestApp({ config: { allowPrivateNetwork: true }, log: logs.log });
    strict = await createTestApp({ testDb: t.testDb, keyring: t.keyring, log: logs.log });
    fake = await startFakeMcp();
    a = await createOrg(t.app, 'MCP A');
    b = await createOrg(t.app, 'MCP B');
  });
  afterAll(async () => {
    await fake?.close();
    await strict?.close();
    await t?.close();
  });

  const createServer = async (org: TestOrg, over: Record<string, unknown> = {}, app = t.app) =>
    call(app, { method: 'POST', url: '/mcp-servers', token: org.tokens.admin, body: { name: `srv-${randomUUID().slice(0, 6)}`, url: `${fake.origin}/mcp`, headers: { Authorization: `Bearer ${TOKEN}` }, ...over } });
  const refresh = (org: TestOrg, id: string, app = t.app) => call(app, { method: 'POST', url: `/mcp-servers/${id}/refresh`, token: org.tokens.admin });

  it('creates a server with write-only headers', async () => {
    const res = await createServer(a);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ transport: 'streamable_http', headers: { Authorization: { secret: true, configured: true, hint: 'Bearer …' } }, last_refreshed_at: null });
    expect(res.body).not.toContain(TOKEN);
    const got = await call(t.app, { method: 'GET', url: `/mcp-servers/${res.json().id}`, token: a.tokens.viewer });
    expect(got.json()).toEqual(res.json());
    const list = await call(t.app, { method: 'GET', url: '/mcp-servers', token: a.tokens.member });
    expect(list.json().data.map((s: { id: string }) => s.id)).toContain(res.json().id);
    for (const bad of [{ url: 'ftp://x/y' }, { url: 'http://u:p@example.com/' }, { transport: 'stdio' }, { headers: { Host: 'x' } }, { extra: 1 }]) {
      expectError(await createServer(a, bad), 400);
    }
  });

  for (const transport of ['streamable_http', 'sse'] as const) {
    it(`refreshes tools over ${transport} with decrypted headers`, async () => {
      fake.requiredAuth = `Bearer ${TOKEN}`;
      const server = (await createServer(a, { transport, url: `${fake.origin}/${transport === 'sse' ? 'sse' : 'mcp'}` })).json();
      const res = await refresh(a, server.id);
      expect(res.statusCode, res.body).toBe(200);
      const tools = res.json().data as Array<{ name: string; input_schema: { properties?: Record<string, unknown> } }>;
      expect(tools.map((x) => x.name)).toEqual(['add', 'echo', 'fail', 'whoami']);
      expect(tools.find((x) => x.name === 'echo')!.input_schema.properties).toHaveProperty('text');
      const stored = await call(t.app, { method: 'GET', url: `/mcp-servers/${server.id}/tools`, token: a.tokens.viewer });
      expect(stored.json().data).toEqual(res.json().data);
      const after = await call(t.app, { method: 'GET', url: `/mcp-servers/${server.id}`, token: a.tokens.viewer });
      expect(after.json().last_refreshed_at).not.toBeNull();
      fake.requiredAuth = undefined;
    });
  }

  it('records a failed refresh without the server body and keeps the old tool list', async () => {
    const server = (await createServer(a)).json();
    expect((await refresh(a, server.id)).statusCode).toBe(200);
    fake.requiredAuth = 'Bearer something-else';
    const res = await refresh(a, server.id);
    fake.requiredAuth = undefined;
    expect(expectError(res, 422).details?.[0]?.message).toMatch(/HTTP 401|failed/);
    const after = (await call(t.app, { method: 'GET', url: `/mcp-servers/${server.id}`, token: a.tokens.admin })).json();
    expect(after.last_error).toMatch(/HTTP 401|failed/);
    expect(after.last_error).not.toContain('unauthorized');
    expect((await call(t.app, { method: 'GET', url: `/mcp-servers/${server.id}/tools`, token: a.tokens.admin })).json().data).toHaveLength(4);
  });

  it('refuses private and metadata destinations (SSRF) on save and on refresh', async () => {
    const server = (await createServer(a)).json();
    const before = fake.requests.length;
    const res = await refresh(a, server.id, strict.app);
    expect(expectError(res, 422).details?.[0]).toMatchObject({ reason: 'private_address' });
    expect(fake.requests.length).toBe(before);
    expectError(await createServer(a, {}, strict.app), 422);
    const meta = await createServer(a, { url: 'http://169.254.169.254/mcp' });
    expect(expectError(meta, 422).details?.[0]).toMatchObject({ reason: 'metadata_address' });
  });

  it('updates: renames keep headers, a new host needs them again', async () => {
    const server = (await createServer(a)).json();
    const renamed = await call(t.app, { method: 'PATCH', url: `/mcp-servers/${server.id}`, token: a.tokens.admin, body: { name: 'renamed', transport: 'sse' } });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'renamed', transport: 'sse', headers: server.headers });
    const moved = await call(t.app, { method: 'PATCH', url: `/mcp-servers/${server.id}`, token: a.tokens.admin, body: { url: 'http://127.0.0.2:9/mcp' } });
    expectError(moved, 400);
    const movedWithSecret = await call(t.app, { method: 'PATCH', url: `/mcp-servers/${server.id}`, token: a.tokens.admin, body: { url: 'http://127.0.0.2:9/mcp', headers: { Authorization: `Bearer ${OTHER_TOKEN}` } } });
    expect(movedWithSecret.statusCode, movedWithSecret.body).toBe(200);
    const cleared = await call(t.app, { method: 'PATCH', url: `/mcp-servers/${server.id}`, token: a.tokens.admin, body: { headers: {} } });
    expect(cleared.json().headers).toEqual({});
    expect((await call(t.app, { method: 'DELETE', url: `/mcp-servers/${server.id}`, token: a.tokens.admin })).statusCode).toBe(204);
    expectError(await call(t.app, { method: 'GET', url: `/mcp-servers/${server.id}/tools`, token: a.tokens.admin }), 404);
  });

  it('assigns servers with an allow-list; invokeMcpTool runs only allowed, assigned tools of the session org', async () => {
    fake.requiredAuth = `Bearer ${TOKEN}`;
    const server = (await createServer(a)).json();
    expect((await refresh(a, server.id)).statusCode).toBe(200);
    const serverB = (await createServer(b)).json();
    const agent = await createAgent(t.app, a.tokens.admin);
    const otherAgent = await createAgent(t.app, a.tokens.admin);
    const agentB = await createAgent(t.app, b.tokens.admin);

    const assign = await call(t.app, { method: 'POST', url: `/mcp-servers/agent/${agent}/assign/${server.id}`, token: a.tokens.admin, body: { allowed_tools: ['echo', 'add', 'fail'] } });
    expect(assign.statusCode, assign.body).toBe(201);
    expect(assign.json()).toMatchObject({ agent_id: agent, server_id: server.id, allowed_tools: ['echo', 'add', 'fail'] });
    const listed = await call(t.app, { method: 'GET', url: `/mcp-servers/agent/${agent}`, token: a.tokens.viewer });
    expect(listed.json().data).toMatchObject([{ id: server.id, allowed_tools: ['echo', 'add', 'fail'] }]);
    for (const url of [`/mcp-servers/agent/${agent}/assign/${serverB.id}`, `/mcp-servers/agent/${agentB}/assign/${server.id}`]) {
      expectError(await call(t.app, { method: 'POST', url, token: a.tokens.admin, body: {} }), 404);
    }
    expectError(await call(t.app, { method: 'POST', url: `/mcp-servers/agent/${agent}/assign/${server.id}`, token: a.tokens.admin, body: { allowed_tools: ['a b'] } }), 400);

    const echo = await invokeMcpTool(t.deps, { orgId: a.id, agentId: agent, serverId: server.id, toolName: 'echo', args: { text: 'hi' } });
    expect(echo).toMatchObject({ ok: true, text: 'echo: hi', error: null });
    const add = await invokeMcpTool(t.deps, { orgId: a.id, agentId: agent, serverId: server.id, toolName: 'add', args: { a: 2, b: 3 } });
    expect(add).toMatchObject({ ok: true, text: '5', structured: { sum: 5 } });
    const failed = await invokeMcpTool(t.deps, { orgId: a.id, agentId: agent, serverId: server.id, toolName: 'fail', args: {} });
    expect(failed).toMatchObject({ ok: false, text: 'it broke' });

    const calls = fake.toolCalls.length;
    const denied = [
      { orgId: a.id, agentId: agent, serverId: server.id, toolName: 'whoami' }, // not on the allow-list
      { orgId: a.id, agentId: agent, serverId: server.id, toolName: 'nonexistent' }, // never discovered
      { orgId: a.id, agentId: otherAgent, serverId: server.id, toolName: 'echo' }, // not assigned to this agent
      { orgId: b.id, agentId: agent, serverId: server.id, toolName: 'echo' }, // session org does not own them
      { orgId: b.id, agentId: agentB, serverId: server.id, toolName: 'echo' },
      { orgId: a.id, agentId: agent, serverId: serverB.id, toolName: 'echo' },
    ];
    for (const d of denied) await expect(invokeMcpTool(t.deps, { ...d, args: { text: 'x' } })).rejects.toMatchObject({ code: 'not_found' });
    expect(fake.toolCalls.length).toBe(calls); // nothing reached the server

    // Re-assigning replaces the allow-list; null means every tool. whoami echoes our header: scrubbed.
    const open = await call(t.app, { method: 'POST', url: `/mcp-servers/agent/${agent}/assign/${server.id}`, token: a.tokens.admin });
    expect(open.statusCode, open.body).toBe(201);
    expect(open.json().allowed_tools).toBeNull();
    const who = await invokeMcpTool(t.deps, { orgId: a.id, agentId: agent, serverId: server.id, toolName: 'whoami', args: {} });
    expect(who.text).toBe('you sent: [redacted]');
    // Where private networks are refused, the call is a failed result, not an exception.
    const refused = await invokeMcpTool(strict.deps, { orgId: a.id, agentId: agent, serverId: server.id, toolName: 'echo', args: { text: 'x' } });
    expect(refused).toMatchObject({ ok: false });
    expect(refused.error).toMatch(/refused/);

    expect((await call(t.app, { method: 'DELETE', url: `/mcp-servers/agent/${agent}/assign/${server.id}`, token: a.tokens.admin })).statusCode).toBe(204);
    expectError(await call(t.app, { method: 'DELETE', url: `/mcp-servers/agent/${agent}/assign/${server.id}`, token: a.tokens.admin }), 404);
    await expect(invokeMcpTool(t.deps, { orgId: a.id, agentId: agent, serverId: server.id, toolName: 'echo', args: { text: 'x' } })).rejects.toMatchObject({ code: 'not_found' });
    fake.requiredAuth = undefined;
  });

  it('keeps canary secrets out of audit rows, logs and the database', async () => {
    const audit = await auditText(t.app, a.tokens.owner);
    expect(audit).toContain('mcp_server.refreshed');
    expectNoCanary([TOKEN, OTHER_TOKEN], { audit, logs: logs.text(), database: await dumpDatabase(t.testDb.admin) });
  });
});
