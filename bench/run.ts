/**
 * Runs every benchmark for each mode and writes bench/results/<date>-<mode>.json, then prints markdown
 * tables (paste them into docs/benchmarks.md).
 *
 *   npm run bench                                              # PGlite only (no DATABASE_URL)
 *   DATABASE_URL=postgres://converse_app@127.0.0.1:5432/converse_bench \
 *   MIGRATION_DATABASE_URL=postgres://postgres@127.0.0.1:5432/converse_bench npm run bench   # both modes
 *
 * Env: BENCH_MODES=pglite,postgres (default: pglite, plus postgres when DATABASE_URL is set),
 * BENCH_ONLY=http|isolation, and the knobs of http-mix.ts and isolation-cost.ts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { httpMixTable, isolationAbTable, isolationCpuTable, runHttpMix, type HttpMixResult } from './http-mix.js';
import { isolationTables, runIsolationCost, type IsolationResult } from './isolation-cost.js';
import { modesFromEnv } from './lib/db.js';
import { log, machineInfo, round } from './lib/stats.js';

const only = process.env.BENCH_ONLY;
if (only && only !== 'http' && only !== 'isolation') throw new Error('BENCH_ONLY must be "http" or "isolation"');

const resultsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
await mkdir(resultsDir, { recursive: true });
const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-');

const http: HttpMixResult[] = [];
const isolation: IsolationResult[] = [];
let failed = false;
for (const mode of modesFromEnv()) {
  const machine = machineInfo();
  const started = Date.now();
  const h = only === 'isolation' ? null : await runHttpMix(mode);
  const i = only === 'http' ? null : await runIsolationCost(mode);
  if (h) http.push(h);
  if (i) isolation.push(i);
  if (h?.runs.some((r) => !r.ok) || h?.isolation.some((x) => x.failures > 0)) failed = true;
  const file = path.join(resultsDir, `${stamp}-${mode}.json`);
  const doc = { mode, date: new Date().toISOString(), machine, loadAvgAtEnd: os.loadavg().map((l) => round(l, 2)), seconds: round((Date.now() - started) / 1000, 0), http: h, isolation: i };
  await writeFile(file, `${JSON.stringify(doc, null, 2)}\n`);
  log(`wrote ${path.relative(process.cwd(), file)}`);
}

const m = machineInfo();
console.log(`\nMachine: ${m.cpus} × ${m.cpuModel}, ${m.totalMemGiB} GiB, ${m.node}, load average at start ${m.loadAvgAtStart.join(' / ')}\n`);
if (http.length) console.log(`## HTTP mix\n\n${httpMixTable(http)}\n\n### Isolation cost at the HTTP level\n\n${isolationAbTable(http)}\n\nCPU per request (µs; app = the server process, db = its PostgreSQL backends; PGlite runs inside the app):\n\n${isolationCpuTable(http)}\n`);
if (isolation.length) console.log(`## Isolation cost\n\n${isolationTables(isolation)}\n`);
if (failed) {
  console.error('FAILED: the HTTP mix saw errors or non-2xx responses');
  process.exitCode = 1;
}
