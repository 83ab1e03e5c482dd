import { readFile } from 'node:fs/promises';
import type pg from 'pg';

/**
 * CPU accounting that survives a busy, shared machine better than wall-clock throughput: the benchmark
 * process's own CPU time (all threads) plus, in PostgreSQL mode, the on-CPU time of the server backends
 * serving the bench's pools (Linux /proc/<pid>/schedstat, nanoseconds; PostgreSQL runs on this host).
 */
export interface CpuMeter {
  /** Total CPU nanoseconds so far: this process + the bench backends. */
  read(): Promise<{ clientNs: number; serverNs: number }>;
  /** Re-list backend processes (call after pools have grown, outside timed sections). */
  refresh(): Promise<void>;
  serverVisible: boolean;
}

/** `adminPool`: a superuser pool used only by the meter (its own backend is never counted). */
export function createCpuMeter(adminPool: pg.Pool | undefined, appNamePrefix = 'converse-bench'): CpuMeter {
  let pids: number[] = [];
  let serverVisible = false;
  const meter: CpuMeter = {
    get serverVisible() {
      return serverVisible;
    },
    async refresh() {
      if (!adminPool) return;
      const { rows } = await adminPool.query<{ pid: number }>(
        `select pid from pg_stat_activity where application_name like $1 and pid <> pg_backend_pid()`,
        [`${appNamePrefix}%`],
      );
      pids = rows.map((r) => r.pid);
      serverVisible = pids.length > 0 && (await schedNs(pids[0]!)) !== null;
    },
    async read() {
      const u = process.cpuUsage();
      let serverNs = 0;
      if (serverVisible) for (const pid of pids) serverNs += (await schedNs(pid)) ?? 0;
      return { clientNs: (u.user + u.system) * 1000, serverNs };
    },
  };
  return meter;
}

async function schedNs(pid: number): Promise<number | null> {
  try {
    const text = await readFile(`/proc/${pid}/schedstat`, 'utf8');
    const ns = Number(text.split(' ')[0]);
    return Number.isFinite(ns) ? ns : null;
  } catch {
    return null;
  }
}

/** pg-pool closes idle clients after 10 s by default; a bench keeps them so CPU accounting sees one stable set. */
export function keepIdleClients(pool: pg.Pool | undefined): void {
  if (pool) (pool as unknown as { options: { idleTimeoutMillis: number } }).options.idleTimeoutMillis = 0;
}
