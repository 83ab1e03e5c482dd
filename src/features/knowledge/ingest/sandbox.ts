import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ExtractionError } from './errors.js';
import { SANDBOX_SOURCE } from './sandbox-source.js';

/**
 * Runs a parser over untrusted bytes in a fresh worker thread with a memory cap and a deadline. A parser
 * that loops, hangs or blows up on a hostile file costs us one terminated worker, never the process.
 */
export type SandboxTask =
  | { kind: 'pdf'; data: Uint8Array; maxPages: number; maxChars: number }
  | { kind: 'docx'; data: Uint8Array };

export type SandboxFailure = { ok: false; reason: string; name?: string; message?: string; pages?: number };
export type SandboxReply<T> = { ok: true; value: T } | SandboxFailure;

const MEMORY_LIMIT_MB = 512;
const require = createRequire(import.meta.url);
const moduleUrls = {
  pdf: () => pathToFileURL(require.resolve('pdfjs-dist/legacy/build/pdf.mjs')).href,
  docx: () => pathToFileURL(require.resolve('mammoth')).href,
};

export function runInSandbox<T>(task: SandboxTask, opts: { timeoutMs: number; label: string }): Promise<SandboxReply<T>> {
  return new Promise((resolve, reject) => {
    let settled = false;
    // A private copy of just this view (a Buffer may be a slice of a much larger allocation), moved, not cloned.
    const data = new Uint8Array(task.data);
    const worker = new Worker(SANDBOX_SOURCE, {
      eval: true,
      workerData: { ...task, data, module: moduleUrls[task.kind]() },
      transferList: [data.buffer],
      resourceLimits: { maxOldGenerationSizeMb: MEMORY_LIMIT_MB, maxYoungGenerationSizeMb: 64 },
    });
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      void worker.terminate();
    };
    const timer = setTimeout(() => {
      finish(() => reject(new ExtractionError('timeout', `Reading the ${opts.label} took longer than ${opts.timeoutMs >= 1000 ? `${Math.round(opts.timeoutMs / 1000)} seconds` : `${opts.timeoutMs} ms`}; it may be damaged or too complex.`)));
    }, opts.timeoutMs);
    worker.once('message', (msg: SandboxReply<T>) => finish(() => resolve(msg)));
    worker.once('error', (err: Error & { code?: string }) => {
      finish(() => reject(err.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? new ExtractionError('too_large', `The ${opts.label} needs too much memory to read.`, { cause: err })
        : new ExtractionError('parse_failed', `The ${opts.label} could not be read.`, { cause: err })));
    });
    worker.once('exit', (code) => {
      finish(() => reject(new ExtractionError('parse_failed', `The ${opts.label} could not be read (parser exited with code ${code}).`)));
    });
  });
}
