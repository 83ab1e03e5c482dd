/**
 * The runtime's programmatic API (what `converse chat` and later transports use), and the optimistic
 * version check: a writer that lost the race to another process re-reads and applies its event again.
 * The "other process" is simulated by bumping the stored version while the turn's work runs (the
 * model resolver is the runtime's own extension point and runs mid-turn, outside any transaction).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowEngine, SessionRuntime, sendToSession, startSession, endSession, getSession } from '../../src/pipeline/index.js';
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
