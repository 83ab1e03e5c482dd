/**
 * Layer 3 (ISOLATION.md) through HTTP, plus the runtime's persistence: a session of org A naming org B's
 * agent or flow fails and creates nothing; B cannot read, continue or end A's session; a flow session
 * runs its nodes (DTMF, api_call through the org's tool, send_message recorded in test mode); a second
 * app instance on the same database continues a session (restart); concurrent messages are applied one
 * at a time, also across instances (the optimistic version check).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type TestServer } from '../../src/platform/outbound/test-servers.js';
import { call, createOrg, type TestOrg } from '../helpers/api.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { createAgent, created, say, startSession } from './support.js';

describe(`sessions: isolation, flows, restart (${modeName})`, () => {
  let t: TestApp;
  let a: TestOrg;
  let b: TestOrg;
  let tools: TestServer;
  let aAgent: string;
  let bAgent: string;
  let bFlow: string;

  const callsOf = async (orgId: string) =>
    (await t.testDb.admin.transaction((q) => q<{ n: number }>('select count(*)::int as n from app.calls where org_id = $1', [orgId]))).rows[0]!.n;

  beforeAll(async () => {
    tools = await startHttpServer((_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{"order":{"status":"shipped"}}'));
    t = await createTestApp({ config: { allowPrivateNetwork: true } });
    a = await createOrg(t.app, 'Iso A');
    b = await createOrg(t.app, 'Iso B');
    aAgent = (await createAgent(t.app, a.tokens.admin)).id;
    bAgent = (await createAgent(t.app, b.tokens.admin)).id;
    bFlow = (await created(t.app, b.tokens.admin, '/flows', {
      name: 'B flow',
      nodes: [{ id: 'start', type: 'entry', data: {} }, { id: 'bye', type: 'end_call', data: { message: 'B only' } }],
      edges: [{ id: 'e1', source: 'start', target: 'bye' }],
    })).id;
  });
  afterAll(async () => {
    await t?.close();
    await tools?.close();
  });

  it("a session of org A naming org B's agent or flow is a 404 and creates nothing", async () => {
    const before = await callsOf(a.id);
    for (const body of [{ agent_id: bAgent }, { flow_id: bFlow }]) {
      const res = await startSession(t.app, a.apiKey, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(404);
      expect(res.body).not.toContain(bAgent);
      expect(res.body).not.toContain('B only');
    }
    expect(await callsOf(a.id)).toBe(before);
  });

  it("org B cannot read, continue or end org A's session: the same 404 as a missing one", async () => {
    const s = (await startSession(t.app, a.tokens.member, { agent_id: aAgent })).json();
    const missing = '00000000-0000-4000-8000-000000000001';
    for (const [method, path, body] of [
      ['GET', '/sessions/:id', undefined], ['POST', '/sessions/:id/messages', { text: 'hi' }], ['POST', '/sessions/:id/end', undefined],
      ['GET', '/calls/:id', undefined], ['DELETE', '/calls/:id', undefined],
    ] as const) {
      const theirs = await call(t.app, { method, url: path.replace(':id', s.id), token: b.tokens.owner, body });
      const ghost = await call(t.app, { method, url: path.replace(':id', missing), token: b.tokens.owner, body });
      expect(theirs.statusCode, `${method} ${path}`).toBe(404);
      expect(theirs.body).toBe(ghost.body.replace(missing, s.id));
    }
    const listed = await call(t.app, { method: 'GET', url: '/calls', token: b.tokens.owner });
    expect(listed.body).not.toContain(s.id);
    const mine = await call(t.app, { method: 'GET', url: `/sessions/${s.id}`, token: a.tokens.viewer });
    expect(mine.json()).toMatchObject({ id: s.id, status: 'active', turns: 0, messages: [{ role: 'agent' }] });
  });

  it('runs a flow: DTMF collected, api_call through the org tool, send_message recorded (test mode), end', async () => {
    const tool = await created(t.app, a.tokens.admin, '/tools', {
      name: 'order_lookup',
      parameters: { type: 'object', properties: { order: { type: 'string' } }, required: ['order'] },
      config: { method: 'POST', url: `${tools.origin}/orders`, headers: { 'X-Api-Key': { secret: true, value: 'flow-secret' } } },
    });
    const flow = await created(t.app, a.tokens.admin, '/flows', {
      name: 'Orders',
      nodes: [
        { id: 'start', type: 'entry', data: {} },
        { id: 'hello', type: 'speak', data: { text: 'Welcome to Acme, {{name}}.' } },
        { id: 'ask', type: 'collect', data: { variable: 'order', prompt: 'Please key in your order number.', validation: 'digits' } },
        { id: 'lookup', type: 'api_call', data: { tool_id: tool.id, arguments: { order: '{{order}}' }, response_mapping: { status: 'order.status' } } },
        { id: 'tell', type: 'speak', data: { text: 'Order {{order}} is {{status}}.' } },
        { id: 'text', type: 'send_message', data: { text: 'Order {{order}}: {{status}}', to_variable: 'phone' } },
        { id: 'bye', type: 'end_call', data: { message: 'Goodbye.' } },
      ],
      variables: [{ name: 'name' }, { name: 'phone' }],
      edges: ['start:hello', 'hello:ask', 'ask:lookup', 'lookup:tell', 'tell:text', 'text:bye'].map((e) => ({ id: e, source: e.split(':')[0], target: e.split(':')[1] })),
    });
    const started = await startSession(t.app, a.tokens.member, { flow_id: flow.id, mode: 'test', variables: { name: 'Ada', phone: '+14155550100' } });
    expect(started.statusCode, started.body).toBe(201);
    expect(started.json().messages.map((m: { text: string }) => m.text)).toEqual(['Welcome to Acme, Ada.', 'Please key in your order number.']);
    expect(started.json().awaiting).toMatchObject({ kind: 'digits' });
    const r = await call(t.app, { method: 'POST', url: `/sessions/${started.json().id}/messages`, token: a.tokens.member, body: { dtmf: '4521' } });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ status: 'ended', ended_reason: 'completed', variables: { order: '4521', status: 'shipped' } });
    expect(r.json().messages.map((m: { text: string }) => m.text)).toEqual(['Order 4521 is shipped.', 'SMS to +14155550100: Order 4521: shipped', 'Goodbye.']);
    expect(tools.requests.at(-1)!.headers['x-api-key']).toBe('flow-secret');
    const c = (await call(t.app, { method: 'GET', url: `/calls/${started.json().id}`, token: a.tokens.admin })).json();
    expect(c).toMatchObject({ mode: 'test', status: 'ended', flow_id: flow.id, turns: 1 });
    expect(c.actions).toEqual([expect.objectContaining({ type: 'send_message', to: '+14155550100', delivered: false, why_not: 'test mode' })]);
    expect(c.tool_calls).toEqual([expect.objectContaining({ kind: 'flow_api_call', name: 'order_lookup', status: 'ok' })]);
    expect(JSON.stringify(c)).not.toContain('flow-secret');
  });

  it('a second app instance on the same database continues the session (resume after restart)', async () => {
    const s = (await startSession(t.app, a.tokens.member, { agent_id: aAgent })).json();
    await say(t.app, a.tokens.member, s.id, 'first');
    const second = await createTestApp({ testDb: t.testDb, keyring: t.keyring });
    try {
      const r = await say(second.app, a.tokens.member, s.id, 'second');
      expect(r.statusCode, r.body).toBe(200);
      const after = (await call(second.app, { method: 'GET', url: `/sessions/${s.id}`, token: a.tokens.member })).json();
      expect(after.turns).toBe(2);
      expect(after.messages.filter((m: { role: string }) => m.role === 'caller').map((m: { text: string }) => m.text)).toEqual(['first', 'second']);
    } finally {
      await second.close();
    }
  });

  it('concurrent messages to one session are applied one at a time, on one instance and across two', async () => {
    const s = (await startSession(t.app, a.tokens.member, { agent_id: aAgent })).json();
    const burst = await Promise.all(['one', 'two', 'three'].map((text) => say(t.app, a.tokens.member, s.id, text)));
    expect(burst.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    const second = await createTestApp({ testDb: t.testDb, keyring: t.keyring });
    try {
      const cross = await Promise.all([say(t.app, a.tokens.member, s.id, 'four'), say(second.app, a.tokens.member, s.id, 'five')]);
      expect(cross.map((r) => r.statusCode)).toEqual([200, 200]);
    } finally {
      await second.close();
    }
    const c = (await call(t.app, { method: 'GET', url: `/calls/${s.id}`, token: a.tokens.admin })).json();
    expect(c.turns).toBe(5);
    const callers = c.transcript.filter((m: { role: string }) => m.role === 'caller').map((m: { text: string }) => m.text);
    // Requests reach the session's queue in whatever order their authentication finished; each is applied whole.
    expect([...callers.slice(0, 3)].sort()).toEqual(['one', 'three', 'two']);
    expect([...callers.slice(3)].sort()).toEqual(['five', 'four']);
    // Every caller line is followed by exactly one reply: no turn was applied twice or interleaved.
    const roles = c.transcript.map((m: { role: string }) => m.role).join(',');
    expect(roles).toBe(['agent', ...Array(5).fill('caller,agent')].join(','));
  });
  it('sends call.started and call.ended (with outcome) to webhook endpoints, once each', async () => {
    const endpoint = await created(t.app, a.tokens.admin, '/webhook-endpoints', { url: `${tools.origin}/hook`, events: ['call.started', 'call.ended'] });
    const s = (await startSession(t.app, a.tokens.member, { agent_id: aAgent })).json();
    await say(t.app, a.tokens.member, s.id, 'bye');
    await call(t.app, { method: 'POST', url: `/sessions/${s.id}/end`, token: a.tokens.member });
    const deliveries = (await call(t.app, { method: 'GET', url: `/webhook-endpoints/${endpoint.id}/deliveries`, token: a.tokens.admin })).json().data;
    expect(deliveries.map((d: { event_type: string }) => d.event_type).sort()).toEqual(['call.ended', 'call.started']);
    const payloads = await t.testDb.admin.transaction((q) => q<{ payload: { data: Record<string, unknown> } }>("select payload from app.webhook_deliveries where endpoint_id = $1 and event_type = 'call.ended'", [endpoint.id]));
    expect(payloads.rows[0]!.payload.data).toMatchObject({ call_id: s.id, agent_id: aAgent, outcome: 'completed', ended_reason: 'completed', mode: 'live' });
  });
});
