/**
 * The HTTP-level isolation cost over several runs: one row per storage mode and concurrency level, from
 * the result files named on the command line (bench/results/*.json written by run.ts).
 *
 *   npx tsx bench/summarize.ts bench/results/2026-12-01-16-1*.json
 *
 * A single run's figure moves by several points on a shared host; the claim is the median over runs
 * and the figure pooled over every round of every run. Only runs that measured the whole mix count
 * (a run limited by BENCH_ROUTES is skipped, and said so).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { HttpMixResult, IsolationAb } from './http-mix.js';
import { MIX } from './http-mix.js';
import { mdTable, midpointMedian as median, round } from './lib/stats.js';

interface RunRow {
  run: string;
  ab: IsolationAb;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const pct = (x: number) => `${round(x, 1)}%`;
const span = (xs: readonly number[]) => `${pct(Math.min(...xs))} … ${pct(Math.max(...xs))}`;

/** Whole-mix A/B results per "mode, connections", in the order the files were given. */
export async function collect(files: readonly string[]): Promise<{ groups: Map<string, RunRow[]>; skipped: string[] }> {
  const groups = new Map<string, RunRow[]>();
  const skipped: string[] = [];
  for (const file of files) {
    const doc = JSON.parse(await readFile(file, 'utf8')) as { http?: HttpMixResult | null };
    const run = path.basename(file, '.json');
    const h = doc.http;
    if (!h?.isolation.length) continue;
    if (h.mix.length !== MIX.length) {
      skipped.push(`${run} (${h.mix.map((m) => m.label).join(', ')} only)`);
      continue;
    }
    for (const ab of h.isolation) {
      const key = `${h.mode}, ${ab.connections}`;
      groups.set(key, [...(groups.get(key) ?? []), { run, ab }]);
    }
  }
  return { groups, skipped };
}

/** One markdown row per group: runs, median and pooled throughput lost, CPU and database CPU per request. */
export function summaryTable(groups: Map<string, RunRow[]>): string {
  const rows = [...groups].map(([key, runs]) => {
    const lost = runs.map((r) => r.ab.lostVsOwnerPct);
    const pooled = (1 - sum(runs.flatMap((r) => r.ab.isolatedReqPerSec)) / sum(runs.flatMap((r) => r.ab.ownerReqPerSec))) * 100;
    const metered = runs.filter((r) => r.ab.cpuPerRequest && r.ab.cpuCostVsOwnerPct !== undefined);
    const cpu = metered.map((r) => r.ab.cpuCostVsOwnerPct!);
    const dbExtra = metered.map((r) => r.ab.cpuPerRequest!.isolated.dbUs - r.ab.cpuPerRequest!.owner.dbUs);
    return [
      key,
      runs.length,
      `**${pct(median(lost))}**`,
      span(lost),
      pct(pooled),
      metered.length ? `+${pct(median(cpu))}` : '—',
      metered.length ? span(cpu) : '—',
      metered.length && metered[0]!.ab.cpuPerRequest!.isolated.dbUs > 0 ? `+${round(median(dbExtra), 0)} µs` : '—',
    ];
  });
  return mdTable(
    ['mode, connections', 'runs', 'throughput lost vs owner role, median', 'range over runs', 'pooled over all rounds', 'extra CPU per request, median', 'range', 'extra database CPU per request, median'],
    rows,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = process.argv.slice(2);
  if (!files.length) throw new Error('usage: npx tsx bench/summarize.ts <result.json>...');
  const { groups, skipped } = await collect(files);
  console.log(summaryTable(groups));
  if (skipped.length) console.log(`\nSkipped (not the whole mix): ${skipped.join('; ')}`);
  console.log(`\nRuns: ${[...new Set([...groups.values()].flat().map((r) => r.run))].join(', ')}`);
}
