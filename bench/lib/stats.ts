import os from 'node:os';

/** Nearest-rank percentile of unsorted samples (a copy is sorted). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const median = (xs: readonly number[]): number => percentile(xs, 50);

/** The middle value, or the mean of the middle two: for a median over a few runs, where nearest-rank would take the lower one. */
export function midpointMedian(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export const round = (x: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** Markdown table from rows of cells. */
export function mdTable(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map(String).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  totalMemGiB: number;
  loadAvgAtStart: number[];
  node: string;
  platform: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    totalMemGiB: round(os.totalmem() / 2 ** 30, 1),
    loadAvgAtStart: os.loadavg().map((l) => round(l, 2)),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

export const log = (msg: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
};
