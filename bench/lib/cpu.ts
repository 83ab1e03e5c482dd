import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { DEFAULT_PG_ADMIN_URL, type BenchMode } from './db.js';

/**
 * CPU accounting that survives a busy, shared machine better than wall-clock throughput: the benchmark
 * process's own CPU time (all threads) plus, in PostgreSQL mode, the on-CPU time of the server backends
 * serving the bench's pools (Linux /proc/<pid>/schedstat, nanoseconds; PostgreSQL runs on this host).
 */
export interface CpuMeter {
  /** Total CPU nanoseconds so far: this process + the bench backends. */
  read(): Promise<{ clientNs: number; serverNs: number; serverWakeups: number; serverQueuedNs: number }>;
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
      serverVisible = pids.length > 0 && (await schedStat(pids[0]!)) !== null;
    },
    async read() {
      const u = process.cpuUsage();
      let serverNs = 0;
      let serverWakeups = 0;
      let serverQueuedNs = 0;
      if (serverVisible) {
        for (const pid of pids) {
          const st = await schedStat(pid);
          serverNs += st?.onCpuNs ?? 0;
          serverQueuedNs += st?.queuedNs ?? 0;
          serverWakeups += st?.slices ?? 0;
        }
      }
      return { clientNs: (u.user + u.system) * 1000, serverNs, serverWakeups, serverQueuedNs };
    },
  };
  return meter;
}

/**
 * A meter for one bench run. PostgreSQL: backends are listed through a superuser connection of its own,
 * whose application_name is outside the counted prefix. PGlite runs inside this process, so its CPU is
 * in clientNs and there are no backends.
 */
export function openCpuMeter(mode: BenchMode): { cpu: CpuMeter; close(): Promise<void> } {
  const meterPool =
    mode === 'postgres' ? new pg.Pool({ connectionString: process.env.MIGRATION_DATABASE_URL ?? DEFAULT_PG_ADMIN_URL, max: 1, application_name: 'bench-cpu-meter' }) : undefined;
  return { cpu: createCpuMeter(meterPool), close: async () => void (await meterPool?.end()) };
}

/**
 * /proc/<pid>/schedstat: time on CPU (ns), time runnable but waiting for a CPU (ns), and the number of
 * times the process was put on a CPU (each wake-up from a socket wait is one).
 */
async function schedStat(pid: number): Promise<{ onCpuNs: number; queuedNs: number; slices: number } | null> {
  try {
    const [onCpuNs, queuedNs, slices] = (await readFile(`/proc/${pid}/schedstat`, 'utf8')).trim().split(' ').map(Number);
    return Number.isFinite(onCpuNs) ? { onCpuNs: onCpuNs!, queuedNs: queuedNs ?? 0, slices: slices ?? 0 } : null;
  } catch {
    return null;
  }
}

/**
 * Opens every connection the pool may have and returns them idle, so the backends a run will use exist
 * before the meter lists them: a backend forked during a run would go uncounted.
 */
export async function fillPool(pool: pg.Pool | undefined): Promise<void> {
  if (!pool) return;
  const max = (pool as unknown as { options: { max: number } }).options.max;
  const clients = await Promise.all(Array.from({ length: max }, () => pool.connect()));
  for (const c of clients) c.release();
}

/** pg-pool closes idle clients after 10 s by default; a bench keeps them so CPU accounting sees one stable set. */
export function keepIdleClients(pool: pg.Pool | undefined): void {
  if (pool) (pool as unknown as { options: { idleTimeoutMillis: number } }).options.idleTimeoutMillis = 0;
}
