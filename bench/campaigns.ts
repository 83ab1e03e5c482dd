/**
 * The campaign dialing engine's throughput and start latency, with 1 and 3 engine processes
 * (test/campaigns/engine-process.ts, each one `converse worker`'s engine with the default 250 ms poll
 * and 32 dial slots, woken by campaign starts over LISTEN/NOTIFY on a channel of the bench's own)
 * against the provider simulator, which counts the calls it receives.
 *
 * - dial decisions/s: contacts verified and dialed (in batches: one org transaction verifying and
 *   committing a batch, the provider requests, the answers recorded) from the first campaign's start
 *   to the last call at the simulator, over BENCH_CAMPAIGN_CONTACTS contacts in campaigns of 1,000
 *   (max_concurrency 1,000, one org each);
 * - time to first dial: from the start request's response to the first call at the simulator.
 *
 * BENCH_CAMPAIGN_ROUNDS (default 1) repeats each configuration; the table shows the median.
 *
 * PostgreSQL only (the engines are separate processes):
 *   DATABASE_URL=postgres://converse_app@127.0.0.1:5432/converse_bench \
 *   MIGRATION_DATABASE_URL=postgres://postgres@127.0.0.1:5432/converse_bench npx tsx bench/campaigns.ts
 * The database must be migrated (any test run against it, or `converse migrate`). Writes
 * results/<date>-campaigns-postgres.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseKeyring } from '../src/platform/vault/keyring.js';
import { PUBLIC_URL } from '../test/channels/support.js';
import { addContacts, newCampaign, ok, startCampaignHarness, type CampaignHarness } from '../test/campaigns/support.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CONTACTS = Number(process.env.BENCH_CAMPAIGN_CONTACTS ?? 3000);
const PER_CAMPAIGN = 1000;
const KEY = randomBytes(32).toString('base64');
const ROUNDS = Number(process.env.BENCH_CAMPAIGN_ROUNDS ?? 1);
const CHANNEL = `bench_campaigns_${randomBytes(4).toString('hex')}`;

function startEngine(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/campaigns/engine-process.ts')], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('engine process not ready')), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('"engine started"')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
  });
}

interface Round {
  engines: number;
  contacts: number;
  seconds: number;
  decisionsPerSecond: number;
  firstDialMs: number;
  /** CPU time (user + system) of the engine processes per dial during the round, from /proc. */
  engineCpuMsPerDial: number;
  load: string;
}

let offset = 0;

/** utime + stime of a process (fields 14 and 15 of /proc/<pid>/stat, in clock ticks of 10 ms). */
async function cpuMsOf(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function round(h: CampaignHarness, engines: number): Promise<Round> {
  const campaigns: Array<{ id: string; token: string }> = [];
  const orgs: string[] = [];
  const phones = new Set<string>();
  for (let i = 0; i < Math.ceil(CONTACTS / PER_CAMPAIGN); i++) {
    const org = await h.newOrg(`Bench ${engines}/${i}`);
    orgs.push(org.id);
    const c = await newCampaign(h.app, org, { max_concurrency: 1000, max_attempts: 1 });
    const batch = Array.from({ length: PER_CAMPAIGN }, (_, k) => `+9194${String(offset + k).padStart(8, '0')}`);
    offset += PER_CAMPAIGN;
    batch.forEach((p) => phones.add(p));
    await addContacts(h.app, org, c.id, batch);
    campaigns.push({ id: c.id, token: org.token });
  }
  const env = {
    ENGINE_DATABASE_URL: process.env.DATABASE_URL!, ENGINE_KEY: KEY, ENGINE_PUBLIC_URL: PUBLIC_URL,
    ENGINE_TWILIO_BASE: h.sim.baseUrls.twilio, ENGINE_ORGS: orgs.join(','), ENGINE_POLL_MS: '250', ENGINE_NOTIFY_CHANNEL: CHANNEL,
  };
  const children = await Promise.all(Array.from({ length: engines }, () => startEngine(env)));
  const seen = () => h.sim.calls.filter((c) => phones.has(c.to));
  try {
    const load = (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ');
    const engineCpu = () => Promise.all(children.map((c) => cpuMsOf(c.pid!))).then((xs) => xs.reduce((x, y) => x + y, 0));
    const cpu0 = await engineCpu(); // start-up (module loading) excluded
    await ok(h.app, 'POST', `/campaigns/${campaigns[0]!.id}/start`, campaigns[0]!.token);
    const t0 = Date.now();
    for (const c of campaigns.slice(1)) await ok(h.app, 'POST', `/campaigns/${c.id}/start`, c.token);
    while (seen().length < phones.size) {
      if (Date.now() - t0 > 600_000) throw new Error(`only ${seen().length} of ${phones.size} dialed in 10 minutes`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const calls = seen();
    if (new Set(calls.map((c) => c.to)).size !== calls.length) throw new Error('a contact was dialed twice');
    const first = Math.min(...calls.map((c) => c.at));
    const last = Math.max(...calls.map((c) => c.at));
    const seconds = (last - t0) / 1000;
    const cpuMs = (await engineCpu()) - cpu0;
    return { engines, contacts: calls.length, seconds, decisionsPerSecond: Math.round(calls.length / seconds), firstDialMs: first - t0, engineCpuMsPerDial: Number((cpuMs / calls.length).toFixed(2)), load };
  } finally {
    for (const c of children) c.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL) throw new Error('bench/campaigns.ts needs DATABASE_URL and MIGRATION_DATABASE_URL (PostgreSQL): the engines are separate processes');
  const h = await startCampaignHarness({ keyring: parseKeyring(KEY, 'test key'), notifyChannel: CHANNEL });
  try {
    const rounds: Round[] = [];
    for (const engines of [1, 3]) for (let i = 0; i < ROUNDS; i++) rounds.push(await round(h, engines));
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    console.log('| engines | contacts | dial decisions/s (median; all) | time to first dial (median; all) | engine CPU per dial | load (1/5/15 min) |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const engines of [1, 3]) {
      const rs = rounds.filter((r) => r.engines === engines);
      const rate = rs.map((r) => r.decisionsPerSecond);
      const first = rs.map((r) => r.firstDialMs);
      const cpu = rs.map((r) => r.engineCpuMsPerDial);
      console.log(`| ${engines} | ${rs[0]!.contacts} | ${median(rate)}; ${rate.join(', ')} | ${median(first)} ms; ${first.join(', ')} | ${median(cpu)} ms | ${rs.map((r) => r.load).join('; ')} |`);
    }
    await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
    const file = path.join(ROOT, `bench/results/${new Date().toISOString().slice(0, 10)}-campaigns-postgres.json`);
    await writeFile(file, `${JSON.stringify({ at: new Date().toISOString(), contacts: CONTACTS, rounds }, null, 2)}\n`);
    console.log(`wrote ${path.relative(ROOT, file)}`);
  } finally {
    await h.close();
  }
}

await main();
