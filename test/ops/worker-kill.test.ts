import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDriver } from '../../src/platform/db/driver.js';
import { startHeldEmbeddings, type HeldEmbeddings } from './held-embeddings.js';
import { cliEnv, postJson, runCli, startCli, type CliServer } from './cli-process.js';
import { privatePostgresUnavailable, startPrivatePostgres, type PrivatePostgres } from './private-postgres.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Above the inline limit, so pasted text is ingested by the background job (features/knowledge/service.ts). */
function bigText(): string {
  const words = ['refund', 'policy', 'shipping', 'warranty', 'invoice', 'delivery', 'account', 'password', 'support', 'billing', 'order', 'return'];
  const paragraphs: string[] = [];
  for (let p = 0; paragraphs.join('\n\n').length < 210_000; p++) {
    const sentences = Array.from({ length: 6 }, (_, s) => `Section ${p} sentence ${s} explains the ${words[(p + s) % words.length]} rules for ${words[(p * 7 + s) % words.length]} cases.`);
    paragraphs.push(`${p % 10 === 0 ? `# Chapter ${p / 10}\n\n` : ''}${sentences.join(' ')}`);
  }
  return paragraphs.join('\n\n');
}

const noPostgres = privatePostgresUnavailable();
if (noPostgres) console.warn(`test/ops/worker-kill.test.ts: the PostgreSQL case is skipped: ${noPostgres}`);

interface Processes {
  /** Where the API answers. */
  api: CliServer;
  /** The process running the ingestion job (the same as `api` in embedded mode). */
  worker: CliServer;
}

interface Mode {
  name: string;
  skip: boolean;
  /** Prepares the storage and returns the environment for the CLI. */
  prepare(base: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv>;
  start(env: NodeJS.ProcessEnv): Promise<Processes>;
  /** After the worker was killed: start what runs jobs again. */
  restart(env: NodeJS.ProcessEnv, before: Processes): Promise<Processes>;
}

let pg: PrivatePostgres | null = null;
const serve = (env: NodeJS.ProcessEnv) => startCli(['serve'], env, 'Converse is serving');
const modes: Mode[] = [
  {
    // `serve` runs the worker; restarting it on the same home takes over the dead process's lock.
    name: 'embedded: `converse serve` killed and started again on the same home',
    skip: false,
    prepare: async (base) => base,
    start: async (env) => {
      const api = await serve(env);
      return { api, worker: api };
    },
    restart: async (env) => {
      const api = await serve(env);
      return { api, worker: api };
    },
  },
  {
    name: 'PostgreSQL: a `converse worker` process killed, another one started',
    skip: noPostgres !== null,
    prepare: async (base) => {
      pg = await startPrivatePostgres();
      const env = { ...base, DATABASE_URL: `postgres://converse_app@127.0.0.1:${pg.port}/converse`, MIGRATION_DATABASE_URL: pg.adminUrl('converse') };
      const setup = createPostgresDriver(pg.adminUrl(), { max: 1 });
      await setup.exec('create database converse');
      await setup.close();
      const migrated = await runCli(['migrate'], env);
      expect(migrated.code, migrated.stderr).toBe(0);
      return env;
    },
    start: async (env) => {
      const api = await serve(env); // creates the shared development key first
      return { api, worker: await startCli(['worker'], env, 'worker started') };
    },
    restart: async (env, before) => ({ api: before.api, worker: await startCli(['worker'], env, 'worker started') }),
  },
];

/**
 * A process SIGKILLed in the middle of ingesting a document (its embedding call in flight), then jobs
 * run again: the job's lease lapses, the job is taken again and the document ends `ready` with exactly
 * the chunks a clean run produces.
 */
describe.each(modes)('a worker killed during ingestion ($name)', (mode) => {
  let home: string;
  let embeddings: HeldEmbeddings;
  let procs: Processes | null = null;

  beforeAll(async () => {
    // Holds the first embedding call unanswered: the ingestion is stuck mid-way when the process dies.
    embeddings = await startHeldEmbeddings();
    home = await mkdtemp(path.join(tmpdir(), 'converse-kill-'));
  });

  afterAll(async () => {
    for (const p of new Set([procs?.api, procs?.worker])) {
      if (p && p.child.exitCode === null && p.child.signalCode === null) {
        p.child.kill('SIGKILL');
        await p.exited;
      }
    }
    await embeddings.close();
    await pg?.destroy();
    pg = null;
    await rm(home, { recursive: true, force: true });
  });

  it.skipIf(mode.skip)('takes the job again; the document ends ready with the same chunks as a clean run', async () => {
    const env = await mode.prepare(cliEnv({ CONVERSE_HOME: home, CONVERSE_EMBEDDINGS_URL: `${embeddings.origin}/v1`, CONVERSE_JOB_LEASE_SECONDS: '5' }));
    procs = await mode.start(env);
    const owner = await postJson(`${procs.api.url}/api/v1/auth/signup`, { email: 'kill@example.test', password: 'correct-horse-battery', name: 'O', organization_name: 'Kill' });
    expect(owner.status).toBe(201);
    const token: string = owner.body.access_token;
    const content = bigText();
    const get = async (id: string) => (await (await fetch(`${procs!.api.url}/api/v1/knowledge/${id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as Record<string, unknown>;

    const firstEmbedding = embeddings.nextHeld();
    const doc = await postJson(`${procs.api.url}/api/v1/knowledge/ingest-text`, { name: 'killed', content }, token);
    expect(doc.status).toBe(201);
    expect(doc.body.status).toBe('queued');
    await firstEmbedding;
    expect(await get(doc.body.id)).toMatchObject({ status: 'processing' });

    procs.worker.child.kill('SIGKILL');
    expect(await procs.worker.exited).toEqual({ code: null, signal: 'SIGKILL' });
    embeddings.release();
    const seenBeforeRestart = embeddings.requests.length;

    procs = await mode.restart(env, procs);
    const waitReady = async (id: string) => {
      for (const deadline = Date.now() + 45_000; Date.now() < deadline; await sleep(250)) {
        const d = await get(id);
        if (d.status !== 'queued' && d.status !== 'processing') return d;
      }
      throw new Error(`document ${id} did not finish`);
    };
    const recovered = await waitReady(doc.body.id);
    expect(recovered.status).toBe('ready');
    expect(embeddings.requests.length).toBeGreaterThan(seenBeforeRestart); // the job really ran again

    const clean = await postJson(`${procs.api.url}/api/v1/knowledge/ingest-text`, { name: 'clean', content }, token);
    expect(clean.status).toBe(201);
    const cleanDone = await waitReady(clean.body.id);
    expect(cleanDone.status).toBe('ready');
    expect(recovered.chunk_count).toBe(cleanDone.chunk_count);

    const chunks = async (id: string) => {
      const all: Array<{ position: number; text: string }> = [];
      for (let cursor: string | null = null; ; ) {
        const res = await fetch(`${procs!.api.url}/api/v1/knowledge/${id}/chunks?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { headers: { authorization: `Bearer ${token}` } });
        const page = (await res.json()) as { data: Array<{ position: number; text: string }>; next_cursor: string | null };
        all.push(...page.data);
        if (!page.next_cursor) return all;
        cursor = page.next_cursor;
      }
    };
    const [a, b] = await Promise.all([chunks(doc.body.id), chunks(clean.body.id)]);
    expect(a.length).toBe(recovered.chunk_count);
    expect(new Set(a.map((c) => c.position)).size).toBe(a.length); // no duplicates
    expect(a.map((c) => [c.position, c.text])).toEqual(b.map((c) => [c.position, c.text]));
  }, 150_000);
});
