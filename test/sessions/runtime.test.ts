/**
 * The runtime's programmatic API (what `converse chat` and later transports use), and the optimistic
 * version check: a writer that lost the race to another process re-reads and applies its event again.
 * The "other process" is simulated by bumping the stored version while the turn's work runs (the
 * model resolver is the runtime's own extension point and runs mid-turn, outside any transaction).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowEngine, SessionRuntime, sendToSession, sessionRuntime, startSession, endSession, getSession, type SessionUpdate } from '../../src/pipeline/index.js';
import { createOrg, type TestOrg } from '../helpers/api.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { createAgent } from './support.js';

describe(`session runtime API (${modeName})`, () => {
  let t: TestApp;
  let org: TestOrg;
  let agentId: string;
  beforeAll(async () => {
    t = await createTestApp();
    org = await createOrg(t.app, 'Runtime');
    agentId = (await createAgent(t.app, org.tokens.admin)).id;
  });
  afterAll(async () => t?.close());

  it('startSession / sendToSession / endSession / getSession, with deltas to a sink', async () => {
    const scope = { orgId: org.id };
    const started = await startSession(t.deps, scope, { agent_id: agentId });
    expect(started.messages[0]).toMatchObject({ role: 'agent', text: 'Hi, this is Acme. How can I help?' });
    const deltas: string[] = [];
    const outputs: string[] = [];
    const r = await sendToSession(t.deps, scope, started.id, { type: 'text', text: 'hello' }, { onDelta: (d) => deltas.push(d), onOutput: (o) => outputs.push(o.type) });
    expect(deltas.join('')).toBe(r.messages[0]!.text);
    expect(outputs).toContain('say');
    const ended = await endSession(t.deps, scope, started.id);
    expect(ended).toMatchObject({ status: 'ended', ended_reason: 'caller_hangup' });
    const view = await getSession(t.deps, scope, started.id);
    expect(view.call.turns).toBe(1); // caller turns: the hang-up is not one
    expect(view.transcript.map((m) => m.role)).toEqual(['agent', 'caller', 'agent', 'system']);
    await expect(getSession(t.deps, { orgId: (await createOrg(t.app, 'Other')).id }, started.id)).rejects.toMatchObject({ status: 404 });
  });

  it('a stale writer re-reads the session and applies its event again (optimistic version)', async () => {
    let bumps = 0;
    let runs = 0;
    let current = '';
    const runtime = new SessionRuntime(t.deps, {
      engine: flowEngine,
      // Runs during every agent turn, outside any transaction. On the first one another "process"
      // advances the stored session, so this turn's write must lose and retry.
      resolveModel: async (_deps, ctx) => {
        runs++;
        if (bumps === 0) {
          bumps++;
          await t.testDb.admin.transaction((q) => q('update app.calls set version = version + 1 where org_id = $1 and id = $2', [ctx.org_id, current]));
        }
        return null;
      },
    });
    const scope = { orgId: org.id };
    const s = await runtime.start(scope, { agent_id: agentId });
    current = s.id;
    const before = await getSession(t.deps, scope, s.id);
    const r = await runtime.send(scope, s.id, { type: 'text', text: 'only once please' });
    expect(r.status).toBe('active');
    expect(runs).toBe(2); // the turn ran, lost the write, re-read and ran again
    const after = await getSession(t.deps, scope, s.id);
    expect(after.call.version).toBe(before.call.version + 2); // the bump + one successful write
    expect(after.call.turns).toBe(1);
    expect(after.transcript.filter((m) => m.role === 'caller').map((m) => m.text)).toEqual(['only once please']);
  });
});

describe(`session bus (${modeName})`, () => {
  let t: TestApp;
  let a: TestOrg;
  let b: TestOrg;
  let agentA: string;
  beforeAll(async () => {
    t = await createTestApp();
    a = await createOrg(t.app, 'Bus A');
    b = await createOrg(t.app, 'Bus B');
    agentA = (await createAgent(t.app, a.tokens.admin)).id;
  });
  afterAll(async () => t?.close());

  it('publishes every stored turn to the subscribers of that org and session, and only to them', async () => {
    const runtime = sessionRuntime(t.deps);
    const base = runtime.bus.size; // the runtime's own SMS/WhatsApp transport
    const all: SessionUpdate[] = [];
    const offAll = runtime.bus.subscribeAll((u) => void all.push(u));
    const s = await startSession(t.deps, { orgId: a.id }, { agent_id: agentA });
    const mine: SessionUpdate[] = [];
    const stranger: SessionUpdate[] = [];
    const offMine = runtime.bus.subscribe(a.id, s.id, (u) => void mine.push(u));
    // The same session id under another org is another key: it must never hear org A's turns.
    const offStranger = runtime.bus.subscribe(b.id, s.id, (u) => void stranger.push(u));
    // A throwing listener never breaks the turn.
    const offBroken = runtime.bus.subscribe(a.id, s.id, () => {
      throw new Error('listener bug');
    });
    const r = await sendToSession(t.deps, { orgId: a.id }, s.id, { type: 'text', text: 'hello' });
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ orgId: a.id, sessionId: s.id, channel: 'text', channelId: null, cause: 'text' });
    expect(mine[0]!.reply.messages).toEqual(r.messages);
    expect(stranger).toHaveLength(0);
    expect(all.map((u) => u.cause)).toEqual(['start', 'text']);
    offMine();
    offStranger();
    offBroken();
    await endSession(t.deps, { orgId: a.id }, s.id);
    expect(mine).toHaveLength(1);
    expect(all.at(-1)).toMatchObject({ cause: 'hangup', reply: { status: 'ended' } });
    offAll();
    expect(runtime.bus.size).toBe(base);
  });
});
