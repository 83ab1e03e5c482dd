/**
 * Adversarial review of the session runtime (issue 13): what a demanding user hits. A flow with an
 * ai_classify node keeps working (keywords) when its agent's provider cannot give a model, also for
 * ending the session; a model reply longer than a transcript entry may hold is stored shortened
 * instead of failing the turn.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeLlm, type FakeLlm } from '../fakes/llm-server/index.js';
import { call, createOrg, type TestOrg } from '../helpers/api.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { startSession as startRuntimeSession, sendToSession } from '../../src/pipeline/index.js';
import { createAgent, created, say, startSession } from './support.js';

const KEY = 'sk-review-test';

describe(`sessions review (${modeName})`, () => {
  let t: TestApp;
  let llm: FakeLlm;
  let a: TestOrg;

  beforeAll(async () => {
    llm = await startFakeLlm({ apiKey: KEY });
    t = await createTestApp({ config: { allowPrivateNetwork: true } });
    a = await createOrg(t.app, 'Review A');
  });
  afterAll(async () => {
    await t?.close();
    await llm?.close();
  });
  beforeEach(() => llm.reset());

  it("an ai_classify flow whose agent's provider cannot give a model classifies by keywords; the session starts, runs and ends", async () => {
    // openai_compatible without default_model and an agent without llm_model: resolving the model fails (422).
    const provider = await created(t.app, a.tokens.admin, '/providers', { name: 'no model', kind: 'openai_compatible', base_url: llm.urls.openai });
    const flow = await created(t.app, a.tokens.admin, '/flows', {
      name: 'Router',
      nodes: [
        { id: 'start', type: 'entry', data: {} },
        { id: 'route', type: 'ai_classify', data: { prompt: 'What can I do for you?', variable: 'intent', classes: [{ label: 'billing', edge_id: 'to-billing', examples: ['invoice'] }, { label: 'sales', edge_id: 'to-sales', examples: ['price'] }], default_edge_id: 'to-sales' } },
        { id: 'billing', type: 'collect', data: { variable: 'invoice', prompt: 'Your invoice number?', validation: 'digits' } },
        { id: 'sales', type: 'end_call', data: { message: 'Sales is closed.' } },
      ],
      edges: [
        { id: 'e1', source: 'start', target: 'route' },
        { id: 'to-billing', source: 'route', target: 'billing' },
        { id: 'to-sales', source: 'route', target: 'sales' },
        { id: 'e4', source: 'billing', target: 'sales' },
      ],
    });
    const agent = await createAgent(t.app, a.tokens.admin, { llm_provider_id: provider.id, flow_id: flow.id });
    const s = await startSession(t.app, a.tokens.member, { agent_id: agent.id });
    expect(s.statusCode, s.body).toBe(201);
    expect(s.json().messages.map((m: { text: string }) => m.text)).toEqual(['What can I do for you?']);
    const r = await say(t.app, a.tokens.member, s.json().id, 'a question about my invoice');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ status: 'active', variables: { intent: 'billing' }, messages: [{ text: 'Your invoice number?' }] });
    const end = await call(t.app, { method: 'POST', url: `/sessions/${s.json().id}/end`, token: a.tokens.member });
    expect(end.statusCode, end.body).toBe(200);
    expect(end.json()).toMatchObject({ status: 'ended', ended_reason: 'caller_hangup' });
    expect(llm.completions()).toHaveLength(0);
  });

  it("a flow whose api_call tool or agent node's agent was deleted is a 422 naming the node at start, not a 404, and creates nothing", async () => {
    const tool = await created(t.app, a.tokens.admin, '/tools', { name: 'gone', parameters: { type: 'object', properties: {} }, config: { method: 'GET', url: 'http://127.0.0.1:9/x' } });
    const agent = await createAgent(t.app, a.tokens.admin);
    const flows = [
      await created(t.app, a.tokens.admin, '/flows', {
        name: 'uses tool',
        nodes: [{ id: 'start', type: 'entry', data: {} }, { id: 'lookup', type: 'api_call', data: { tool_id: tool.id, arguments: {} } }, { id: 'bye', type: 'end_call', data: { message: 'ok' } }],
        edges: [{ id: 'e1', source: 'start', target: 'lookup' }, { id: 'e2', source: 'lookup', target: 'bye' }],
      }),
      await created(t.app, a.tokens.admin, '/flows', {
        name: 'uses agent',
        nodes: [{ id: 'start', type: 'entry', data: {} }, { id: 'helper', type: 'agent', data: { agent_id: agent.id } }],
        edges: [{ id: 'e1', source: 'start', target: 'helper' }],
      }),
    ];
    expect((await call(t.app, { method: 'DELETE', url: `/tools/${tool.id}`, token: a.tokens.admin })).statusCode).toBe(204);
    expect((await call(t.app, { method: 'DELETE', url: `/agents/${agent.id}`, token: a.tokens.admin })).statusCode).toBe(204);
    const count = async () => (await call(t.app, { method: 'GET', url: '/calls?limit=200', token: a.tokens.admin })).json().data.length;
    const before = await count();
    for (const [flow, node, field] of [[flows[0], 'lookup', 'tool_id'], [flows[1], 'helper', 'agent_id']] as const) {
      const res = await startSession(t.app, a.tokens.member, { flow_id: flow.id });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().error.message).toContain(`"${node}"`);
      expect(res.json().error.details).toEqual([{ path: `flow.nodes.${node}.data.${field}`, message: 'not found in this organization' }]);
    }
    expect(await count()).toBe(before);
  });

  it('DELETE /calls/{id} removes every row of the call, and its audit entry keeps no phone number or words', async () => {
    const agent = await createAgent(t.app, a.tokens.admin);
    const s = await startRuntimeSession(t.deps, { orgId: a.id }, { agent_id: agent.id, from_number: '+14155550111', to_number: '+14155550122' });
    await sendToSession(t.deps, { orgId: a.id }, s.id, { type: 'text', text: 'my secret words' });
    const del = await call(t.app, { method: 'DELETE', url: `/calls/${s.id}`, token: a.tokens.admin });
    expect(del.statusCode, del.body).toBe(204);
    for (const table of ['calls', 'call_messages', 'call_tool_calls', 'call_knowledge_hits', 'call_turns']) {
      const column = table === 'calls' ? 'id' : 'call_id';
      const n = (await t.testDb.admin.transaction((q) => q<{ n: number }>(`select count(*)::int as n from app.${table} where org_id = $1 and ${column} = $2`, [a.id, s.id]))).rows[0]!.n;
      expect(n, table).toBe(0);
    }
    const audit = (await call(t.app, { method: 'GET', url: '/audit-log?action=call.deleted', token: a.tokens.owner })).json().data;
    const entry = audit.find((e: { target_id: string }) => e.target_id === s.id);
    expect(entry).toBeDefined();
    const text = JSON.stringify(entry);
    expect(text).not.toContain('4155550111');
    expect(text).not.toContain('4155550122');
    expect(text).not.toContain('secret words');
  });

  it("GET /calls filtered by another org's agent or flow id lists nothing, exactly as an unknown id", async () => {
    const b = await createOrg(t.app, 'Review B');
    const bAgent = await createAgent(t.app, b.tokens.admin);
    const bFlow = await created(t.app, b.tokens.admin, '/flows', {
      name: 'B flow', nodes: [{ id: 'start', type: 'entry', data: {} }, { id: 'hi', type: 'collect', data: { variable: 'x', prompt: 'Hi', validation: 'free_text' } }, { id: 'bye', type: 'end_call', data: {} }],
      edges: [{ id: 'e1', source: 'start', target: 'hi' }, { id: 'e2', source: 'hi', target: 'bye' }],
    });
    expect((await startSession(t.app, b.tokens.member, { agent_id: bAgent.id })).statusCode).toBe(201);
    expect((await startSession(t.app, b.tokens.member, { flow_id: bFlow.id })).statusCode).toBe(201);
    const unknown = '00000000-0000-4000-8000-00000000abcd';
    for (const [name, theirs] of [['agent_id', bAgent.id], ['flow_id', bFlow.id], ['campaign_id', unknown]] as const) {
      const mine = await call(t.app, { method: 'GET', url: `/calls?${name}=${theirs}`, token: a.tokens.owner });
      const none = await call(t.app, { method: 'GET', url: `/calls?${name}=${unknown}`, token: a.tokens.owner });
      expect(mine.statusCode).toBe(200);
      expect(mine.json()).toEqual({ data: [], next_cursor: null });
      expect(mine.body).toBe(none.body);
      expect((await call(t.app, { method: 'GET', url: `/calls?${name}=${theirs}`, token: b.tokens.owner })).json().data.length).toBe(name === 'campaign_id' ? 0 : 1);
    }
  });

  it('a model reply longer than a transcript entry holds is answered whole and stored shortened, not a failed turn', async () => {
    const provider = await created(t.app, a.tokens.admin, '/providers', { name: 'fake', kind: 'openai_compatible', base_url: llm.urls.openai, default_model: 'fake-model', credentials: { api_key: KEY } });
    const agent = await createAgent(t.app, a.tokens.admin, { llm_provider_id: provider.id });
    const s = (await startSession(t.app, a.tokens.member, { agent_id: agent.id })).json();
    const long = `${'All work and no play. '.repeat(2000)}The end.`; // ~44,000 characters
    llm.enqueue({ text: long, chunks: 8 });
    const r = await say(t.app, a.tokens.member, s.id, 'write me an essay');
    expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
    expect(r.json().messages[0].text).toBe(long.trim());
    const detail = (await call(t.app, { method: 'GET', url: `/calls/${s.id}`, token: a.tokens.admin })).json();
    const stored = detail.transcript.find((m: { role: string; turn: number }) => m.role === 'agent' && m.turn === 1);
    expect(stored.text.length).toBeLessThanOrEqual(32000);
    expect(stored.text.length).toBeGreaterThan(31000);
    expect(long.startsWith(stored.text.replace(/…$/, ''))).toBe(true);
    expect(detail.turns).toBe(1);
  });
});
