import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireEmbeddedLock, EmbeddedDbLockedError, lockFileFor, readLiveOwner } from '../../src/platform/db/embedded-lock.js';
import { cliEnv, postJson, runCli, startCli, type CliServer } from './cli-process.js';

/** The README's quick start, as a new user runs it: `serve`, then `demo` in a second terminal, then log in. */
describe('one process per embedded database (real CLI processes)', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  let server: CliServer | null = null;

  beforeAll(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'converse-lock-'));
    env = cliEnv({ CONVERSE_HOME: home });
    server = await startCli(['serve'], env, 'Converse is serving');
  }, 120_000);

  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    await rm(home, { recursive: true, force: true });
  });

  const login = (url: string, email: string, password: string) => postJson(`${url}/api/v1/auth/login`, { email, password });
  const credentials = (stdout: string) => {
    const email = /owner email:\s+(\S+)/.exec(stdout)?.[1];
    const password = /owner password:\s+(\S+)/.exec(stdout)?.[1];
    if (!email || !password) throw new Error(`demo printed no credentials:\n${stdout}`);
    return { email, password };
  };

  it('records the serving process and its URL in the lock file', async () => {
    const owner = JSON.parse(await readFile(lockFileFor(path.join(home, 'db')), 'utf8')) as Record<string, unknown>;
    expect(owner).toMatchObject({ pid: server!.child.pid, command: 'converse serve', url: server!.url, host: hostname() });
  });

  it('demo while the server runs goes through its API: the printed owner can log in on that server', async () => {
    const demo = await runCli(['demo'], env);
    expect(demo.code, demo.stderr).toBe(0);
    const { email, password } = credentials(demo.stdout);
    expect(demo.stdout).toContain(`curl -s ${server!.url}/api/v1/auth/login`);
    const res = await login(server!.url, email, password);
    expect(res.status).toBe(200);
    expect(res.body.organization.name).toBe('Demo Organization');
    expect(res.body.role).toBe('owner');
  }, 90_000);

  it.each(['serve', 'migrate', 'keys rotate --rewrap'])('`converse %s` on the same home is refused, naming the owner', async (command) => {
    const run = await runCli(command.split(' '), env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`in use by process ${server!.child.pid} (converse serve, serving ${server!.url})`);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(server!.child.exitCode).toBeNull(); // and the owner keeps running
  }, 90_000);

  it('after the server stops, demo opens the database itself; the org is there when the server is back', async () => {
    server!.child.kill('SIGTERM');
    expect(await server!.exited).toEqual({ code: 0, signal: null });
    await expect(stat(lockFileFor(path.join(home, 'db')))).rejects.toThrow(/ENOENT/);
    const demo = await runCli(['demo'], env);
    expect(demo.code, demo.stderr).toBe(0);
    const { email, password } = credentials(demo.stdout);
    server = await startCli(['serve'], env, 'Converse is serving');
    expect((await login(server.url, email, password)).status).toBe(200);
  }, 120_000);
});

describe('embedded lock file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'converse-lockfile-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('a second holder in the same process is refused; release frees it', async () => {
    const db = path.join(dir, 'a');
    const lock = await acquireEmbeddedLock(db, 'converse serve');
    const err = await acquireEmbeddedLock(db, 'converse migrate').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmbeddedDbLockedError);
    expect((err as EmbeddedDbLockedError).owner).toMatchObject({ pid: process.pid, command: 'converse serve' });
    await lock.release();
    expect(await readLiveOwner(db)).toBeNull();
    await (await acquireEmbeddedLock(db, 'converse migrate')).release();
  });

  it('a lock left by a dead process is stale and taken over', async () => {
    const db = path.join(dir, 'b');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    await writeFile(lockFileFor(db), JSON.stringify({ pid: Number(dead), host: hostname(), command: 'converse serve', started_at: 'earlier' }));
    expect(await readLiveOwner(db)).toBeNull();
    const lock = await acquireEmbeddedLock(db, 'converse demo');
    expect(JSON.parse(await readFile(lockFileFor(db), 'utf8'))).toMatchObject({ pid: process.pid, command: 'converse demo' });
    await lock.release();
  });

  it('a live process on this host holds it; another host\'s lock is never taken over', async () => {
    const db = path.join(dir, 'c');
    await writeFile(lockFileFor(db), JSON.stringify({ pid: process.ppid, host: hostname(), command: 'converse serve', started_at: 'now' }));
    await expect(acquireEmbeddedLock(db)).rejects.toThrow(`in use by process ${process.ppid} (converse serve)`);
    await writeFile(lockFileFor(db), JSON.stringify({ pid: 999_999_999, host: 'elsewhere', command: 'converse serve', started_at: 'now' }));
    await expect(acquireEmbeddedLock(db)).rejects.toThrow(/process 999999999 on host elsewhere .*remove .*c\.lock/);
  });
});
