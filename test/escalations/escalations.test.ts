import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionRuntime } from '../../src/pipeline/index.js';
import type { SessionUpdate } from '../../src/pipeline/index.js';
import { call, createOrg, type TestOrg } from '../helpers/api.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { expectError } from '../http/support.js';
import { created, createAgent, say, startSession } from '../sessions/support.js';
import { handedOffSession, post } from './support.js';

describe(`escalations end to end (${modeName})`, () => {
  let t: TestApp;
  let a: TestOrg;
  let agentId: string;

  beforeAll(async () => {
    // The webhook endpoint points at a closed local port: only the delivery rows are checked.
    t = await createTestApp({ config: { allowPrivateNetwork: true } });
    a = await createOrg(t.app, 'Escalations A');
    agentId = (await createAgent(t.app, a.tokens.admin, { tools_builtin: ['human_handoff', 'end_call'] })).id;
  });
  afterAll(async () => t?.close());

  it('handoff → queue → claim → the human reply reaches the caller → release → the agent answers again', async () => {
    const updates: SessionUpdate[] = [];
    const unsubscribe = sessionRuntime(t.deps).bus.subscribeAll((u) => {
      if (u.orgId === a.id) updates.push(u);
    });
    const { sessionId, escalationId } = await handedOffSession(t.app, a, agentId);

    // In the queue, with its reason and the call's transcript.
    const waiting = await call(t.app, { method: 'GET', url: '/escalations?status=waiting&queue=default', token: a.tokens.support_agent });
    expect(waiting.statusCode, waiting.body).toBe(200);
    expect(waiting.json().data.map((e: { id: string }) => e.id)).toContain(escalationId);
    const detail = (await call(t.app, { method: 'GET', url: `/escalations/${escalationId}`, token: a.tokens.support_agent })).json();
    expect(detail).toMatchObject({ id: escalationId, call_id: sessionId, status: 'waiting', queue: 'default', reason: 'caller asked for a person', claimed_by: null, call: { id: sessionId, status: 'escalated', agent_id: agentId } });
    expect(detail.call.transcript.map((m: { role: string; text: string }) => m.text)).toContain('I want to talk to a human');

    // Claim: the support agent holds it; someone else's claim is a 409.
    const claimed = await post(t.app, a.tokens.support_agent, `/escalations/${escalationId}/claim`);
    expect(claimed.statusCode, claimed.body).toBe(200);
    expect(claimed.json()).toMatchObject({ status: 'claimed', claimed_by: { type: 'user', id: a.userIds.support_agent } });
    expect((await post(t.app, a.tokens.support_agent, `/escalations/${escalationId}/claim`)).statusCode).toBe(200);
    expectError(await post(t.app, a.apiKey, `/escalations/${escalationId}/claim`), 409);

    // The caller writes while waiting: recorded for the person, no agent answer.
    const waitingCaller = await say(t.app, a.tokens.member, sessionId, 'Hello? Is anyone there?');
    expect(waitingCaller.statusCode, waitingCaller.body).toBe(200);
    expect(waitingCaller.json()).toMatchObject({ status: 'escalated', messages: [] });

    // The person writes: the caller's channel receives it (the session bus), and the transcript has it.
    const wrote = await post(t.app, a.tokens.support_agent, `/escalations/${escalationId}/messages`, { text: 'Hi, this is Dana. How can I help?' });
    expect(wrote.statusCode, wrote.body).toBe(200);
    const delivered = updates.find((u) => u.sessionId === sessionId && u.cause === 'human_message');
    expect(delivered?.reply.messages).toEqual([{ role: 'human', text: 'Hi, this is Dana. How can I help?' }]);
    const session = (await call(t.app, { method: 'GET', url: `/sessions/${sessionId}`, token: a.tokens.member })).json();
    expect(session.messages.slice(-2).map((m: { role: string; text: string }) => [m.role, m.text])).toEqual([
      ['caller', 'Hello? Is anyone there?'],
      ['human', 'Hi, this is Dana. How can I help?'],
    ]);

    // Release: back to the agent, which answers the next caller message.
    const released = await post(t.app, a.tokens.support_agent, `/escalations/${escalationId}/release`);
    expect(released.statusCode, released.body).toBe(200);
    expect(released.json()).toMatchObject({ status: 'closed', closed_reason: 'released', closed_by: { type: 'user', id: a.userIds.support_agent } });
    const again = await say(t.app, a.tokens.member, sessionId, 'Thanks. Goodbye!');
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ status: 'ended', ended_reason: 'completed' });
    expect(again.json().messages[0]).toMatchObject({ role: 'agent', text: expect.stringMatching(/Goodbye/) });
    expectError(await post(t.app, a.tokens.support_agent, `/escalations/${escalationId}/messages`, { text: 'still there?' }), 409);

    const c = (await call(t.app, { method: 'GET', url: `/calls/${sessionId}`, token: a.tokens.admin })).json();
    expect(c).toMatchObject({ status: 'ended', outcome: 'completed' });
    const audit = (await call(t.app, { method: 'GET', url: '/audit-log?limit=200', token: a.tokens.owner })).json().data as Array<{ action: string; target_id: string }>;
    expect(audit.filter((e) => e.target_id === escalationId).map((e) => e.action).sort()).toEqual(['escalation.claimed', 'escalation.released']);
    unsubscribe();
  });

  it('close ends the session (closed_by_support, outcome escalated) and sends call.ended once; the caller then gets 409', async () => {
    const endpoint = await created(t.app, a.tokens.admin, '/webhook-endpoints', { url: 'http://127.0.0.1:9/hook', events: ['escalation.created', 'call.ended'] });
    const { sessionId, escalationId } = await handedOffSession(t.app, a, agentId);
    await post(t.app, a.tokens.support_agent, `/escalations/${escalationId}/claim`);
    const closed = await post(t.app, a.tokens.support_agent, `/escalations/${escalationId}/close`);
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ status: 'closed', closed_reason: 'closed', call: { status: 'ended' } });
    const c = (await call(t.app, { method: 'GET', url: `/calls/${sessionId}`, token: a.tokens.admin })).json();
    expect(c).toMatchObject({ status: 'ended', ended_reason: 'closed_by_support', outcome: 'escalated' });
    expect(c.ended_at).not.toBeNull();
    expectError(await say(t.app, a.tokens.member, sessionId, 'hello?'), 409);
    expectError(await post(t.app, a.tokens.support_agent, `/escalations/${escalationId}/release`), 409);
    const audit = (await call(t.app, { method: 'GET', url: '/audit-log?limit=200', token: a.tokens.owner })).json().data as Array<{ action: string; target_id: string; actor: { id: string } }>;
    expect(audit.filter((e) => e.target_id === escalationId).map((e) => [e.action, e.actor.id]).sort()).toEqual([
      ['escalation.claimed', a.userIds.support_agent],
      ['escalation.closed', a.userIds.support_agent],
    ]);

    const payloads = await t.testDb.admin.transaction((q) => q<{ event_type: string; payload: { data: Record<string, unknown> } }>(
      'select event_type, payload from app.webhook_deliveries where endpoint_id = $1 order by created_at', [endpoint.id]));
    expect(payloads.rows.map((r) => r.event_type)).toEqual(['escalation.created', 'call.ended']);
    expect(payloads.rows[0]!.payload.data).toEqual({ escalation_id: escalationId, call_id: sessionId, queue: 'default', reason: 'caller asked for a person', channel: 'text', agent_id: agentId, flow_id: null });
    expect(payloads.rows[1]!.payload.data).toMatchObject({ call_id: sessionId, outcome: 'escalated', ended_reason: 'closed_by_support' });
  });

  it("a flow's human_handoff node queues with its queue and rendered reason, in the session's first turn", async () => {
    const flow = await created(t.app, a.tokens.admin, '/flows', {
      name: 'straight to a person',
      nodes: [{ id: 'start', type: 'entry', data: {} }, { id: 'h', type: 'human_handoff', data: { queue: 'billing', message: 'One moment.', reason: 'Billing question from {{channel}}' } }],
      edges: [{ id: 'e1', source: 'start', target: 'h' }],
    });
    const s = (await startSession(t.app, a.tokens.member, { flow_id: flow.id })).json();
    expect(s.status).toBe('escalated');
    const list = (await call(t.app, { method: 'GET', url: '/escalations?queue=billing', token: a.tokens.support_agent })).json();
    expect(list.data).toEqual([expect.objectContaining({ call_id: s.id, queue: 'billing', reason: 'Billing question from text', status: 'waiting' })]);
    // No agent to go back to: release is refused and nothing changes; close works.
    const id = list.data[0].id as string;
    await post(t.app, a.tokens.support_agent, `/escalations/${id}/claim`);
    expectError(await post(t.app, a.tokens.support_agent, `/escalations/${id}/release`), 409);
    expect((await call(t.app, { method: 'GET', url: `/escalations/${id}`, token: a.tokens.support_agent })).json()).toMatchObject({ status: 'claimed', call: { status: 'escalated' } });
    expect((await post(t.app, a.tokens.admin, `/escalations/${id}/close`)).statusCode).toBe(200);
  });

  it('who may act: the claimer or an owner/admin; a waiting escalation must be claimed first; a caller hang-up closes it', async () => {
    const { sessionId, escalationId } = await handedOffSession(t.app, a, agentId);
    expectError(await post(t.app, a.tokens.support_agent, `/escalations/${escalationId}/messages`, { text: 'hi' }), 409);
    expect((await post(t.app, a.tokens.admin, `/escalations/${escalationId}/messages`, { text: 'A supervisor here.' })).statusCode).toBe(200);
    await post(t.app, a.tokens.support_agent, `/escalations/${escalationId}/claim`);
    expectError(await post(t.app, a.tokens.member, `/escalations/${escalationId}/messages`, { text: 'hi' }), 403);
    expectError(await post(t.app, a.tokens.support_agent, `/escalations/${escalationId}/messages`, { text: '   ' }), 400);
    expectError(await post(t.app, a.tokens.support_agent, `/escalations/${escalationId}/messages`, { text: 'x'.repeat(4001) }), 400);

    const ended = await call(t.app, { method: 'POST', url: `/sessions/${sessionId}/end`, token: a.tokens.member });
    expect(ended.json()).toMatchObject({ status: 'ended', ended_reason: 'caller_hangup' });
    expect((await call(t.app, { method: 'GET', url: `/escalations/${escalationId}`, token: a.tokens.support_agent })).json()).toMatchObject({ status: 'closed', closed_reason: 'caller_hangup', closed_by: null });
    expect((await call(t.app, { method: 'GET', url: `/calls/${sessionId}`, token: a.tokens.admin })).json()).toMatchObject({ outcome: 'escalated', ended_reason: 'caller_hangup' });
  });

  it('lists page by cursor, filter by status, and refuse bad filters', async () => {
    for (let i = 0; i < 3; i++) await handedOffSession(t.app, a, agentId);
    const first = (await call(t.app, { method: 'GET', url: '/escalations?limit=2', token: a.tokens.support_agent })).json();
    expect(first.data).toHaveLength(2);
    const second = (await call(t.app, { method: 'GET', url: `/escalations?limit=2&cursor=${first.next_cursor}`, token: a.tokens.support_agent })).json();
    expect(second.data.map((e: { id: string }) => e.id)).not.toContain(first.data[0].id);
    const closed = (await call(t.app, { method: 'GET', url: '/escalations?status=closed&limit=200', token: a.tokens.support_agent })).json();
    expect(closed.data.length).toBeGreaterThan(0);
    expect(closed.data.every((e: { status: string }) => e.status === 'closed')).toBe(true);
    expectError(await call(t.app, { method: 'GET', url: '/escalations?status=open', token: a.tokens.support_agent }), 400);
    expectError(await call(t.app, { method: 'GET', url: '/escalations?cursor=nope', token: a.tokens.support_agent }), 400);
  });
});
