/**
 * Isolation of the cross-process fan-out (PostgreSQL LISTEN/NOTIFY; src/platform/db/notify.ts,
 * src/pipeline/session/fanout.ts, src/features/escalations/fanout.ts). The channel is open to every
 * role that can connect to the database, so these tests write on it directly, as an attacker with a
 * database login would: a notification naming org Y with org X's escalation or session reaches nobody
 * (the receiver re-reads inside Y's transaction and finds nothing), malformed or forged payloads are
 * dropped and counted, and a forged `ended` cannot end a live connection. Two API instances in one
 * test process: A does the work, B holds the subscribers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionRuntime, type SessionUpdate } from '../../src/pipeline/index.js';
import { isPostgres } from '../helpers/harness.js';
import { ReadableStreamFromNode, SseReader, openStream } from '../escalations/sse.js';
import { handedOffSession, post } from '../escalations/support.js';
import { escalationOf, NEEDS_POSTGRES, seedHandoffOrg, startTwoInstances, type Instance } from '../escalations/two-instances.js';
import { connect, sessionUrl, type Client } from '../widget/support.js';

if (!isPostgres) console.warn(`test/isolation/cross-process.test.ts skipped: ${NEEDS_POSTGRES}`);

async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(!isPostgres)('isolation: live events across instances (LISTEN/NOTIFY)', () => {
  let a: Instance;
  let b: Instance;
  let channel: string;
  let close: () => Promise<void>;
  let x: Awaited<ReturnType<typeof seedHandoffOrg>>;
  let y: Awaited<ReturnType<typeof seedHandoffOrg>>;

  /** Writes on the fan-out's channel directly (the database's owner here; any login could). */
  const forge = (payload: unknown) =>
    a.t.testDb.admin.transaction((q) => q('select pg_notify($1, $2)', [channel, typeof payload === 'string' ? payload : JSON.stringify(payload)]));
  const ignoredOnB = () => b.t.deps.notify!.stats().ignored;

  async function stream(i: Instance, token: string): Promise<SseReader> {
    const res = await openStream(i.port, token);
    expect(res.statusCode).toBe(200);
    const r = new SseReader(ReadableStreamFromNode(res).getReader(), () => res.destroy());
    expect((await r.next())?.event).toBe('ready');
    return r;
  }

  /** A widget session of X held by B, handed off to a person and claimed (through A). */
  async function escalatedWidget(): Promise<{ c: Client; sessionId: string; escalationId: string }> {
    const c = connect(await sessionUrl(b.w, x.org.apiKey, x.channelId));
    const session = await c.waitFor((f) => f.type === 'session');
    await c.waitFor((f) => f.type === 'message');
    c.send({ type: 'message', text: 'I want to talk to a human' });
    await c.waitFor((f) => f.type === 'message' && f.action === 'handoff');
    const escalationId = await escalationOf(a, x.org, session.id);
    await post(a.t.app, x.org.tokens.support_agent, `/escalations/${escalationId}/claim`);
    return { c, sessionId: session.id as string, escalationId };
  }

  beforeAll(async () => {
    ({ a, b, channel, close } = await startTwoInstances());
    x = await seedHandoffOrg(a, 'Fan-out X');
    y = await seedHandoffOrg(a, 'Fan-out Y');
  });
  afterAll(async () => close?.());

  it("a notification naming org Y with X's escalation (created, a message turn) never reaches Y's or X's streams; Y's next event is its own", async () => {
    const yOnB = await stream(b, y.org.tokens.support_agent);
    const xOnB = await stream(b, x.org.tokens.support_agent);
    const xs = await handedOffSession(a.t.app, x.org, x.agentId);
    expect((await xOnB.until((e) => e.event === 'created')).at(-1)!.data.escalation.id).toBe(xs.escalationId);
    const before = ignoredOnB();

    const env = (d: unknown) => ({ v: 1, k: 'escalation', d });
    await forge(env({ o: y.org.id, e: xs.escalationId, y: 'created' }));
    await forge(env({ o: y.org.id, e: xs.escalationId, y: 'message', t: 1 }));
    await forge(env({ o: y.org.id, e: xs.escalationId, y: 'closed' }));

    const mine = await handedOffSession(a.t.app, y.org, y.agentId);
    const seenByY = await yOnB.until((e) => e.event === 'created');
    expect(seenByY).toHaveLength(1);
    expect(seenByY[0]!.data.escalation.id).toBe(mine.escalationId);
    expect(JSON.stringify(seenByY)).not.toContain(xs.escalationId);
    expect(JSON.stringify(seenByY)).not.toContain(xs.sessionId);
    // Re-read under Y, X's escalation does not exist: each forged notification was dropped (same per-org order as Y's own event).
    expect(ignoredOnB() - before).toBe(3);

    // X's stream got nothing from the forgeries either: its next event is the next real change of X.
    await post(a.t.app, x.org.tokens.support_agent, `/escalations/${xs.escalationId}/claim`);
    expect(await xOnB.next()).toMatchObject({ event: 'claimed', data: { escalation: { id: xs.escalationId } } });
    yOnB.cancel();
    xOnB.cancel();
  });

  it("a turn notification naming org Y with X's session reaches no subscriber, even one keyed (Y, X's session id); X's own socket gets only X's real turns", async () => {
    const { c, sessionId, escalationId } = await escalatedWidget();
    // A subscription no transport could make (its key comes from a verified token): org Y, X's session id.
    const rogue: SessionUpdate[] = [];
    const off = sessionRuntime(b.t.deps).bus.subscribe(y.org.id, sessionId, (u) => void rogue.push(u));
    const before = ignoredOnB();
    await forge({ v: 1, k: 'turn', d: { o: y.org.id, s: sessionId, t: 1, c: 'human_message', st: 'escalated', n: 1 } });
    await until(() => ignoredOnB() === before + 1, 'the forged turn to be dropped');

    const mark = c.frames.length;
    await post(a.t.app, x.org.tokens.support_agent, `/escalations/${escalationId}/messages`, { text: 'Only for X.' });
    expect(await c.waitFor((f) => f.type === 'message', mark)).toEqual({ type: 'message', role: 'human', text: 'Only for X.' });
    expect(rogue).toEqual([]);
    expect(c.frames.slice(mark).filter((f) => f.type === 'message')).toHaveLength(1);
    off();
    c.ws.close();
    await c.closed;
  });

  it("a forged `ended` for X's live session does not end its connection (the stored call decides), and replays nothing new", async () => {
    const { c, sessionId, escalationId } = await escalatedWidget();
    const mark = c.frames.length;
    // Turn 0 is the greeting; claiming ran no turn. Right org, right session, a lie about the status.
    await forge({ v: 1, k: 'turn', d: { o: x.org.id, s: sessionId, t: 1, c: 'hangup', st: 'ended', n: 0 } });
    await post(a.t.app, x.org.tokens.support_agent, `/escalations/${escalationId}/messages`, { text: 'Still here.' });
    expect(await c.waitFor((f) => f.type === 'message', mark)).toEqual({ type: 'message', role: 'human', text: 'Still here.' });
    expect(c.frames.slice(mark).filter((f) => f.type === 'ended')).toEqual([]);
    expect(c.ws.readyState).toBe(c.ws.OPEN);
    c.ws.close();
    await c.closed;
  });

  it('malformed and forged-shape payloads on the channel are dropped and counted, and delivery continues', async () => {
    const xOnB = await stream(b, x.org.tokens.support_agent);
    const before = ignoredOnB();
    const session = '00000000-0000-4000-8000-000000000001';
    const bad: unknown[] = [
      'not json',
      '{"v":1,"k":"escalation"',
      { v: 2, k: 'escalation', d: { o: x.org.id, e: session, y: 'created' } },
      { v: 1, k: 'escalation', d: { o: 'not-a-uuid', e: session, y: 'created' } },
      { v: 1, k: 'escalation', d: { o: x.org.id, e: session, y: 'deleted' } },
      { v: 1, k: 'escalation', d: { o: x.org.id, e: session, y: 'created', extra: 'field' } },
      { v: 1, k: 'escalation', d: { o: x.org.id, e: session, y: 'message' } }, // a message names its turn
      { v: 1, k: 'escalation', d: { o: x.org.id, e: session, y: 'claimed', t: 3 } },
      { v: 1, k: 'escalation', d: [x.org.id] },
      { v: 1, k: 'turn', d: { o: x.org.id, s: session, t: -1, c: 'text', st: 'active', n: 1 } },
      { v: 1, k: 'turn', d: { o: x.org.id, s: session, t: 1, c: "text'; drop table app.calls; --", st: 'active', n: 1 } },
      { v: 1, k: 'turn', d: { o: x.org.id, s: session, t: 1, c: 'text', st: 'deleted', n: 1 } },
      { v: 1, k: 'turn', d: { o: x.org.id, s: session, t: 1, c: 'text', st: 'active', n: 100_000 } },
      { v: 1, k: 'turn', d: { o: x.org.id, s: session, t: 1, c: 'text', st: 'active', n: 1, a: { 0: 'rm_rf' } } },
    ];
    for (const p of bad) await forge(p);
    // An escalation id that is not X's (it does not exist): well-formed, and dropped after the re-read.
    await forge({ v: 1, k: 'escalation', d: { o: x.org.id, e: session, y: 'created' } });

    const xs = await handedOffSession(a.t.app, x.org, x.agentId);
    const seen = await xOnB.until((e) => e.event === 'created');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.data.escalation.id).toBe(xs.escalationId);
    expect(ignoredOnB() - before).toBe(bad.length + 1);
    xOnB.cancel();
  });
});
