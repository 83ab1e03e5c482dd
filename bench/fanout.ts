/**
 * The cross-process fan-out (PostgreSQL LISTEN/NOTIFY, src/platform/db/notify.ts) measured:
 *
 * 1. Notify round trip: one process publishes, another receives (two connections, one channel),
 *    sequentially, `BENCH_FANOUT_N` times; then a burst of `BENCH_FANOUT_BURST` publishes and the time
 *    until the other side has them all (batched sends: one statement per batch).
 * 2. End to end: a person's message (POST /escalations/{id}/messages) until the caller's widget socket
 *    has the frame, through the instance that holds the socket (in-process bus) vs. through the other
 *    instance (NOTIFY + a re-read of the turn under withOrg), interleaved, `BENCH_FANOUT_N` each.
 *
 * Two app instances in one process on the database of DATABASE_URL (PostgreSQL only; it adds an org and
 * sessions like a test does, and truncates nothing). `npx tsx bench/fanout.ts`; writes
 * `results/<date>-fanout.json`.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { createPgNotifier } from '../src/platform/db/notify.js';
import { createLogger } from '../src/platform/log/logger.js';
import { post } from '../test/escalations/support.js';
import { escalationOf, seedHandoffOrg, startTwoInstances } from '../test/escalations/two-instances.js';
import { connect, sessionUrl } from '../test/widget/support.js';

const N = Number(process.env.BENCH_FANOUT_N ?? 200);
const BURST = Number(process.env.BENCH_FANOUT_BURST ?? 5000);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 100) / 100;
};
const summary = (xs: number[]) => ({ n: xs.length, p50_ms: pct(xs, 50), p95_ms: pct(xs, 95), max_ms: pct(xs, 100) });

async function notifyRoundTrip(url: string) {
  const log = createLogger('silent');
  const channel = `cv_bench_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const a = createPgNotifier({ url, log, channel });
  const b = createPgNotifier({ url, log, channel });
  let waiting: ((i: number) => void) | null = null;
  let count = 0;
  b.subscribe('bench', (d) => {
    count++;
    waiting?.((d as { i: number }).i);
  });
  if (!(await a.ready()) || !(await b.ready())) throw new Error('notify connection not ready');
  const single: number[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      waiting = (j) => j === i && resolve();
      a.publish('bench', { i });
    });
    single.push(performance.now() - t0);
  }
  waiting = null;
  count = 0;
  const t0 = performance.now();
  for (let i = 0; i < BURST; i++) a.publish('bench', { i, o: randomUUID(), s: randomUUID(), t: i });
  const deadline = Date.now() + 120_000;
  while (count < BURST) {
    if (Date.now() > deadline) throw new Error(`burst: ${count} of ${BURST} received (dropped: ${a.stats().dropped})`);
    await new Promise((r) => setTimeout(r, 1));
  }
  const burstMs = performance.now() - t0;
  await Promise.all([a.close(), b.close()]);
  return { sequential: summary(single), burst: { notifications: BURST, ms: Math.round(burstMs), per_second: Math.round(BURST / (burstMs / 1000)) } };
}

async function endToEnd() {
  const { a, b, close } = await startTwoInstances();
  try {
    const x = await seedHandoffOrg(a, 'Fan-out bench');
    const c = connect(await sessionUrl(b.w, x.org.apiKey, x.channelId));
    const session = await c.waitFor((f) => f.type === 'session');
    await c.waitFor((f) => f.type === 'message');
    c.send({ type: 'message', text: 'I want to talk to a human' });
    await c.waitFor((f) => f.type === 'message' && f.action === 'handoff');
    const escalationId = await escalationOf(a, x.org, session.id);
    await post(a.t.app, x.org.tokens.support_agent, `/escalations/${escalationId}/claim`);
    const same: number[] = [];
    const cross: number[] = [];
    for (let i = 0; i < 2 * N; i++) {
      const via = i % 2 === 0 ? a : b;
      const text = `message ${i}`;
      const mark = c.frames.length;
      const t0 = performance.now();
      const [res] = await Promise.all([post(via.t.app, x.org.tokens.support_agent, `/escalations/${escalationId}/messages`, { text }), c.waitFor((f) => f.text === text, mark)]);
      if (res.statusCode !== 200) throw new Error(`message: ${res.statusCode}`);
      (via === b ? same : cross).push(performance.now() - t0);
    }
    c.ws.close();
    await c.closed;
    return { same_instance: summary(same), other_instance: summary(cross) };
  } finally {
    await close();
  }
}

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('PostgreSQL only: set DATABASE_URL (and MIGRATION_DATABASE_URL for the test harness)');
  const loadBefore = loadavg()[0]!;
  const notify = await notifyRoundTrip(url);
  const e2e = await endToEnd();
  const result = { at: new Date().toISOString(), load_1m_before: loadBefore, load_1m_after: loadavg()[0]!, notify, end_to_end: e2e };
  console.log(JSON.stringify(result, null, 2));
  const stamp = new Date().toISOString().slice(0, 16).replace(/[T:]/g, '-');
  await writeFile(new URL(`./results/${stamp}-fanout.json`, import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
}

await main();
