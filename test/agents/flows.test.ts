import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examples } from '../../src/features/flows/examples.js';
import { withOrg } from '../../src/platform/db/with-org.js';
import { call, signup } from '../helpers/api.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { expectError } from '../http/support.js';
import { create, flowToAgent, lastAudit, minimalFlow } from './support.js';

type Detail = { code: string; node_id?: string; edge_id?: string; path: string };

describe(`flows (${modeName})`, () => {
  let t: TestApp;
  let a: string;
  let b: string;
  let orgA: string;
  beforeAll(async () => {
    t = await createTestApp();
    const sa = await signup(t.app, 'Flows A');
    [a, b, orgA] = [sa.access_token, (await signup(t.app, 'Flows B')).access_token, sa.organization.id];
  });
  afterAll(async () => t?.close());

  it('creates the documented examples that need no tools, reads them back exactly, and lists them', async () => {
    for (const example of [examples.ivr_menu, examples.after_hours_routing]) {
      const made = await create(t.app, a, '/flows', example);
      expect(made).toMatchObject({ name: example.name, nodes: example.nodes, edges: example.edges, variables: [], version: 1 });
      const got = await call(t.app, { method: 'GET', url: `/flows/${made.id}`, token: a });
      expect(got.json()).toEqual(made);
      expect((await lastAudit(t.app, a, 'flow.created')).after).toEqual(made);
    }
    const list = await call(t.app, { method: 'GET', url: '/flows?limit=200', token: a });
    expect(list.json().data.map((f: { name: string }) => f.name)).toEqual(expect.arrayContaining([examples.ivr_menu.name, examples.after_hours_routing.name]));
  });

  it('reports every problem of an invalid graph with the offending node or edge id', async () => {
    const body = {
      name: 'Broken',
      nodes: [
        { id: 'start', type: 'entry', data: {} },
        { id: 'hello', type: 'speak', data: {} }, // text missing
        { id: 'dead_end', type: 'speak', data: { text: 'and then?' } }, // no way out
        { id: 'mystery', type: 'teleport', data: {} }, // no such type
        { id: 'island', type: 'end_call', data: {} }, // unreachable
      ],
      edges: [
        { id: 'e1', source: 'start', target: 'hello' },
        { id: 'e2', source: 'hello', target: 'dead_end' },
        { id: 'e3', source: 'dead_end', target: 'nowhere' },
      ],
    };
    const err = expectError(await call(t.app, { method: 'POST', url: '/flows', token: a, body }), 400);
    expect(err.message).toBe('The flow does not validate');
    const details = err.details as Detail[];
    expect(details).toEqual(expect.arrayContaining([
      expect.objectContaining({ code: 'invalid_field', node_id: 'hello', path: 'nodes.1.data.text' }),
      expect.objectContaining({ code: 'invalid_field', node_id: 'mystery' }),
      expect.objectContaining({ code: 'unknown_edge_target', edge_id: 'e3' }),
      expect.objectContaining({ code: 'unreachable_node', node_id: 'island' }),
    ]));
    for (const d of details) expect(d.node_id ?? d.edge_id, JSON.stringify(d)).toBeDefined();
    const list = await call(t.app, { method: 'GET', url: '/flows?limit=200', token: a });
    expect(list.json().data.map((f: { name: string }) => f.name)).not.toContain('Broken');
  });

  it('checks agent nodes against this org\'s agents and api_call nodes against its tools', async () => {
    const agentA = await create(t.app, a, '/agents', { name: 'Closer' });
    const ok = await call(t.app, { method: 'POST', url: '/flows', token: a, body: flowToAgent(agentA.id) });
    expect(ok.statusCode, ok.body).toBe(201);

    // Org B naming A's agent gets the same problem as naming an agent that never existed.
    const foreign = await call(t.app, { method: 'POST', url: '/flows', token: b, body: flowToAgent(agentA.id) });
    const ghostId = randomUUID();
    const ghost = await call(t.app, { method: 'POST', url: '/flows', token: b, body: flowToAgent(ghostId) });
    const problem = expectError(foreign, 400).details![0];
    expect(problem).toMatchObject({ code: 'unknown_agent', node_id: 'handoff', path: 'nodes.1.data.agent_id' });
    expect(foreign.body.replaceAll(agentA.id, ghostId)).toBe(ghost.body);

    const withTool = {
      name: 'Lookup',
      nodes: [
        { id: 'start', type: 'entry', data: {} },
        { id: 'lookup', type: 'api_call', data: { tool_id: randomUUID() } },
        { id: 'bye', type: 'end_call', data: {} },
      ],
      edges: [{ id: 'e1', source: 'start', target: 'lookup' }, { id: 'e2', source: 'lookup', target: 'bye' }],
    };
    const tool = expectError(await call(t.app, { method: 'POST', url: '/flows', token: a, body: withTool }), 400);
    expect(tool.details).toEqual([expect.objectContaining({ code: 'unknown_tool', node_id: 'lookup' })]);

    // With a tool of this org the same node validates; another org naming that tool still gets unknown_tool.
    const created = await call(t.app, {
      method: 'POST',
      url: '/tools',
      token: a,
      body: { name: 'lookup_order', description: 'Order lookup', type: 'http', parameters: { type: 'object', properties: {} }, config: { method: 'GET', url: 'https://api.example.com/orders' } },
    });
    expect(created.statusCode, created.body).toBe(201);
    const toolId = created.json().id as string;
    const withOwnTool = { ...withTool, nodes: withTool.nodes.map((n) => (n.id === 'lookup' ? { ...n, data: { tool_id: toolId } } : n)) };
    const valid = await call(t.app, { method: 'POST', url: '/flows', token: a, body: withOwnTool });
    expect(valid.statusCode, valid.body).toBe(201);
    const crossOrg = expectError(await call(t.app, { method: 'POST', url: '/flows', token: b, body: withOwnTool }), 400);
    expect(crossOrg.details).toEqual([expect.objectContaining({ code: 'unknown_tool', node_id: 'lookup' })]);
  });

  it('PUT replaces the document; PATCH merges over it and validates the result; both bump the version', async () => {
    const f = await create(t.app, a, '/flows', { ...minimalFlow('V'), variables: [{ name: 'campaign', default: 'inbound' }] });
    const renamed = await call(t.app, { method: 'PATCH', url: `/flows/${f.id}`, token: a, body: { name: 'V renamed' } });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'V renamed', nodes: f.nodes, edges: f.edges, variables: f.variables, version: 2, created_at: f.created_at });
    expect(await lastAudit(t.app, a, 'flow.updated')).toMatchObject({ target_id: f.id, before: { name: 'V', version: 1 }, after: { name: 'V renamed', version: 2 } });

    // A patch that breaks the graph is rejected with node ids, and nothing is stored.
    const broken = await call(t.app, { method: 'PATCH', url: `/flows/${f.id}`, token: a, body: { edges: [] } });
    expect(expectError(broken, 400).details).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'missing_next_edge', node_id: 'start' })]));
    expect((await call(t.app, { method: 'GET', url: `/flows/${f.id}`, token: a })).json()).toEqual(renamed.json());

    // PUT without variables clears them: a full replace.
    const replaced = await call(t.app, { method: 'PUT', url: `/flows/${f.id}`, token: a, body: examples.ivr_menu });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json()).toMatchObject({ name: examples.ivr_menu.name, nodes: examples.ivr_menu.nodes, variables: [], version: 3 });
    expectError(await call(t.app, { method: 'PUT', url: `/flows/${f.id}`, token: a, body: { name: 'no graph' } }), 400);
    expectError(await call(t.app, { method: 'PATCH', url: `/flows/${f.id}`, token: a, body: {} }), 400);
    expectError(await call(t.app, { method: 'PATCH', url: `/flows/${f.id}`, token: a, body: { version: 9 } }), 400);
  });

  it('deleting a flow detaches it from the agents that use it (flow_id → null), audited on each', async () => {
    const f = await create(t.app, a, '/flows', minimalFlow('Shared'));
    const users = [await create(t.app, a, '/agents', { name: 'U1', flow_id: f.id }), await create(t.app, a, '/agents', { name: 'U2', flow_id: f.id })];
    const bystander = await create(t.app, a, '/agents', { name: 'Bystander' });
    expect((await call(t.app, { method: 'DELETE', url: `/flows/${f.id}`, token: a })).statusCode).toBe(204);
    for (const u of users) {
      const now = (await call(t.app, { method: 'GET', url: `/agents/${u.id}`, token: a })).json();
      expect(now.flow_id).toBeNull();
      expect(Date.parse(now.updated_at)).toBeGreaterThan(Date.parse(u.updated_at));
    }
    expect((await call(t.app, { method: 'GET', url: `/agents/${bystander.id}`, token: a })).json()).toEqual(bystander);
    const deleted = await lastAudit(t.app, a, 'flow.deleted');
    expect(deleted.before).toMatchObject({ id: f.id, used_by_agent_ids: users.map((u) => u.id).sort() });
    const detached = await call(t.app, { method: 'GET', url: '/audit-log?action=agent.flow_detached&limit=10', token: a });
    expect(detached.json().data.map((e: { target_id: string }) => e.target_id)).toEqual(expect.arrayContaining(users.map((u) => u.id)));
    expect(detached.json().data[0]).toMatchObject({ before: { flow_id: f.id }, after: { flow_id: null } });

    const missing = await call(t.app, { method: 'GET', url: `/flows/${randomUUID()}`, token: a });
    for (const method of ['GET', 'DELETE'] as const) {
      const res = await call(t.app, { method, url: `/flows/${f.id}`, token: a });
      expectError(res, 404);
      expect(res.body).toBe(missing.body);
    }
  });

  it('refuses (409) to delete a flow or agent that a channel still routes to, and changes nothing', async () => {
    // app.channels (migration 0005) references agents and flows without ON DELETE on purpose.
    const f = await create(t.app, a, '/flows', minimalFlow('Routed'));
    const user = await create(t.app, a, '/agents', { name: 'Uses routed', flow_id: f.id });
    const routed = await create(t.app, a, '/agents', { name: 'Routed agent' });
    await withOrg(t.deps.db, { orgId: orgA }, async (tx) => {
      await tx.query(`insert into app.channels (org_id, id, name, type, provider, flow_id) values ($1, $2, 'Web flow', 'web', 'web', $3)`, [tx.orgId, randomUUID(), f.id]);
      await tx.query(`insert into app.channels (org_id, id, name, type, provider, agent_id) values ($1, $2, 'Web agent', 'web', 'web', $3)`, [tx.orgId, randomUUID(), routed.id]);
    });
    const flowDelete = await call(t.app, { method: 'DELETE', url: `/flows/${f.id}`, token: a });
    expect(expectError(flowDelete, 409).message).toMatch(/still used/);
    expect((await call(t.app, { method: 'GET', url: `/flows/${f.id}`, token: a })).statusCode).toBe(200);
    // The agent detach ran in the same transaction and was rolled back with it.
    expect((await call(t.app, { method: 'GET', url: `/agents/${user.id}`, token: a })).json()).toEqual(user);
    expectError(await call(t.app, { method: 'DELETE', url: `/agents/${routed.id}`, token: a }), 409);
    expect((await call(t.app, { method: 'GET', url: `/agents/${routed.id}`, token: a })).statusCode).toBe(200);
  });

  it('pages flows with a cursor and keeps bodies within the limits', async () => {
    const fresh = (await signup(t.app, 'Flow paging')).access_token;
    for (let i = 0; i < 3; i++) await create(t.app, fresh, '/flows', minimalFlow(`f${i}`));
    const first = (await call(t.app, { method: 'GET', url: '/flows?limit=2', token: fresh })).json();
    expect(first.data.map((f: { name: string }) => f.name)).toEqual(['f2', 'f1']);
    const second = (await call(t.app, { method: 'GET', url: `/flows?limit=2&cursor=${first.next_cursor}`, token: fresh })).json();
    expect(second).toMatchObject({ data: [{ name: 'f0' }], next_cursor: null });

    const tooMany = { name: 'Huge', nodes: Array.from({ length: 501 }, (_, i) => ({ id: `n${i}`, type: 'speak', data: { text: 'x' } })), edges: [] };
    expectError(await call(t.app, { method: 'POST', url: '/flows', token: fresh, body: tooMany }), 400);
    const huge = { ...minimalFlow('Big'), nodes: [...minimalFlow().nodes, { id: 'pad', type: 'speak', data: { text: 'x'.repeat(1_100_000) } }] };
    expectError(await call(t.app, { method: 'POST', url: '/flows', token: fresh, body: huge }), 413);
  });

  it('documents both resources in the OpenAPI document', async () => {
    const doc = (await call(t.app, { method: 'GET', url: '/api/v1/openapi.json' })).json();
    for (const path of ['/api/v1/agents', '/api/v1/agents/{id}', '/api/v1/flows', '/api/v1/flows/{id}']) expect(Object.keys(doc.paths)).toContain(path);
    expect(Object.keys(doc.paths['/api/v1/flows/{id}'])).toEqual(expect.arrayContaining(['get', 'put', 'patch', 'delete']));
    expect(JSON.stringify(doc.paths['/api/v1/flows'].post)).toContain('dtmf_menu');
  });
});
