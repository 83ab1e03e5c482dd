import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHeldEmbeddings, type HeldEmbeddings } from './held-embeddings.js';
import { cliEnv, postJson, startCli, type CliServer } from './cli-process.js';

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

/**
 * A serving process SIGKILLed in the middle of ingesting a document (the embedding call is in flight),
 * then started again on the same home: the job's lease lapses, the job runs again and the document ends
 * `ready` with exactly the chunks a clean run produces. Embedded mode, so `serve` runs the worker.
 */
describe('a worker killed during ingestion', () => {
  let home: string;
  let embeddings: HeldEmbeddings;
  let server: CliServer | null = null;

  beforeAll(async () => {
    // Holds the first embedding call unanswered: the ingestion is stuck mid-way when the process dies.
    embeddings = await startHeldEmbeddings();
    home = await mkdtemp(path.join(tmpdir(), 'converse-kill-'));
  });

  afterAll(async () => {
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    await embeddings.close();
    await rm(home, { recursive: true, force: true });
  });

  it('takes the job again after the restart; the document ends ready with the same chunks as a clean run', async () => {
    const env = cliEnv({ CONVERSE_HOME: home, CONVERSE_EMBEDDINGS_URL: `${embeddings.origin}/v1`, CONVERSE_JOB_LEASE_SECONDS: '5' });
    server = await startCli(['serve'], env, 'Converse is serving');
    const owner = await postJson(`${server.url}/api/v1/auth/signup`, { email: 'kill@example.test', password: 'correct-horse-battery', name: 'O', organization_name: 'Kill' });
    expect(owner.status).toBe(201);
    const token: string = owner.body.access_token;
    const content = bigText();

    const firstEmbedding = embeddings.nextHeld();
    const doc = await postJson(`${server.url}/api/v1/knowledge/ingest-text`, { name: 'killed', content }, token);
    expect(doc.status).toBe(201);
    expect(doc.body.status).toBe('queued');
    await firstEmbedding;
    const get = async (base: string, id: string) => (await (await fetch(`${base}/api/v1/knowledge/${id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as Record<string, unknown>;
    expect(await get(server.url, doc.body.id)).toMatchObject({ status: 'processing' });

    server.child.kill('SIGKILL');
    expect(await server.exited).toEqual({ code: null, signal: 'SIGKILL' });
    embeddings.release();
    const seenBeforeRestart = embeddings.requests.length;

    // Same home: the dead process's lock is stale and taken over; its job comes back once the lease lapses.
    server = await startCli(['serve'], env, 'Converse is serving');
    const waitReady = async (id: string) => {
      for (const deadline = Date.now() + 45_000; Date.now() < deadline; await sleep(250)) {
        const d = await get(server!.url, id);
        if (d.status !== 'queued' && d.status !== 'processing') return d;
      }
      throw new Error(`document ${id} did not finish`);
    };
    const recovered = await waitReady(doc.body.id);
    expect(recovered.status).toBe('ready');
    expect(embeddings.requests.length).toBeGreaterThan(seenBeforeRestart); // the job really ran again

    const clean = await postJson(`${server.url}/api/v1/knowledge/ingest-text`, { name: 'clean', content }, token);
    expect(clean.status).toBe(201);
    const cleanDone = await waitReady(clean.body.id);
    expect(cleanDone.status).toBe('ready');
    expect(recovered.chunk_count).toBe(cleanDone.chunk_count);

    const chunks = async (id: string) => {
      const all: Array<{ position: number; text: string }> = [];
      for (let cursor: string | null = null; ; ) {
        const res = await fetch(`${server!.url}/api/v1/knowledge/${id}/chunks?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { headers: { authorization: `Bearer ${token}` } });
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
  }, 120_000);
});
