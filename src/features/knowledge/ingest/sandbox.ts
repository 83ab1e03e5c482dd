import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { ExtractionError } from './errors.js';
import { SANDBOX_SOURCE } from './sandbox-source.js';

/**
 * Runs a parser over untrusted bytes in a fresh child process with an operating-system memory cap and a
 * deadline. A parser that loops, hangs or blows up on a hostile file costs us one killed process, never
 * ours, and the kernel takes all of its memory back.
 *
 * Why a process and not a worker thread: a worker's `resourceLimits` bound the JavaScript heap only, not
 * ArrayBuffers, and decoders (pdfjs's FlateStream, JSZip) write their output into ArrayBuffers; a 1 MB
 * file decoding to 1 GiB grew the host process by 1 GiB. Here `ulimit -d` (RLIMIT_DATA, which on Linux
 * counts every private writable mapping: heap, ArrayBuffers, malloc) makes such an allocation fail
 * inside the child. The child also starts with an empty environment: no secrets reach parser code.
 */
export type SandboxTask =
  | { kind: 'pdf'; data: Uint8Array; maxPages: number; maxChars: number }
  | { kind: 'docx'; data: Uint8Array };

export type SandboxFailure = { ok: false; reason: string; name?: string; message?: string; pages?: number };
export type SandboxReply<T> = { ok: true; value: T } | SandboxFailure;

export interface SandboxOptions {
  timeoutMs: number;
  /** Data-segment cap of the parser process in MB; half of it is the JavaScript heap. */
  memoryMb: number;
  label: string;
}

const require = createRequire(import.meta.url);
const moduleUrls = {
  pdf: () => pathToFileURL(require.resolve('pdfjs-dist/legacy/build/pdf.mjs')).href,
  docx: () => pathToFileURL(require.resolve('mammoth')).href,
};

/**
 * `ulimit` needs a POSIX shell. Without one (Windows, a distroless image) only the heap cap and the
 * deadline apply; the decode caps still run before every parse (docs/knowledge.md).
 */
const HAS_SHELL = process.platform !== 'win32' && existsSync('/bin/sh');

function spawnParser(memoryMb: number): ChildProcess {
  const nodeArgs = [`--max-old-space-size=${Math.max(64, Math.floor(memoryMb / 2))}`, '-e', SANDBOX_SOURCE];
  const options = { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] as const, serialization: 'advanced' as const, env: {} };
  if (!HAS_SHELL) return spawn(process.execPath, nodeArgs, { ...options, stdio: [...options.stdio] });
  // -S: the soft limit. If the hard limit is already lower, setting fails and the lower one applies.
  const script = `ulimit -S -d ${memoryMb * 1024} 2>/dev/null; exec "$0" "$@"`;
  return spawn('/bin/sh', ['-c', script, process.execPath, ...nodeArgs], { ...options, stdio: [...options.stdio] });
}

export function runInSandbox<T>(task: SandboxTask, opts: SandboxOptions): Promise<SandboxReply<T>> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const child = spawnParser(opts.memoryMb);
    const tooLarge = (cause?: unknown) =>
      new ExtractionError('too_large', `The ${opts.label} needs more than ${opts.memoryMb} MB of memory to read.`, { cause });
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      fn();
    };
    const timer = setTimeout(() => {
      finish(() => reject(new ExtractionError('timeout', `Reading the ${opts.label} took longer than ${opts.timeoutMs >= 1000 ? `${Math.round(opts.timeoutMs / 1000)} seconds` : `${opts.timeoutMs} ms`}; it may be damaged or too complex.`)));
    }, opts.timeoutMs);
    child.once('message', (msg: SandboxReply<T>) => finish(() => (!msg.ok && msg.reason === 'out_of_memory' ? reject(tooLarge()) : resolve(msg))));
    child.once('error', (err) => finish(() => reject(new ExtractionError('parse_failed', `The ${opts.label} could not be read.`, { cause: err }))));
    child.once('exit', (code, signal) => {
      // V8 aborts (SIGABRT, or 134 through the shell) when the heap or an allocation hits the cap.
      const oom = signal === 'SIGABRT' || code === 134 || signal === 'SIGSEGV' || code === 139;
      finish(() => reject(oom ? tooLarge() : new ExtractionError('parse_failed', `The ${opts.label} could not be read (parser exited with ${signal ?? `code ${code}`}).`)));
    });
    child.send({ ...task, module: moduleUrls[task.kind]() }, (err) => {
      if (err) finish(() => reject(new ExtractionError('parse_failed', `The ${opts.label} could not be read.`, { cause: err })));
    });
  });
}
