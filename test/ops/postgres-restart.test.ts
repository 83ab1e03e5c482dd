import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createPostgresDriver, type Driver } from '../../src/platform/db/driver.js';
import { withOrg } from '../../src/platform/db/with-org.js';
import { isAppError } from '../../src/platform/errors.js';
import { createWorker, defineJob, enqueue, JobPayloadBase, type Worker } from '../../src/platform/jobs/index.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { postJson } from './cli-process.js';
import { privatePostgresUnavailable, startPrivatePostgres, type PrivatePostgres } from './private-postgres.js';

const unavailable = privatePostgresUnavailable();
if (unavailable) console.warn(`test/ops/postgres-restart.test.ts skipped: ${unavailable}`);

interface Outcome {
  phase: 'before' | 'outage' | 'after';
  status: number | 'hang' | 'network';
  code?: string;
  retryAfter?: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * PostgreSQL restarted under load: requests and jobs are running when the server goes away. Runs the
 * real runtime (createRuntime: pool, migrations, boot check), the real HTTP server on a port and a job
 * worker against a private cluster this test stops and starts (never the machine's shared server).
 */
describe.skipIf(unavailable !== null)('PostgreSQL restart while requests and jobs run', () => {
  let pg: PrivatePostgres;
  let home: string;
  let runtime: Runtime;
  let app: FastifyInstance;
  let worker: Worker;
  let admin: Driver;
  let base: string;
  const runs = new Map<string, number>();
  const countJob = defineJob({
    name: 'test.fault_count',
    payload: JobPayloadBase.extend({ item: z.number().int() }),
    handler: async ({ jobId }) => {
      runs.set(jobId, (runs.get(jobId) ?? 0) + 1);
      await sleep(150); // long enough that the restart catches jobs mid-run
    },
  });

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    const setup = createPostgresDriver(pg.adminUrl(), { max: 1 });
    await setup.exec('create database converse');
    await setup.close();
    home = await mkdtemp(path.join(tmpdir(), 'converse-fault-'));
    const config = loadConfig({
      DATABASE_URL: `postgres://converse_app@127.0.0.1:${pg.port}/converse`,
      MIGRATION_DATABASE_URL: pg.adminUrl('converse'),
      CONVERSE_HOME: home,
      LOG_LEVEL: 'silent',
      CONVERSE_DB_POOL_MAX: '8',
      CONVERSE_RATE_LIMIT_PER_IP: '1000000',
      CONVERSE_RATE_LIMIT_PER_ORG: '1000000',
      CONVERSE_AUTH_RATE_LIMIT_PER_IP: '1000000',
    } as NodeJS.ProcessEnv);
    runtime = await createRuntime(config);
    app = await buildApp(runtime.deps);
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    // Lease longer than the outage: this test is about recovery, not takeover (the SIGKILL test is).
    worker = createWorker(runtime.deps, [countJob], { concurrency: 4, pollIntervalMs: 50, leaseSeconds: 20 });
    admin = createPostgresDriver(pg.adminUrl('converse'), { max: 1 });
  }, 120_000);

  afterAll(async () => {
    await worker?.stop({ graceMs: 1000 });
    await app?.close();
    await runtime?.close();
    await admin?.close();
    await pg?.destroy();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After during the outage (never 500, never a hang), recovers by itself, and runs every job exactly once', async () => {
    const owner = await postJson(`${base}/api/v1/auth/signup`, { email: 'fault@example.test', password: 'correct-horse-battery', name: 'O', organization_name: 'Fault' });
    expect(owner.status).toBe(201);
    const token: string = owner.body.access_token;
    const orgId: string = owner.body.organization.id;

    let phase: Outcome['phase'] = 'before';
    let loading = true;
    const outcomes: Outcome[] = [];
    const enqueued = new Set<string>();
    const enqueueErrors: unknown[] = [];

    const client = async (n: number) => {
      for (let i = 0; loading; i++) {
        const write = (i + n) % 2 === 0;
        try {
          const res = await fetch(`${base}/api/v1/agents`, {
            method: write ? 'POST' : 'GET',
            headers: { authorization: `Bearer ${token}`, ...(write ? { 'content-type': 'application/json' } : {}) },
            ...(write ? { body: JSON.stringify({ name: `agent ${n}.${i}` }) } : {}),
            signal: AbortSignal.timeout(20_000),
          });
          const body = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
          // The phase in which the answer came: a request sent before the stop may be answered in the outage.
          outcomes.push({ phase, status: res.status, ...(body?.error?.code ? { code: body.error.code } : {}), retryAfter: res.headers.get('retry-after') });
        } catch (err) {
          outcomes.push({ phase, status: (err as Error).name === 'TimeoutError' ? 'hang' : 'network' });
        }
        if (phase === 'outage') await sleep(20);
      }
    };
    let item = 0;
    const enqueuer = async () => {
      while (loading) {
        try {
          const id = await withOrg(runtime.deps.db, { orgId }, (tx) => enqueue(tx, countJob, { org_id: orgId, item: item++ }));
          enqueued.add(id);
        } catch (err) {
          enqueueErrors.push(err);
        }
        await sleep(40);
      }
    };

    worker.start();
    const load = Promise.all([client(0), client(1), client(2), client(3), enqueuer()]);
    await sleep(1500);
    // A fast stop (sessions terminated, 57P01) and then a crash (immediate: connections reset, crash
    // recovery on start), each followed by recovery with no restart of the app or the worker.
    const recoveries: number[] = [];
    for (const mode of ['fast', 'immediate'] as const) {
      phase = 'outage';
      await pg.stop(mode);
      await sleep(1500);
      await pg.start();
      phase = 'after';
      const mark = outcomes.length;
      const succeeded = () => outcomes.slice(mark).filter((o) => o.status === 200 || o.status === 201).length;
      for (const deadline = Date.now() + 20_000; Date.now() < deadline && succeeded() < 20; ) await sleep(100);
      recoveries.push(succeeded());
    }
    loading = false;
    await load;

    const byPhase = (p: Outcome['phase']) => outcomes.filter((o) => o.phase === p);
    expect(byPhase('before').length).toBeGreaterThan(0);
    expect(byPhase('before').filter((o) => o.status !== 200 && o.status !== 201)).toEqual([]);
    // Nothing but success or 503, in every phase: no 500, no hang, no dropped connection.
    const unexpected = outcomes.filter((o) => !(o.status === 200 || o.status === 201 || o.status === 503));
    expect(unexpected).toEqual([]);
    const unavailableAnswers = outcomes.filter((o) => o.status === 503);
    expect(unavailableAnswers.length).toBeGreaterThan(0);
    for (const o of unavailableAnswers) {
      expect(o.code).toBe('service_unavailable');
      expect(Number(o.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    expect(recoveries.every((n) => n >= 20), `successes after each restart: ${recoveries.join(', ')}`).toBe(true);
    // Enqueueing during the outage failed cleanly as "unavailable", never as anything else.
    for (const err of enqueueErrors) expect(isAppError(err) && err.code === 'service_unavailable').toBe(true);

    // After recovery the worker (never restarted) still takes new work.
    const late = await withOrg(runtime.deps.db, { orgId }, (tx) => enqueue(tx, countJob, { org_id: orgId, item: -1 }));
    enqueued.add(late);
    const jobs = async () => (await admin.transaction((q) => q<{ id: string; status: string; attempts: number }>(`select id, status, attempts from app.jobs where name = 'test.fault_count'`))).rows;
    const drainBy = Date.now() + 30_000;
    while (Date.now() < drainBy && (await jobs()).some((j) => j.status !== 'done')) await sleep(200);
    const rows = await jobs();
    expect(rows.filter((j) => j.status !== 'done')).toEqual([]);
    // No job lost: every enqueue that returned is a done job. No job run twice: one handler run per job.
    const ids = new Set(rows.map((j) => j.id));
    for (const id of enqueued) expect(ids.has(id)).toBe(true);
    expect(rows.length).toBeGreaterThan(10);
    for (const j of rows) expect([j.id, runs.get(j.id)]).toEqual([j.id, 1]);
  }, 90_000);
});
