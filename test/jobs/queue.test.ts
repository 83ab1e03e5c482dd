import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withOrg } from '../../src/platform/db/with-org.js';
import { createWorker, defineJob, enqueue, getJob, PermanentJobError } from '../../src/platform/jobs/index.js';
import { createTestApp, isPostgres, modeName, type TestApp } from '../helpers/harness.js';
import { signup } from '../helpers/api.js';

const Payload = z.object({ org_id: z.uuid(), item: z.string() });

describe(`durable job queue (${modeName})`, () => {
  let t: TestApp;
  let orgA: string;
  let orgB: string;
  const seen: Array<{ orgId: string; item: string; visibleOrgs: string[] }> = [];
  const failures = new Map<string, number>();

  const recordJob = defineJob({
    name: 'test.record',
    payload: Payload,
    backoffSeconds: () => 0,
    handler: async ({ deps, orgId, payload }) => {
      // The handler re-reads under its own org: it can only ever see that org's rows.
      const visible = await withOrg(deps.db, { orgId }, (tx) => tx.query<{ org_id: string }>('select org_id from app.organizations'));
      seen.push({ orgId, item: payload.item, visibleOrgs: visible.rows.map((r) => r.org_id) });
    },
  });
  const flakyJob = defineJob({
    name: 'test.flaky',
    payload: Payload,
    maxAttempts: 3,
    backoffSeconds: () => 0,
    handler: async ({ payload }) => {
      const n = (failures.get(payload.item) ?? 0) + 1;
      failures.set(payload.item, n);
      if (payload.item.startsWith('permanent')) throw new PermanentJobError('cannot be done');
      if (payload.item.startsWith('always') || n < 2) throw new Error(`boom ${n}`);
    },
  });

  beforeAll(async () => {
    t = await createTestApp();
    orgA = (await signup(t.app, 'A')).organization.id;
    orgB = (await signup(t.app, 'B')).organization.id;
  });
  afterAll(async () => t?.close());

  const enqueueIn = (orgId: string, job: typeof recordJob | typeof flakyJob, item: string) =>
    withOrg(t.deps.db, { orgId }, (tx) => enqueue(tx, job, { org_id: orgId, item }));
  const jobState = (orgId: string, id: string) => withOrg(t.deps.db, { orgId }, (tx) => getJob(tx, id));

  it('runs each job once, in its own org', async () => {
    const ids = [await enqueueIn(orgA, recordJob, 'a1'), await enqueueIn(orgB, recordJob, 'b1'), await enqueueIn(orgA, recordJob, 'a2')];
    const worker = createWorker(t.deps, [recordJob, flakyJob], { concurrency: 4 });
    while ((await worker.runOnce()) > 0);
    await worker.stop();
    expect(seen.map((s) => s.item).sort()).toEqual(['a1', 'a2', 'b1']);
    for (const s of seen) expect(s.visibleOrgs).toEqual([s.orgId]);
    expect(seen.find((s) => s.item === 'b1')!.orgId).toBe(orgB);
    expect((await jobState(orgA, ids[0]!))!.status).toBe('done');
    expect(await jobState(orgA, ids[1]!)).toBeNull(); // org B's job is invisible from org A
  });

  it('refuses a payload whose org is not the transaction org', async () => {
    await expect(withOrg(t.deps.db, { orgId: orgA }, (tx) => enqueue(tx, recordJob, { org_id: orgB, item: 'x' }))).rejects.toThrow(/does not match/);
  });

  it('retries with backoff, then fails after max attempts; permanent errors fail at once', async () => {
    const flaky = await enqueueIn(orgA, flakyJob, 'once');
    const always = await enqueueIn(orgA, flakyJob, 'always');
    const permanent = await enqueueIn(orgA, flakyJob, 'permanent');
    const worker = createWorker(t.deps, [recordJob, flakyJob], { concurrency: 4 });
    for (let i = 0; i < 10 && (await worker.runOnce()) > 0; i++);
    await worker.stop();
    const [f, a, p] = await Promise.all([jobState(orgA, flaky), jobState(orgA, always), jobState(orgA, permanent)]);
    expect(f).toMatchObject({ status: 'done', attempts: 2 });
    expect(a).toMatchObject({ status: 'failed', attempts: 3, last_error: 'boom 3' });
    expect(p).toMatchObject({ status: 'failed', attempts: 1, last_error: 'cannot be done' });
  });

  it('leaves jobs it has no handler for to a worker that has one', async () => {
    const unknown = defineJob({ name: 'test.other_build', payload: Payload, handler: async () => {} });
    const id = await withOrg(t.deps.db, { orgId: orgB }, (tx) => enqueue(tx, unknown, { org_id: orgB, item: 'x' }));
    const narrow = createWorker(t.deps, [recordJob], { concurrency: 1 });
    while ((await narrow.runOnce()) > 0);
    await narrow.stop();
    expect(await jobState(orgB, id)).toMatchObject({ status: 'queued', attempts: 0 });
    const capable = createWorker(t.deps, [unknown], { concurrency: 1 });
    while ((await capable.runOnce()) > 0);
    await capable.stop();
    expect(await jobState(orgB, id)).toMatchObject({ status: 'done', attempts: 1 });
  });

  it.runIf(isPostgres)('two workers racing never run a job twice (SKIP LOCKED)', async () => {
    const runs = new Map<string, number>();
    const countJob = defineJob({
      name: 'test.count',
      payload: Payload,
      handler: async ({ payload }) => {
        runs.set(payload.item, (runs.get(payload.item) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 2));
      },
    });
    const items = Array.from({ length: 60 }, (_, i) => `${i}-${randomUUID().slice(0, 4)}`);
    for (const item of items) await withOrg(t.deps.db, { orgId: item.length % 2 ? orgA : orgB }, (tx) => enqueue(tx, countJob, { org_id: tx.orgId, item }));
    const w1 = createWorker(t.deps, [countJob], { concurrency: 3 });
    const w2 = createWorker(t.deps, [countJob], { concurrency: 3 });
    const drain = async (w: typeof w1) => {
      for (let idle = 0; idle < 3; ) idle = (await w.runOnce()) > 0 ? 0 : idle + 1;
    };
    await Promise.all([drain(w1), drain(w2)]);
    await Promise.all([w1.stop(), w2.stop()]);
    expect(runs.size).toBe(items.length);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
  });
});
