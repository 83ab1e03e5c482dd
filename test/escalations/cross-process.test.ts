/**
 * Two API instances on one PostgreSQL (docs/operations.md "Scaling out"): a person's reply sent through
 * instance A reaches the widget socket held by instance B, once; an escalation changed through A
 * appears on the console streams of B; nothing is delivered twice on the instance that did the work.
 * Waits are for frames and events, never for time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPostgres } from '../helpers/harness.js';
import { say } from '../sessions/support.js';
import { connect, sessionUrl, type Frame } from '../widget/support.js';
import { ReadableStreamFromNode, SseReader, openStream } from './sse.js';
import { handedOffSession, post } from './support.js';
import { escalationOf, NEEDS_POSTGRES, seedHandoffOrg, startTwoInstances, type Instance } from './two-instances.js';

if (!isPostgres) console.warn(`test/escalations/cross-process.test.ts skipped: ${NEEDS_POSTGRES}`);

async function stream(i: Instance, token: string): Promise<SseReader> {
  const res = await openStream(i.port, token);
  expect(res.statusCode).toBe(200);
  const r = new SseReader(ReadableStreamFromNode(res).getReader(), () => res.destroy());
  expect((await r.next())?.event).toBe('ready');
  return r;
}

describe.skipIf(!isPostgres)('two API instances on one PostgreSQL: live events cross instances', () => {
  let a: Instance;
  let b: Instance;
  let close: () => Promise<void>;
  let x: Awaited<ReturnType<typeof seedHandoffOrg>>;
  let y: Awaited<ReturnType<typeof seedHandoffOrg>>;

  beforeAll(async () => {
    ({ a, b, close } = await startTwoInstances());
    x = await seedHandoffOrg(a, 'Cross X');
    y = await seedHandoffOrg(a, 'Cross Y');
  });
  afterAll(async () => close?.());

  it("a person's replies sent through A reach the caller's widget socket on B, each once; a reply through B (the socket's own instance) once too; a close through A ends the widget session", async () => {
    const c = connect(await sessionUrl(b.w, x.org.apiKey, x.channelId));
    const session = await c.waitFor((f) => f.type === 'session');
    await c.waitFor((f) => f.type === 'message');
    c.send({ type: 'message', text: 'I want to talk to a human' });
    await c.waitFor((f) => f.type === 'message' && f.action === 'handoff');
    const escalationId = await escalationOf(a, x.org, session.id);
    expect((await post(a.t.app, x.org.tokens.support_agent, `/escalations/${escalationId}/claim`)).statusCode).toBe(200);

    const mark = c.frames.length;
    expect((await post(a.t.app, x.org.tokens.support_agent, `/escalations/${escalationId}/messages`, { text: 'Hi, Dana from instance A.' })).statusCode).toBe(200);
    expect(await c.waitFor((f) => f.type === 'message', mark)).toEqual({ type: 'message', role: 'human', text: 'Hi, Dana from instance A.' });
    expect((await post(b.t.app, x.org.tokens.support_agent, `/escalations/${escalationId}/messages`, { text: 'And Dana again, through B.' })).statusCode).toBe(200);
    await c.waitFor((f) => f.type === 'message' && f.text === 'And Dana again, through B.', mark);
    expect((await post(a.t.app, x.org.tokens.support_agent, `/escalations/${escalationId}/close`)).statusCode).toBe(200);
    expect(await c.waitFor((f) => f.type === 'ended', mark)).toEqual({ type: 'ended', reason: 'closed_by_support' });
    expect((await c.closed).code).toBe(1000);

    const human = c.frames.filter((f: Frame) => f.type === 'message' && f.role === 'human').map((f) => f.text);
    expect(human).toEqual(['Hi, Dana from instance A.', 'And Dana again, through B.']);
    expect(c.frames.filter((f) => f.type === 'ended')).toHaveLength(1);
  });

  it("an escalation created and changed through A appears on the org's console stream on B (created, claimed, message, released); the instance that did it delivers once; another org's stream on B sees none of it", async () => {
    const onB = await stream(b, x.org.tokens.support_agent);
    const onA = await stream(a, x.org.tokens.support_agent);
    const otherOrgOnB = await stream(b, y.org.tokens.support_agent);

    const { sessionId, escalationId } = await handedOffSession(a.t.app, x.org, x.agentId);
    const createdEv = (await onB.until((e) => e.event === 'created')).at(-1)!;
    expect(createdEv.data.escalation).toMatchObject({ id: escalationId, call_id: sessionId, queue: 'default' });
    expect(await onA.until((e) => e.event === 'created')).toHaveLength(1);

    await post(a.t.app, x.org.tokens.support_agent, `/escalations/${escalationId}/claim`);
    expect(await onB.next()).toMatchObject({ event: 'claimed', data: { escalation: { id: escalationId, status: 'claimed' } } });
    await say(a.t.app, x.org.tokens.member, sessionId, 'Are you there?');
    expect(await onB.next()).toMatchObject({ event: 'message', data: { escalation: { id: escalationId }, messages: [{ role: 'caller', text: 'Are you there?' }] } });
    await post(a.t.app, x.org.tokens.support_agent, `/escalations/${escalationId}/messages`, { text: 'Yes, Dana here.' });
    const message = await onB.next();
    expect(message).toMatchObject({ event: 'message', data: { messages: [{ role: 'human', text: 'Yes, Dana here.' }] } });
    expect(Object.keys(message!.data).sort()).toEqual(['escalation', 'messages']); // the same shape as a local event
    await post(b.t.app, x.org.tokens.support_agent, `/escalations/${escalationId}/release`);
    expect(await onB.next()).toMatchObject({ event: 'released', data: { escalation: { id: escalationId, status: 'closed', closed_reason: 'released' } } });

    // A saw every event once, in order: the release done on B arrived through the fan-out.
    const seenOnA = await onA.until((e) => e.event === 'released');
    expect(seenOnA.map((e) => e.event)).toEqual(['claimed', 'message', 'message', 'released']);

    // Y's stream on B: its first event is its own escalation, nothing of X before it.
    const mine = await handedOffSession(a.t.app, y.org, y.agentId);
    const seenByY = await otherOrgOnB.until((e) => e.event === 'created');
    expect(seenByY).toHaveLength(1);
    expect(seenByY[0]!.data.escalation.id).toBe(mine.escalationId);
    expect(JSON.stringify(seenByY)).not.toContain(x.org.id);
    expect(JSON.stringify(seenByY)).not.toContain(sessionId);
    for (const r of [onA, onB, otherOrgOnB]) r.cancel();
  });

  it("when B's listening connection is lost and back, B's streams end with `resync` (events may have been missed); a new stream gets A's events again", async () => {
    const onB = await stream(b, x.org.tokens.support_agent);
    const pid = b.t.deps.notify!.stats().pid;
    expect(pid).toEqual(expect.any(Number));
    const killed = await a.t.testDb.admin.transaction((q) => q<{ ok: boolean }>('select pg_terminate_backend($1) as ok', [pid]));
    expect(killed.rows).toEqual([{ ok: true }]);
    expect(await onB.until((e) => e.event === 'closed')).toEqual([{ event: 'closed', data: { reason: 'resync' } }]);
    expect(await onB.next()).toBeNull();
    expect(b.t.deps.notify!.stats().reconnects).toBe(1);

    const again = await stream(b, x.org.tokens.support_agent);
    const { escalationId } = await handedOffSession(a.t.app, x.org, x.agentId);
    expect((await again.until((e) => e.event === 'created')).at(-1)!.data.escalation.id).toBe(escalationId);
    again.cancel();
  });
});
