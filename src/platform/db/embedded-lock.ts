import { link, open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { readFileSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * One process per embedded database. PGlite is a single-process PostgreSQL: a second process opening
 * the same folder works on its own copy of the pages and one of them silently loses its writes (or
 * corrupts the folder). So every command that opens the folder first takes `<db dir>.lock`, a file
 * holding the owner's pid and command line (and, once `serve` listens, its URL, which is how `demo`
 * finds a running server). A lock whose pid is dead on this host is stale and taken over.
 *
 * @example
 *   const lock = await acquireEmbeddedLock(config.embeddedDbDir);  // throws EmbeddedDbLockedError
 *   ...
 *   await lock.release();
 */
export interface LockOwner {
  pid: number;
  host: string;
  command: string;
  started_at: string;
  /** Set by `serve` once it listens: where the owner answers HTTP. */
  url?: string;
}

export class EmbeddedDbLockedError extends Error {
  readonly owner: LockOwner;
  constructor(lockFile: string, owner: LockOwner) {
    const where = owner.host === hostname() ? `process ${owner.pid}` : `process ${owner.pid} on host ${owner.host}`;
    super(
      `The embedded database is in use by ${where} (${owner.command}${owner.url ? `, serving ${owner.url}` : ''}), ` +
        `started ${owner.started_at}. Only one process may open it at a time: stop that process first` +
        `${owner.host === hostname() ? '' : `, or remove ${lockFile} if it no longer runs`}.`,
    );
    this.name = 'EmbeddedDbLockedError';
    this.owner = owner;
  }
}

export interface EmbeddedLock {
  readonly file: string;
  /** Records more about the owner (e.g. the URL it serves) for other commands to read. */
  update(extra: Pick<LockOwner, 'url'>): Promise<void>;
  release(): Promise<void>;
}

/** Locks this process holds, by lock file. */
const heldByFile = new Map<string, EmbeddedLock>();

export const lockFileFor = (dbDir: string): string => `${dbDir.replace(/[/\\]+$/, '')}.lock`;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseOwner(text: string): LockOwner | null {
  try {
    const v = JSON.parse(text) as Partial<LockOwner>;
    if (typeof v.pid !== 'number' || !Number.isInteger(v.pid) || v.pid <= 0) return null;
    return { pid: v.pid, host: String(v.host ?? ''), command: String(v.command ?? 'unknown'), started_at: String(v.started_at ?? '?'), ...(v.url ? { url: String(v.url) } : {}) };
  } catch {
    return null;
  }
}

/**
 * The live owner of the lock, or null when the database is free (no lock file, or a stale one: a dead
 * pid on this host, our own pid left by a previous life of a container, or an unreadable file).
 */
export async function readLiveOwner(dbDir: string): Promise<LockOwner | null> {
  let text: string;
  try {
    text = await readFile(lockFileFor(dbDir), 'utf8');
  } catch {
    return null;
  }
  const owner = parseOwner(text);
  if (!owner) return null;
  if (owner.host !== hostname()) return owner; // cannot check another host's pids: assume it runs
  // Our own pid is live only if this process really holds the lock; otherwise the file is from an earlier
  // process that had the same pid (a restarted container's pid 1).
  if (owner.pid === process.pid) return heldByFile.has(lockFileFor(dbDir)) ? owner : null;
  return isAlive(owner.pid) ? owner : null;
}

/** Takes the lock or throws EmbeddedDbLockedError naming the process that holds it. */
export async function acquireEmbeddedLock(dbDir: string, command = `converse ${process.argv.slice(2).join(' ')}`.trim()): Promise<EmbeddedLock> {
  const file = lockFileFor(dbDir);
  let owner: LockOwner = { pid: process.pid, host: hostname(), command, started_at: new Date().toISOString() };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      try {
        await handle.writeFile(`${JSON.stringify(owner)}\n`);
      } finally {
        await handle.close();
      }
      const lock = held(file, () => owner, (o) => (owner = o));
      heldByFile.set(file, lock);
      return lock;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const live = await readLiveOwner(dbDir);
    if (live) throw new EmbeddedDbLockedError(file, live);
    await takeOverStale(file);
  }
  throw new Error(`could not take the embedded database lock ${file}: it keeps changing hands`);
}

/**
 * Moves a stale lock aside. Renaming is atomic, so of two processes taking over the same stale lock
 * only one moves it; if what we moved turns out to be a live owner's fresh lock (it replaced the stale
 * one between our read and our rename), we put it back.
 */
async function takeOverStale(file: string): Promise<void> {
  const aside = `${file}.stale-${process.pid}`;
  try {
    await rename(file, aside);
  } catch {
    return; // someone else moved it: retry the create
  }
  const moved = parseOwner(await readFile(aside, 'utf8').catch(() => ''));
  if (moved && moved.pid !== process.pid && moved.host === hostname() && isAlive(moved.pid)) {
    await link(aside, file).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
}

/** Lets `serve` record where it listens in the lock this process holds (no-op if it holds none). */
export async function recordServingUrl(dbDir: string, url: string): Promise<void> {
  await heldByFile.get(lockFileFor(dbDir))?.update({ url });
}

function held(file: string, get: () => LockOwner, set: (o: LockOwner) => void): EmbeddedLock {
  let released = false;
  // A crash that still runs exit handlers (an uncaught error, process.exit) frees the lock at once; a
  // SIGKILL leaves it behind, and the next start finds its pid dead.
  const onExit = () => {
    if (released) return;
    try {
      if (parseOwner(readFileSync(file, 'utf8'))?.pid === process.pid) unlinkSync(file);
    } catch {
      // already gone
    }
  };
  process.once('exit', onExit);
  return {
    file,
    async update(extra) {
      if (released) return;
      set({ ...get(), ...extra });
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, `${JSON.stringify(get())}\n`, { mode: 0o600 });
      await rename(tmp, file);
    },
    async release() {
      if (released) return;
      onExit();
      released = true;
      heldByFile.delete(file);
      process.off('exit', onExit);
    },
  };
}
