import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver } from '../../src/platform/db/driver.js';
import { minimalFlow } from '../agents/support.js';
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

  // Ids for the routes that name a resource, created through the API before counting starts.
  const ids: Record<string, string> = {};
  const create = async (url: string, body: unknown): Promise<string> => {
    const res = await call(t.app, { method: 'POST', url, token: org.tokens.owner, body });
    if (res.statusCode !== 201) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res.json().id as string;
  };
  // `{agent}` → ids.agent, and so on.
  const fill = (url: string) => url.replace(/\{(\w+)\}/g, (_, name: string) => ids[name]!);

  beforeAll(async () => {
    // Private networks allowed: the tool, MCP server and webhook endpoint name 127.0.0.1 (never called here).
    t = await createTestApp({ config: { allowPrivateNetwork: true } });
    org = await createOrg(t.app, 'One-tx');
    ids.agent = await create('/agents', { name: 'One-tx agent' });
    ids.flow = await create('/flows', minimalFlow('One-tx flow'));
    ids.doc = await create('/knowledge/ingest-text', { name: 'one-tx.txt', content: 'One transaction per request.' });
    ids.tool = await create('/tools', {
      name: 'one_tx_tool', description: 'Never called', parameters: { type: 'object', properties: {} },
      config: { method: 'GET', url: 'http://127.0.0.1:9/one-tx', headers: {}, body: null, timeout_ms: 1000, response_mapping: {} },
    });
    ids.server = await create('/mcp-servers', { name: 'one-tx', url: 'http://127.0.0.1:9/mcp' });
    ids.endpoint = await create('/webhook-endpoints', { url: 'http://127.0.0.1:9/hook', events: ['call.ended'] });
    ids.channel = await create('/channels', { name: 'One-tx widget', type: 'web', provider: 'web', agent_id: ids.agent });
    ids.invite = await create('/team/invites', { email: 'one-tx-invitee@example.test', role: 'member' });
    ids.member = org.userIds.member;
    const driver = t.deps.db.driver as Driver;
    const original = driver.transaction.bind(driver);
    driver.transaction = ((fn, opts) => {
      transactions++;
      return original(fn, opts);
    }) as Driver['transaction'];
  });
  afterAll(async () => t?.close());

  const count = async (url: string, token: string, opts: { method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; body?: unknown } = {}) => {
    transactions = 0;
    const res = await call(t.app, { method: opts.method ?? 'GET', url: fill(url), token, ...(opts.body === undefined ? {} : { body: opts.body }) });
    return { status: res.statusCode, transactions, body: res.body ? res.json() : undefined, requestId: String(res.headers['x-request-id']) };
  };

  it.each([
    '/me', '/organization', '/team/members', '/team/invites', '/api-keys', '/audit-log?limit=5',
    '/agents', '/agents/{agent}', '/flows', '/flows/{flow}',
    '/knowledge', '/knowledge?status=ready', '/knowledge/{doc}', '/knowledge/{doc}/chunks', '/knowledge/agent/{agent}',
    '/channels', '/channels/{channel}',
    '/tools', '/tools/{tool}', '/tools/agent/{agent}',
    '/mcp-servers', '/mcp-servers/{server}', '/mcp-servers/{server}/tools', '/mcp-servers/agent/{agent}',
    '/webhook-endpoints', '/webhook-endpoints/{endpoint}', '/webhook-endpoints/{endpoint}/deliveries',
  ])('GET %s with an access token opens one transaction', async (url) => {
    const r = await count(url, org.tokens.owner);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.transactions).toBe(1);
  });

  it('answers 404 for a missing id in that one transaction', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const url of ['/knowledge', '/channels', '/tools', '/mcp-servers', '/webhook-endpoints', '/tools/agent', '/knowledge/agent', '/mcp-servers/agent']) {
      const r = await count(`${url}/${missing}`, org.tokens.owner);
      expect(r.status, url).toBe(404);
      expect(r.transactions, url).toBe(1);
    }
  });

  // In order: updates and assignments first, then the deletes (the channel names the agent, so it goes last).
  it.each([
    ['PATCH', '/organization', 200, { name: 'One-tx renamed' }],
    ['POST', '/team/invites', 201, { email: 'one-tx-second-invitee@example.test', role: 'viewer' }],
    ['DELETE', '/team/invites/{invite}', 204, undefined],
    ['PATCH', '/team/members/{member}', 200, { role: 'support_agent' }],
    ['DELETE', '/team/members/{member}', 204, undefined],
    ['POST', '/agents', 201, { name: 'One-tx second agent' }],
    ['PUT', '/agents/{agent}', 200, { name: 'One-tx agent, replaced' }],
    ['PATCH', '/agents/{agent}', 200, { name: 'One-tx agent, renamed' }],
    ['POST', '/flows', 201, minimalFlow('One-tx second flow')],
    ['PUT', '/flows/{flow}', 200, minimalFlow('One-tx flow, replaced')],
    ['PATCH', '/flows/{flow}', 200, { name: 'One-tx flow, renamed' }],
    ['POST', '/tools/agent/{agent}/assign/{tool}', 201, undefined],
    ['DELETE', '/tools/agent/{agent}/assign/{tool}', 204, undefined],
    ['POST', '/knowledge/agent/{agent}/assign/{doc}', 201, undefined],
    ['DELETE', '/knowledge/agent/{agent}/assign/{doc}', 204, undefined],
    ['POST', '/mcp-servers/agent/{agent}/assign/{server}', 201, { allowed_tools: ['lookup'] }],
    ['DELETE', '/mcp-servers/agent/{agent}/assign/{server}', 204, undefined],
    ['DELETE', '/tools/{tool}', 204, undefined],
    ['DELETE', '/knowledge/{doc}', 204, undefined],
    ['DELETE', '/mcp-servers/{server}', 204, undefined],
    ['DELETE', '/webhook-endpoints/{endpoint}', 204, undefined],
    ['DELETE', '/channels/{channel}', 204, undefined],
    ['DELETE', '/flows/{flow}', 204, undefined],
    ['DELETE', '/agents/{agent}', 204, undefined],
  ] as const)('%s %s writes and audits in one transaction', async (method, url, status, body) => {
    const r = await count(url, org.tokens.owner, { method, body });
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    expect(r.transactions).toBe(1);
    const audit = await call(t.app, { method: 'GET', url: '/audit-log?limit=5', token: org.tokens.owner });
    expect(audit.json().data.map((e: { request_id: string | null }) => e.request_id)).toContain(r.requestId);
  });

  it('a write with a txHandler checks the permission in its transaction (403 for a viewer)', async () => {
    const r = await count('/agents', org.tokens.viewer, { method: 'POST', body: { name: 'Not by a viewer' } });
    expect(r.status).toBe(403);
    expect(r.transactions).toBe(1);
    const agents = await count('/agents', org.tokens.owner);
    expect(agents.body.data.map((a: { name: string }) => a.name)).not.toContain('Not by a viewer');
  });

  it("records an API key's use even when its role is refused (403 commits the credential check)", async () => {
    const o = await createOrg(t.app, 'One-tx viewer key');
    const key = await call(t.app, { method: 'POST', url: '/api-keys', token: o.tokens.owner, body: { name: 'viewer key', role: 'viewer' } });
    expect(key.statusCode).toBe(201);
    const r = await count('/agents', key.json().key, { method: 'POST', body: { name: 'Not by a viewer key' } });
    expect(r.status).toBe(403);
    const keys = await call(t.app, { method: 'GET', url: '/api-keys', token: o.tokens.owner });
    const listed = keys.json().data.find((k: { id: string }) => k.id === key.json().id);
    expect(listed.last_used_at).not.toBeNull();
    const audit = await call(t.app, { method: 'GET', url: '/audit-log?limit=20', token: o.tokens.owner });
    const used = audit.json().data.filter((e: { action: string; target_id: string }) => e.action === 'api_key.used' && e.target_id === key.json().id);
    expect(used).toHaveLength(1);
  });

  it('a route without a txHandler still opens two (credential re-check, then the handler)', async () => {
    const created = await count('/api-keys', org.tokens.owner, { method: 'POST', body: { name: 'One-tx key' } });
    expect(created.status).toBe(201);
    expect(created.transactions).toBe(1);
    const revoked = await count(`/api-keys/${created.body.id}`, org.tokens.owner, { method: 'DELETE' });
    expect(revoked.status).toBe(204);
    expect(revoked.transactions).toBe(2);
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
