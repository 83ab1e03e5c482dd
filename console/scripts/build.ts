/**
 * Builds the console into console/dist when it is missing or older than its sources. `npm start` runs
 * it (prestart), and so do the browser tests: a fresh checkout serves a working console with no extra
 * step, while an up-to-date build costs one directory walk. Build output is never committed.
 */
import { mkdir, readdir, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CONSOLE_DIST = path.join(ROOT, 'dist');
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts', '../package-lock.json'].map((p) => path.join(ROOT, p));
const LOCK = path.join(ROOT, '.build-lock');

async function newestMtime(p: string): Promise<number> {
  const s = await stat(p).catch(() => null);
  if (!s) return 0;
  if (!s.isDirectory()) return s.mtimeMs;
  const entries = await readdir(p);
  return Math.max(s.mtimeMs, ...(await Promise.all(entries.map((e) => newestMtime(path.join(p, e))))));
}

export async function consoleIsStale(): Promise<boolean> {
  const built = await stat(path.join(CONSOLE_DIST, 'index.html')).catch(() => null);
  if (!built) return true;
  const sources = await Promise.all(SOURCES.map(newestMtime));
  return Math.max(...sources) > built.mtimeMs;
}

/**
 * Always a production build: the browser tests build through here under vitest (NODE_ENV=test), and
 * Vite and the React plugin follow NODE_ENV (React's development bundle, the dev JSX runtime), which a
 * later `npm start` would then serve. Setting `mode` alone is not enough, so NODE_ENV is set for the
 * build's duration (callers await it before doing anything else).
 */
/* eslint-disable no-restricted-properties -- the build tool's own mode switch, not the app's configuration */
export async function buildConsole(): Promise<void> {
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: path.join(ROOT, 'vite.config.ts'), root: ROOT, logLevel: 'warn', mode: 'production' });
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = previous;
  }
}
/* eslint-enable no-restricted-properties */

/**
 * Builds if stale. Concurrent callers (two browser test files) take turns through a lock directory:
 * the one that waited re-checks and usually finds the build done.
 */
export async function ensureConsoleBuilt(): Promise<boolean> {
  for (;;) {
    if (!(await consoleIsStale())) return false;
    try {
      await mkdir(LOCK);
    } catch {
      const held = await stat(LOCK).catch(() => null);
      // A lock older than five minutes belongs to a build that died: take it over.
      if (held && Date.now() - held.mtimeMs > 300_000) await rmdir(LOCK).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    try {
      if (!(await consoleIsStale())) return false;
      await buildConsole();
      return true;
    } finally {
      await rmdir(LOCK).catch(() => undefined);
    }
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const force = process.argv.includes('--force');
  if (force) await buildConsole();
  const built = force || (await ensureConsoleBuilt());
  process.stdout.write(built ? 'console built into console/dist\n' : 'console/dist is up to date\n');
}
