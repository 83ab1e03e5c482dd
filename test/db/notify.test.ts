/**
 * The LISTEN/NOTIFY connection (src/platform/db/notify.ts) against the suite's PostgreSQL: delivery to
 * other processes only, never to the sender; malformed payloads counted and dropped; the 8000-byte
 * limit; reconnection after the server ends the connection. Each test uses a channel of its own.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { buildDeps } from '../../src/deps.js';
import { createDatabase } from '../../src/platform/db/database.js';
import { createPostgresDriver } from '../../src/platform/db/driver.js';
import { createPgNotifier, MAX_PAYLOAD_BYTES, type Notifier } from '../../src/platform/db/notify.js';
import { createLogger } from '../../src/platform/log/logger.js';
import { isPostgres, openTestDb, testKeyring, type TestDb } from '../helpers/harness.js';

const reason = 'LISTEN/NOTIFY is PostgreSQL mode only (embedded mode is one process per database folder, so in-process delivery is complete)';
if (!isPostgres) console.warn(`test/db/notify.test.ts skipped: ${reason}`);

/** Resolves once `check` holds, polling (the waits are for state, with a generous cap). */
async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the notify connection in Deps', () => {
  it('exists in PostgreSQL mode with a notify URL (no connection until first used), and not in embedded mode', async () => {
    const log = createLogger('silent');
    const url = 'postgres://converse_app@127.0.0.1:1/none';
    const pgDb = createDatabase(createPostgresDriver(url, { max: 1 }));
    const withUrl = buildDeps({ config: loadConfig({ DATABASE_URL: url }), db: pgDb, keyring: testKeyring(), log });
    expect(withUrl.notify).not.toBeNull();
    expect(withUrl.notify!.stats()).toEqual({ sent: 0, received: 0, ignored: 0, dropped: 0, reconnects: 0, pid: null });
    await withUrl.notify!.close();
    await pgDb.driver.close();
    const embedded = { ...pgDb, mode: 'embedded' as const };
    expect(buildDeps({ config: loadConfig({}), db: embedded, keyring: testKeyring(), log }).notify).toBeNull();
  });
});

describe.skipIf(!isPostgres)('LISTEN/NOTIFY connection (PostgreSQL)', () => {
  let t: TestDb;
  const open: Notifier[] = [];
  const log = createLogger('silent');
  let channel = '';
  const notifier = (app = 'converse-notify-test') => {
    const n = createPgNotifier({ url: process.env.DATABASE_URL!, log, channel, applicationName: app });
    open.push(n);
    return n;
  };
  const raw = (payload: string) => t.admin.transaction((q) => q('select pg_notify($1, $2)', [channel, payload]));

  beforeAll(async () => {
    t = await openTestDb();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((n) => n.close()));
  });
  afterAll(async () => t?.close());

  const fresh = () => (channel = `cv_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`);

  it('delivers a notification to the other process and never back to the sender', async () => {
    fresh();
    const a = notifier();
    const b = notifier();
    const gotA: unknown[] = [];
    const gotB: unknown[] = [];
    a.subscribe('x', (d) => gotA.push(d));
    b.subscribe('x', (d) => gotB.push(d));
    b.subscribe('other', () => gotB.push('wrong kind'));
    expect(await a.ready()).toBe(true);
    expect(await b.ready()).toBe(true);
    a.publish('x', { n: 1 });
    a.publish('x', { n: 2 });
    b.publish('x', { n: 3 });
    await until(() => gotB.length >= 2 && gotA.length >= 1, 'both deliveries');
    // b's own ping/messages never come back to b; a's come in the order sent.
    expect(gotB).toEqual([{ n: 1 }, { n: 2 }]);
    expect(gotA).toEqual([{ n: 3 }]);
    await until(() => a.stats().sent === 3, "two messages and the readiness ping sent");
    expect(a.stats().dropped).toBe(0);
  });

  it('delivers a burst published at once (more than one statement\'s batch, while a send is in flight) completely and in order', async () => {
    fresh();
    const a = notifier();
    const b = notifier();
    const got: number[] = [];
    b.subscribe('x', (d) => got.push((d as { i: number }).i));
    expect(await a.ready()).toBe(true);
    expect(await b.ready()).toBe(true);
    for (let i = 0; i < 3000; i++) a.publish('x', { i });
    await until(() => got.length === 3000, 'the whole burst', 60_000);
    expect(got).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expect(a.stats().dropped).toBe(0);
  });

  it('drops what is not a valid envelope (not JSON, another version, no body) and counts it; keeps delivering', async () => {
    fresh();
    const b = notifier();
    const got: unknown[] = [];
    b.subscribe('x', (d) => got.push(d));
    expect(await b.ready()).toBe(true);
    for (const p of ['not json', '[]', 'null', '{"v":2,"k":"x","d":{}}', '{"v":1,"k":"x"}', '{"v":1,"k":7,"d":{}}', '']) await raw(p);
    await raw('{"v":1,"k":"x","d":{"ok":true}}');
    await until(() => got.length === 1, 'the valid notification');
    expect(got).toEqual([{ ok: true }]);
    expect(b.stats()).toMatchObject({ ignored: 7, received: 8 });
  });

  it('refuses to send a payload over the 8000-byte limit (nothing goes out) and keeps sending the next', async () => {
    fresh();
    const a = notifier();
    const b = notifier();
    const got: unknown[] = [];
    b.subscribe('x', (d) => got.push(d));
    expect(await a.ready()).toBe(true);
    expect(await b.ready()).toBe(true);
    a.publish('x', { big: 'é'.repeat(MAX_PAYLOAD_BYTES / 2) });
    a.publish('x', { small: 1 });
    await until(() => got.length === 1, 'the small notification');
    expect(got).toEqual([{ small: 1 }]);
    expect(a.stats().dropped).toBe(1);
  });

  it('reconnects with backoff after the server ends its connection, and delivers again', async () => {
    fresh();
    const app = `converse-notify-${randomUUID().slice(0, 8)}`;
    const a = notifier();
    const b = notifier(app);
    const got: unknown[] = [];
    b.subscribe('x', (d) => got.push(d));
    expect(await b.ready()).toBe(true);
    const killed = await t.admin.transaction((q) => q<{ ok: boolean }>('select pg_terminate_backend(pid) as ok from pg_stat_activity where application_name = $1', [app]));
    expect(killed.rows).toEqual([{ ok: true }]);
    await until(() => b.stats().reconnects === 1, 'the reconnection');
    expect(await b.ready()).toBe(true);
    a.publish('x', { after: true });
    await until(() => got.length === 1, 'a notification after the reconnection');
    expect(got).toEqual([{ after: true }]);
  });

  it('ready() is false when the connection cannot be made (it keeps retrying until closed)', async () => {
    fresh();
    const bad = createPgNotifier({ url: 'postgres://nobody@127.0.0.1:1/none', log, channel });
    open.push(bad);
    expect(await bad.ready(500)).toBe(false);
    bad.publish('x', { queued: true }); // waits in the queue; close() drops it without throwing
    await bad.close();
    expect(bad.stats().sent).toBe(0);
  });
});
