import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger, type Logger } from './platform/log/logger.js';
import { createPostgresDriver } from './platform/db/driver.js';
import { migrate } from './platform/db/migrate.js';
import { addKeyToKeyringFile } from './platform/vault/keyring.js';
import { formatRewrapReport, rewrapAllDataKeys } from './platform/vault/rewrap-command.js';
import { createRuntime, openDatabase, runtimeLoginFrom } from './runtime.js';
import { createDemo, createDemoOverHttp } from './demo.js';
import { parseCallSimArgs, runCallSim } from './call-sim.js';
import { parseChatArgs, runChat } from './cli-chat.js';
import { readLiveOwner, recordServingUrl } from './platform/db/embedded-lock.js';
import { createWorker } from './platform/jobs/index.js';
import { allJobs, allSchedules } from './jobs.js';
import { createCampaignEngine } from './pipeline/campaigns/engine.js';
import { formatDoctorReport, runDoctorChecks } from './voice/doctor.js';

const USAGE = `converse <command>

  serve            HTTP API (embedded mode also runs background work in-process)
  worker           background jobs only (PostgreSQL mode; run as many as you like)
  migrate          apply database migrations (PostgreSQL: needs MIGRATION_DATABASE_URL)
  keys generate    print a new base64 master key for CONVERSE_MASTER_KEY(_FILE)
  keys rotate      add a new primary key to the keyring file (CONVERSE_MASTER_KEY_FILE or the dev keyring)
  keys rotate --rewrap [--dry-run]
                   re-wrap every data key under the primary master key and report any still on an old one
  demo             create a demo organization with an owner and print how to log in
  chat --agent <id> | --flow <id>
                   talk to an agent or a flow in the terminal, through a running server's API
                   (converse chat --help for the options)
  doctor           list the optional speech and browser packages installed, and what a missing one disables
  call-sim --webhook <url> --auth-token <token> --say "…" --press 1 …
                   phone a Twilio voice channel as a simulated caller (converse call-sim --help)

Configuration is read from the environment: see docs/configuration.md.`;

async function serve(config: Config, log: Logger): Promise<void> {
  const runtime = await createRuntime(config, { log });
  const app = await buildApp(runtime.deps);
  const worker = config.workerInProcess ? createWorker(runtime.deps, allJobs, { concurrency: config.workerConcurrency, leaseSeconds: config.jobLeaseSeconds, schedules: allSchedules }) : null;
  const dialer = config.workerInProcess ? createCampaignEngine(runtime.deps) : null;
  onShutdownSignal(log, 'shutting down: draining requests and the running jobs', async () => {
    // Stop accepting; in-flight requests and the jobs already running finish; then the database closes.
    // A keep-alive connection whose request finishes while draining would hold close() open until its
    // idle timeout: close connections as they turn idle.
    const idle = setInterval(() => app.server.closeIdleConnections(), 100);
    await Promise.all([app.close().finally(() => clearInterval(idle)), worker?.stop(), dialer?.stop()]);
    await runtime.close();
  });
  await app.listen({ port: config.port, host: config.host });
  worker?.start();
  dialer?.start();
  const url = servingUrl(app.server.address(), config.host);
  // `converse demo` (and an operator) read the lock to find the server that owns the embedded database.
  if (!config.databaseUrl) await recordServingUrl(config.embeddedDbDir, url);
  log.info({ mode: runtime.deps.db.mode, url, docs: '/docs' }, 'Converse is serving');
}

/** SIGTERM/SIGINT run `drain` once, then exit 0; a drain that hangs is cut off after 15 s with exit 1. */
function onShutdownSignal(log: Logger, message: string, drain: () => Promise<void>): void {
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, message);
    setTimeout(() => process.exit(1), 15_000).unref();
    try {
      await drain();
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

function servingUrl(address: string | AddressInfo | null, host: string): string {
  const port = address && typeof address === 'object' ? address.port : 0;
  const wildcard = host === '0.0.0.0' || host === '::';
  const h = wildcard ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${h}:${port}`;
}

async function runWorker(config: Config, log: Logger): Promise<void> {
  if (!config.databaseUrl) throw new ConfigError('`converse worker` needs DATABASE_URL: the embedded database belongs to `converse serve`, which runs background work itself');
  const runtime = await createRuntime(config, { log });
  const worker = createWorker(runtime.deps, allJobs, { concurrency: config.workerConcurrency, leaseSeconds: config.jobLeaseSeconds, schedules: allSchedules });
  const dialer = createCampaignEngine(runtime.deps);
  onShutdownSignal(log, 'worker stopping: finishing running jobs', async () => {
    await Promise.all([worker.stop(), dialer.stop()]);
    await runtime.close();
  });
  worker.start();
  dialer.start();
  log.info({ worker: worker.id, dialer: dialer.id, jobs: allJobs.map((j) => j.name) }, 'worker started');
}

async function runMigrate(config: Config, log: Logger): Promise<void> {
  if (!config.databaseUrl) {
    const { db } = await openDatabase(config, log, { migrate: true });
    await db.driver.close();
    log.info('embedded database is up to date');
    return;
  }
  const adminUrl = config.migrationDatabaseUrl;
  if (!adminUrl) throw new ConfigError('converse migrate needs MIGRATION_DATABASE_URL (an owner/admin connection) in PostgreSQL mode');
  const admin = createPostgresDriver(adminUrl, { max: 1, applicationName: 'converse-migrate' });
  try {
    const applied = await migrate({ admin, runtimeLogin: runtimeLoginFrom(config.databaseUrl), log: (m) => log.info(m) });
    log.info({ applied }, applied.length ? 'migrations applied' : 'database is up to date');
  } finally {
    await admin.close();
  }
}

/** Re-wraps data keys under the primary master key (embedded mode: refused while `converse serve` runs). */
async function rewrapCommand(config: Config, log: Logger, dryRun: boolean): Promise<void> {
  const runtime = await createRuntime(config, { log });
  try {
    const report = await rewrapAllDataKeys(runtime.deps.db, runtime.keyring, { dryRun });
    process.stdout.write(formatRewrapReport(report));
    // Scripts can tell "done" from "something is still on an old master key".
    if (!dryRun && report.stillOnOldKeys.length > 0) process.exitCode = 2;
  } finally {
    await runtime.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, sub] = argv;
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  switch (command) {
    case 'serve':
      return serve(config, log);
    case 'migrate':
      return runMigrate(config, log);
    case 'keys':
      if (sub === 'generate') {
        process.stdout.write(`${randomBytes(32).toString('base64')}\n`);
        return;
      }
      if (sub === 'rotate' && argv.includes('--rewrap')) return rewrapCommand(config, log, argv.includes('--dry-run'));
      if (sub === 'rotate') {
        const file = config.masterKeyFile ?? `${config.keysDir}/master.json`;
        const id = await addKeyToKeyringFile(file);
        process.stdout.write(`added master key ${id} as primary in ${file}\nRestart every server and worker to load it, then run 'converse keys rotate --rewrap' (docs/secrets.md).\n`);
        return;
      }
      throw new ConfigError(`unknown keys command: ${sub ?? '(none)'}\n\n${USAGE}`);
    case 'demo': {
      // Embedded mode with a server running: the database is the server's, so go through its API.
      const server = config.databaseUrl ? null : await readLiveOwner(config.embeddedDbDir);
      if (server?.url) {
        process.stdout.write(await createDemoOverHttp(server.url));
        return;
      }
      const runtime = await createRuntime(config, { log });
      try {
        process.stdout.write(await createDemo(runtime.deps));
      } finally {
        await runtime.close();
      }
      return;
    }
    case 'worker':
      return runWorker(config, log);
    case 'doctor':
      process.stdout.write(formatDoctorReport(runDoctorChecks()));
      return;
    case 'call-sim':
      return runCallSim(parseCallSimArgs(argv.slice(1)), process.stdout);
    case 'chat':
      return runChat({ ...parseChatArgs(argv.slice(1), config.client), input: process.stdin, output: process.stdout });
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      throw new ConfigError(`unknown command: ${command}\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
  else process.stderr.write(`converse: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
