import { connect } from 'node:net';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockFileFor } from '../../src/platform/db/embedded-lock.js';
import { cliEnv, postJson, startCli, type CliServer } from './cli-process.js';
import { startHeldEmbeddings, type HeldEmbeddings } from './held-embeddings.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether a new TCP connection to the port is accepted right now. */
const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/**
 * SIGTERM with a slow request in flight (pasted text indexed during the request, its embedding call held
 * by a local fake): new connections are refused at once, the request still completes, the database is
 * closed (lock released) and the process exits 0.
 */
describe('graceful shutdown of `converse serve`', () => {
  let home: string;
  let embeddings: HeldEmbeddings;
  let server: CliServer | null = null;

  beforeAll(async () => {
    embeddings = await startHeldEmbeddings();
    home = await mkdtemp(path.join(tmpdir(), 'converse-drain-'));
  });

  afterAll(async () => {
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    await embeddings.close();
    await rm(home, { recursive: true, force: true });
  });

  it('finishes the in-flight request, refuses new connections, exits 0', async () => {
    server = await startCli(['serve'], cliEnv({ CONVERSE_HOME: home, CONVERSE_EMBEDDINGS_URL: `${embeddings.origin}/v1` }), 'Converse is serving');
    const port = Number(new URL(server.url).port);
    const owner = await postJson(`${server.url}/api/v1/auth/signup`, { email: 'drain@example.test', password: 'correct-horse-battery', name: 'O', organization_name: 'Drain' });
    expect(owner.status).toBe(201);

    const held = embeddings.nextHeld();
    const slow = postJson(`${server.url}/api/v1/knowledge/ingest-text`, { name: 'slow', content: 'Refunds are paid within fourteen days of the return.' }, owner.body.access_token);
    await held; // the request is now in flight, waiting on the embedding call

    server.child.kill('SIGTERM');
    let refused = false;
    for (let i = 0; i < 100 && !refused; i++, await sleep(50)) refused = !(await accepts(port));
    expect(refused).toBe(true);
    expect(server.child.exitCode).toBeNull(); // still draining

    embeddings.release();
    const done = await slow;
    expect(done.status).toBe(201);
    expect(done.body.status).toBe('ready');
    expect(await server.exited, server.output().slice(-3000)).toEqual({ code: 0, signal: null });
    await expect(stat(lockFileFor(path.join(home, 'db')))).rejects.toThrow(/ENOENT/);
  }, 120_000);
});
