import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createOrg, type TestOrg } from '../helpers/api.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { createAgent, knowledgeFor, say, sseEvents, startSession } from './support.js';

const REFUNDS = '# Refunds\n\nYou can return any product within 30 days of delivery for a full refund. Refunds are paid to the original card within five business days.\n\n# Shipping\n\nStandard shipping takes three to five working days. Express shipping arrives the next working day if you order before 2 pm.';
const SECRET_DOC = 'The vault combination for the staff room is 7741. Only managers may open the staff room vault.';

describe(`sessions with the offline responder converse-local (${modeName})`, () => {
  let t: TestApp;
  let org: TestOrg;
  let agentId: string;
  let refundsDoc: string;
  let unassignedDoc: string;

  beforeAll(async () => {
    t = await createTestApp();
    org = await createOrg(t.app, 'Offline');
    const agent = await createAgent(t.app, org.tokens.admin, { tools_builtin: ['human_handoff', 'end_call'] });
    agentId = agent.id;
    refundsDoc = await knowledgeFor(t.deps, t.app, org.tokens.admin, agentId, 'Policies', REFUNDS);
    // In the org, NOT assigned to the agent: the agent must never answer from it.
    unassignedDoc = await knowledgeFor(t.deps, t.app, org.tokens.admin, null, 'Staff only', SECRET_DOC);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('greets, answers from assigned knowledge, says so when nothing matches, hands off and records the call', async () => {
    const started = await startSession(t.app, org.tokens.member, { agent_id: agentId });
    expect(started.statusCode, started.body).toBe(201);
    const s = started.json();
    expect(s).toMatchObject({ status: 'active', ended_reason: null, messages: [{ role: 'agent', text: 'Hi, this is Acme. How can I help?' }] });

    const answer = await say(t.app, org.tokens.member, s.id, 'How many days do I have to return a product for a refund?');
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json().status).toBe('active');
    expect(answer.json().messages[0].text).toMatch(/30 days/);
    expect(answer.json().messages[0].text).not.toMatch(/[#*]/); // speakable: no markdown

    const unknown = await say(t.app, org.tokens.member, s.id, 'What is the vault combination for the staff room?');
    expect(unknown.json().messages[0].text).toMatch(/couldn't find/);
    expect(unknown.json().messages[0].text).not.toMatch(/7741/);
    expect(unknown.json().messages[0].text).toMatch(/connect you with a person/);

    const person = await say(t.app, org.tokens.member, s.id, 'yes please');
    expect(person.statusCode).toBe(200);
    expect(person.json().status).toBe('escalated');
    expect(person.json().messages.some((m: { role: string; type?: string }) => m.role === 'system' && m.type === 'handoff')).toBe(true);

    const detail = await call(t.app, { method: 'GET', url: `/calls/${s.id}`, token: org.tokens.support_agent });
    expect(detail.statusCode, detail.body).toBe(200);
    const c = detail.json();
    expect(c).toMatchObject({ id: s.id, agent_id: agentId, channel: 'text', mode: 'live', status: 'escalated', outcome: 'escalated' });
    expect(c.transcript.map((m: { role: string }) => m.role)).toEqual(['agent', 'caller', 'agent', 'caller', 'agent', 'caller', 'agent', 'system']);
    expect(c.knowledge_hits.length).toBeGreaterThan(0);
    expect(c.knowledge_hits.every((h: { document_id: string }) => h.document_id === refundsDoc)).toBe(true);
    expect(c.knowledge_hits.some((h: { document_id: string }) => h.document_id === unassignedDoc)).toBe(false);
    expect(c.tool_calls.filter((x: { kind: string }) => x.kind === 'knowledge').length).toBe(2);
    expect(c.latency.length).toBe(4);
    expect(c.latency.every((l: { total_ms: number; db_ms: number }) => l.total_ms >= 0 && l.db_ms > 0)).toBe(true);
    expect(c.actions).toEqual([expect.objectContaining({ type: 'handoff', delivered: false })]);
  });

  it('ends on goodbye, then refuses further messages with 409; ending again is a 200', async () => {
    const s = (await startSession(t.app, org.tokens.admin, { agent_id: agentId, mode: 'test' })).json();
    const bye = await say(t.app, org.tokens.admin, s.id, "Thanks, that's all. Bye!");
    expect(bye.json()).toMatchObject({ status: 'ended', ended_reason: 'completed' });
    expect(bye.json().messages[0].text).toMatch(/Goodbye/);
    const after = await say(t.app, org.tokens.admin, s.id, 'hello?');
    expect(after.statusCode).toBe(409);
    const end = await call(t.app, { method: 'POST', url: `/sessions/${s.id}/end`, token: org.tokens.admin });
    expect(end.statusCode).toBe(200);
    expect(end.json().status).toBe('ended');
    const listed = await call(t.app, { method: 'GET', url: '/calls?mode=test', token: org.tokens.viewer });
    expect(listed.json().data.map((x: { id: string }) => x.id)).toContain(s.id);
    expect(listed.json().data.every((x: { mode: string }) => x.mode === 'test')).toBe(true);
  });

  it('without human_handoff enabled it says it cannot connect a person', async () => {
    const plain = await createAgent(t.app, org.tokens.admin, { greeting: null });
    const s = (await startSession(t.app, org.tokens.member, { agent_id: plain.id })).json();
    expect(s.messages[0].text).toBe('Hello, this is Helper. How can I help you?');
    const r = await say(t.app, org.tokens.member, s.id, 'I want to talk to a human');
    expect(r.json().status).toBe('active');
    expect(r.json().messages[0].text).toMatch(/can't connect you with a person/);
  });

  it('streams the reply as server-sent events: delta events, then done with the JSON body', async () => {
    const s = (await startSession(t.app, org.tokens.member, { agent_id: agentId })).json();
    const res = await call(t.app, { method: 'POST', url: `/sessions/${s.id}/messages`, token: org.tokens.member, body: { text: 'How long does express shipping take?' }, headers: { accept: 'text/event-stream' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/event-stream/);
    const events = sseEvents(res.body);
    expect(events[0]!.event).toBe('delta');
    expect(events.at(-1)!.event).toBe('done');
    const text = events.filter((e) => e.event === 'delta').map((e) => e.data.text).join('');
    expect(text).toMatch(/next working day/);
    expect(events.at(-1)!.data).toMatchObject({ id: s.id, status: 'active', messages: [{ role: 'agent', text }] });
  });

  it('an SSE request for a missing session is a plain 404, not a stream', async () => {
    const res = await call(t.app, { method: 'POST', url: '/sessions/00000000-0000-4000-8000-000000000000/messages', token: org.tokens.member, body: { text: 'hi' }, headers: { accept: 'text/event-stream' } });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });

  it('rejects bad bodies with 400', async () => {
    for (const body of [{}, { agent_id: agentId, flow_id: agentId }, { agent_id: 'nope' }, { agent_id: agentId, mode: 'dry' }, { agent_id: agentId, variables: { 'bad name': 1 } }]) {
      const res = await startSession(t.app, org.tokens.member, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
    }
    const s = (await startSession(t.app, org.tokens.member, { agent_id: agentId })).json();
    for (const body of [{}, { text: '' }, { text: 'a', dtmf: '1' }, { dtmf: '12a' }]) {
      const res = await call(t.app, { method: 'POST', url: `/sessions/${s.id}/messages`, token: org.tokens.member, body });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
    }
  });

  it('DELETE /calls/{id} removes the call and its transcript; members cannot delete', async () => {
    const s = (await startSession(t.app, org.tokens.member, { agent_id: agentId })).json();
    await say(t.app, org.tokens.member, s.id, 'refund days?');
    expect((await call(t.app, { method: 'DELETE', url: `/calls/${s.id}`, token: org.tokens.member })).statusCode).toBe(403);
    expect((await call(t.app, { method: 'DELETE', url: `/calls/${s.id}`, token: org.tokens.admin })).statusCode).toBe(204);
    expect((await call(t.app, { method: 'GET', url: `/calls/${s.id}`, token: org.tokens.admin })).statusCode).toBe(404);
    const left = await t.testDb.admin.transaction((q) => q<{ n: number }>('select count(*)::int as n from app.call_messages where call_id = $1', [s.id]));
    expect(left.rows[0]).toEqual({ n: 0 });
  });
  it("enforces the agent's max_turns", async () => {
    const limited = await createAgent(t.app, org.tokens.admin, { max_turns: 2 });
    const s = (await startSession(t.app, org.tokens.member, { agent_id: limited.id })).json();
    expect((await say(t.app, org.tokens.member, s.id, 'one')).json().status).toBe('active');
    const second = (await say(t.app, org.tokens.member, s.id, 'two')).json();
    const third = second.status === 'ended' ? second : (await say(t.app, org.tokens.member, s.id, 'three')).json();
    expect(third).toMatchObject({ status: 'ended', ended_reason: 'max_turns' });
    const c = (await call(t.app, { method: 'GET', url: `/calls/${s.id}`, token: org.tokens.member })).json();
    expect(c.turns).toBeLessThanOrEqual(3);
  });

  it('GET /calls filters by agent, status, mode, channel and time, and pages with a cursor', async () => {
    const other = await createAgent(t.app, org.tokens.admin, { name: 'Filter agent' });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await startSession(t.app, org.tokens.member, { agent_id: other.id })).json().id);
    await call(t.app, { method: 'POST', url: `/sessions/${ids[0]}/end`, token: org.tokens.member });
    const list = async (q: string) => (await call(t.app, { method: 'GET', url: `/calls?${q}`, token: org.tokens.viewer })).json();
    expect((await list(`agent_id=${other.id}`)).data.map((c: { id: string }) => c.id)).toEqual([...ids].reverse());
    expect((await list(`agent_id=${other.id}&status=ended`)).data.map((c: { id: string }) => c.id)).toEqual([ids[0]]);
    expect((await list(`agent_id=${other.id}&status=active&channel=text&mode=live`)).data).toHaveLength(2);
    expect((await list(`agent_id=${other.id}&from=2999-01-01T00:00:00Z`)).data).toHaveLength(0);
    expect((await list(`agent_id=${other.id}&to=2999-01-01T00:00:00Z`)).data).toHaveLength(3);
    expect((await list(`campaign_id=${other.id}`)).data).toHaveLength(0);
    const first = await list(`agent_id=${other.id}&limit=2`);
    expect(first.data).toHaveLength(2);
    const rest = await list(`agent_id=${other.id}&limit=2&cursor=${first.next_cursor}`);
    expect(rest.data.map((c: { id: string }) => c.id)).toEqual([ids[0]]);
    expect(rest.next_cursor).toBeNull();
    expect((await call(t.app, { method: 'GET', url: '/calls?status=gone', token: org.tokens.viewer })).statusCode).toBe(400);
  });
  it('a flow hands over to an agent node (converse-local answers from that agent\'s knowledge) and continues after it', async () => {
    const flow = await call(t.app, { method: 'POST', url: '/flows', token: org.tokens.admin, body: {
      name: 'Agent step',
      nodes: [
        { id: 'start', type: 'entry', data: {} },
        { id: 'hello', type: 'speak', data: { text: 'Welcome.' } },
        { id: 'helper', type: 'agent', data: { agent_id: agentId, max_turns: 1, context: 'The caller came from the main menu.' } },
        { id: 'bye', type: 'end_call', data: { message: 'Thanks for calling.' } },
      ],
      edges: [{ id: 'e1', source: 'start', target: 'hello' }, { id: 'e2', source: 'hello', target: 'helper' }, { id: 'e3', source: 'helper', target: 'bye' }],
    } });
    expect(flow.statusCode, flow.body).toBe(201);
    const s = await startSession(t.app, org.tokens.member, { flow_id: flow.json().id });
    expect(s.statusCode, s.body).toBe(201);
    expect(s.json().messages.map((m: { text: string }) => m.text)).toEqual(['Welcome.', 'Hi, this is Acme. How can I help?']);
    const r = await say(t.app, org.tokens.member, s.json().id, 'How many days do I have to return a product?');
    expect(r.json().messages.map((m: { text: string }) => m.text)).toEqual([expect.stringMatching(/30 days/), 'Thanks for calling.']);
    expect(r.json()).toMatchObject({ status: 'ended', ended_reason: 'completed' });
  });
  it('an agent with a flow_id runs that flow, with itself as the session agent', async () => {
    const flow = await call(t.app, { method: 'POST', url: '/flows', token: org.tokens.admin, body: {
      name: 'Front door',
      nodes: [{ id: 'start', type: 'entry', data: {} }, { id: 'hi', type: 'speak', data: { text: 'Flow first.' } }, { id: 'bye', type: 'end_call', data: {} }],
      edges: [{ id: 'e1', source: 'start', target: 'hi' }, { id: 'e2', source: 'hi', target: 'bye' }],
    } });
    const withFlow = await createAgent(t.app, org.tokens.admin, { flow_id: flow.json().id });
    const s = await startSession(t.app, org.tokens.member, { agent_id: withFlow.id });
    expect(s.json()).toMatchObject({ status: 'ended', ended_reason: 'completed', messages: [{ role: 'agent', text: 'Flow first.' }] });
    const c = (await call(t.app, { method: 'GET', url: `/calls/${s.json().id}`, token: org.tokens.member })).json();
    expect(c).toMatchObject({ agent_id: withFlow.id, flow_id: flow.json().id, turns: 0 });
  });
});
