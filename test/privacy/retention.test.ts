/**
 * `settings.retention_days` (docs/privacy.md): the daily privacy job deletes an organization's calls
 * idle for longer than its period, with their transcripts and recordings, in batches, in that organization only.
 * Calls are backdated through the admin connection of the test database.
 *
 * PostgreSQL mode shares its database with other test files, so the jobs this file queues are run for
 * its own organizations only (the handler called as the worker would); embedded mode runs the real worker.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeRecordingChunk } from '../../src/features/calls/recordings/store.js';
import { privacyDailyJob, queuePrivacyJobs, RETENTION_BATCH } from '../../src/features/calls/privacy-job.js';
import { withOrg } from '../../src/platform/db/with-org.js';
import { createWorker, type Schedule } from '../../src/platform/jobs/index.js';
import { call, createOrg, type TestOrg } from '../helpers/api.js';
import { createTestApp, isPostgres, modeName, type TestApp } from '../helpers/harness.js';
import { createAgent, say, startSession } from '../sessions/support.js';

describe(`retention (${modeName})`, () => {
  let t: TestApp;
  let a: TestOrg; // 30 days
  let b: TestOrg; // no retention
  const agents: Record<string, string> = {};

  const admin = async (sql: string, params: unknown[] = []) => (await t.testDb.admin.transaction((q) => q<Record<string, unknown>>(sql, params))).rows;
  const count = async (table: string, orgId: string) => Number((await admin(`select count(*)::int as n from app.${table} where org_id = $1`, [orgId]))[0]!.n);
  const backdate = (id: string, days: number) =>
    admin(`update app.calls set started_at = now() - make_interval(days => $2), created_at = now() - make_interval(days => $2), updated_at = now() - make_interval(days => $2) where id = $1`, [id, days]);

  async function conversation(org: TestOrg): Promise<string> {
    const s = await startSession(t.app, org.tokens.member, { agent_id: agents[org.id] });
    expect(s.statusCode, s.body).toBe(201);
    const id = s.json().id as string;
    expect((await say(t.app, org.tokens.member, id, 'hello')).statusCode).toBe(200);
    return id;
  }

  /** Runs the queued privacy jobs of these orgs (see the file comment). */
  async function runPrivacyJobs(orgs: TestOrg[]): Promise<void> {
    if (!isPostgres) {
      const worker = createWorker(t.deps, [privacyDailyJob]);
      while ((await worker.runOnce()) > 0);
      await worker.stop();
      return;
    }
    for (const org of orgs) {
      const jobs = await withOrg(t.deps.db, { orgId: org.id }, (tx) =>
        tx.query<{ id: string }>(`update app.jobs set status = 'running', attempts = attempts + 1 where org_id = $1 and name = $2 and status = 'queued' returning id`, [org.id, privacyDailyJob.name]),
      );
      for (const job of jobs.rows) {
        await privacyDailyJob.handler({ deps: t.deps, orgId: org.id, jobId: job.id, attempt: 1, payload: { org_id: org.id }, signal: new AbortController().signal });
        await withOrg(t.deps.db, { orgId: org.id }, (tx) => tx.query(`update app.jobs set status = 'done' where org_id = $1 and id = $2`, [org.id, job.id]));
      }
    }
  }

  beforeAll(async () => {
    t = await createTestApp();
    a = await createOrg(t.app, 'Retains 30 days');
    b = await createOrg(t.app, 'Keeps everything');
    for (const org of [a, b]) agents[org.id] = (await createAgent(t.app, org.tokens.admin)).id;
  });
  afterAll(async () => t?.close());

  it('deletes only the calls (and transcripts) of the org with a retention period that are older than it', async () => {
    const oldA = await conversation(a);
    const recentA = await conversation(a);
    const oldB = await conversation(b);
    // Recordings (stored as the voice loop stores them) go with their calls.
    for (const id of [oldA, recentA]) await storeRecordingChunk(t.deps, { orgId: a.id }, id, { seq: 0, data: new Uint8Array(800).fill(0x7f) });
    await backdate(oldA, 40);
    await backdate(recentA, 20);
    await backdate(oldB, 400);
    const patched = await call(t.app, { method: 'PATCH', url: '/organization', token: a.tokens.admin, body: { settings: { retention_days: 30 } } });
    expect(patched.statusCode, patched.body).toBe(200);

    // The door queues the job of A (due), not of B (no retention, no redaction), and A only once a day.
    const queued = (await queuePrivacyJobs.run(t.deps)) as Array<{ org_id: string }>;
    expect(queued.map((q) => q.org_id)).toContain(a.id);
    expect(queued.map((q) => q.org_id)).not.toContain(b.id);
    const again = (await queuePrivacyJobs.run(t.deps)) as Array<{ org_id: string }>;
    expect(again.map((q) => q.org_id)).not.toContain(a.id);

    await runPrivacyJobs([a]);

    expect((await call(t.app, { method: 'GET', url: `/calls/${oldA}`, token: a.tokens.admin })).statusCode).toBe(404);
    expect((await call(t.app, { method: 'GET', url: `/calls/${recentA}`, token: a.tokens.admin })).statusCode).toBe(200);
    expect((await call(t.app, { method: 'GET', url: `/calls/${oldB}`, token: b.tokens.admin })).statusCode).toBe(200);
    // The rows themselves: the old call's transcript went with it.
    expect(await admin('select count(*)::int as n from app.call_messages where call_id = $1', [oldA])).toEqual([{ n: 0 }]);
    expect(Number((await admin('select count(*)::int as n from app.call_messages where call_id = $1', [oldB]))[0]!.n)).toBeGreaterThan(0);
    expect(await admin('select id from app.calls where id = any($1)', [[oldA, recentA, oldB]])).toHaveLength(2);
    expect(await admin('select call_id from app.call_recordings where call_id = any($1)', [[oldA, recentA]])).toEqual([{ call_id: recentA }]);

    const audit = await call(t.app, { method: 'GET', url: '/audit-log?action=calls.retention_deleted', token: a.tokens.owner });
    expect(audit.json().data).toEqual([expect.objectContaining({ actor: { type: 'system', id: null }, after: expect.objectContaining({ deleted: 1, retention_days: 30 }) })]);
    expect((await call(t.app, { method: 'GET', url: '/audit-log?action=calls.retention_deleted', token: b.tokens.owner })).json().data).toEqual([]);
  });

  it('deletes a large backlog in several batches and leaves newer calls', async () => {
    const c = await createOrg(t.app, 'Backlog');
    const n = RETENTION_BATCH * 2 + 7;
    await admin(
      `insert into app.calls (org_id, id, channel, state, context, started_at, created_at, updated_at)
       select $1, gen_random_uuid(), 'text', '{}', '{}', now() - interval '10 days', now() - interval '10 days', now() - interval '10 days' from generate_series(1, $2)`,
      [c.id, n],
    );
    const keep = randomUUID();
    await admin(`insert into app.calls (org_id, id, channel, state, context) values ($1, $2, 'text', '{}', '{}')`, [c.id, keep]);
    await admin(`insert into app.call_messages (org_id, call_id, seq, role, text, at) select org_id, id, 0, 'caller', 'hi', now() from app.calls where org_id = $1`, [c.id]);
    expect((await call(t.app, { method: 'PATCH', url: '/organization', token: c.tokens.owner, body: { settings: { retention_days: 7 } } })).statusCode).toBe(200);
    await queuePrivacyJobs.run(t.deps);
    await runPrivacyJobs([c]);
    expect(await admin('select id from app.calls where org_id = $1', [c.id])).toEqual([{ id: keep }]);
    expect(await count('call_messages', c.id)).toBe(1);
    const audit = (await call(t.app, { method: 'GET', url: '/audit-log?action=calls.retention_deleted', token: c.tokens.owner })).json().data;
    expect(audit[0].after.deleted).toBe(n);
  });

  it('clears the live text of sessions of a redacting org idle for a day', async () => {
    const d = await createOrg(t.app, 'Redacts');
    await call(t.app, { method: 'PATCH', url: '/organization', token: d.tokens.owner, body: { settings: { redact_pii: true } } });
    agents[d.id] = (await createAgent(t.app, d.tokens.admin)).id;
    const idle = await conversation(d);
    const fresh = await conversation(d);
    for (const id of [idle, fresh]) await say(t.app, d.tokens.member, id, 'mail me at pat@example.com');
    await admin(`update app.calls set updated_at = now() - interval '2 days' where id = $1`, [idle]);
    await queuePrivacyJobs.run(t.deps);
    await runPrivacyJobs([d]);
    const rows = await admin('select id, live_text is null as cleared from app.calls where org_id = $1 order by id', [d.id]);
    expect(Object.fromEntries(rows.map((r) => [r.id, r.cleared]))).toEqual({ [idle]: true, [fresh]: false });
    expect(await count('calls', d.id)).toBe(2); // no retention period: nothing deleted
  });

  it('a worker runs its schedules by itself, once per interval however often it polls', async () => {
    let runs = 0;
    let thirdPoll!: () => void;
    const polled = new Promise<void>((resolve) => (thirdPoll = resolve));
    const spy: Schedule = { name: 'spy', everySeconds: 3600, run: async () => void runs++ };
    // A second schedule due every poll (0 s) counts the polls.
    let polls = 0;
    const ticker: Schedule = { name: 'ticker', everySeconds: 0, run: async () => void (++polls === 3 && thirdPoll()) };
    const worker = createWorker(t.deps, [], { schedules: [spy, ticker], pollIntervalMs: 5 });
    worker.start();
    await polled;
    await worker.stop();
    expect(runs).toBe(1);
  });
});
