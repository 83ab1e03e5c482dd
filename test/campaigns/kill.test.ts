/**
 * kill -9 of an engine process mid-campaign, then a new one: every attempt is dialed exactly once at
 * the provider simulator. The first engine dies with its provider requests delivered (the simulator has
 * the calls) but the answers held back, the worst moment: nothing recorded that the provider took them.
 *
 * PostgreSQL only: the engine processes share the test's database (embedded PGlite belongs to one
 * process; there the engine runs inside `converse serve`, see test/ops for killed servers).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withOrg } from '../../src/platform/db/with-org.js';
import { parseKeyring } from '../../src/platform/vault/keyring.js';
import { isPostgres } from '../helpers/harness.js';
import { PUBLIC_URL } from '../channels/support.js';
import { addContacts, callIdOf, endCall, newCampaign, ok, startCampaignHarness, waitFor, type CampaignHarness, type CampaignOrg } from './support.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const KEY = randomBytes(32).toString('base64');

/** A pass-through proxy to the simulator that can hold the answers of requests it forwarded. */
async function startHoldingProxy(target: string) {
  let holding = false;
  const held: Array<() => void> = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url ?? '/', target);
    const fwd = httpRequest(u, { method: req.method, headers: { ...req.headers, host: u.host } }, (up) => {
      const answer = () => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      };
      if (holding) held.push(answer);
      else answer();
    });
    fwd.on('error', () => res.destroy());
    req.pipe(fwd);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hold: (on: boolean) => void (holding = on),
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

function startEngineProcess(env: Record<string, string>): Promise<{ child: ChildProcess; exited: Promise<NodeJS.Signals | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/campaigns/engine-process.ts')], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, signal) => r(signal)));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`engine process not ready:\n${out}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('"engine started"')) {
        clearTimeout(timer);
        resolve({ child, exited });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  });
}

describe.skipIf(!isPostgres)('a campaign engine process killed with SIGKILL mid-campaign (postgres)', () => {
  let h: CampaignHarness;
  let proxy: Awaited<ReturnType<typeof startHoldingProxy>>;
  let org: CampaignOrg;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    h = await startCampaignHarness({ keyring: parseKeyring(KEY, 'test key') });
    proxy = await startHoldingProxy(new URL(h.sim.baseUrls.twilio).origin);
    org = await h.newOrg('Killed');
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await proxy?.close();
    await h?.close();
  });

  it('dials each contact exactly once per attempt, counted at the simulator', async () => {
    const c = await newCampaign(h.app, org, { max_concurrency: 5, max_attempts: 2, retry_on: ['failed'], retry_delay_seconds: 0 });
    const phones = Array.from({ length: 20 }, (_, i) => `+9195${String(3_000_000 + i).padStart(8, '0')}`);
    await addContacts(h.app, org, c.id, phones);
    const env = { ENGINE_DATABASE_URL: process.env.DATABASE_URL!, ENGINE_KEY: KEY, ENGINE_PUBLIC_URL: PUBLIC_URL, ENGINE_TWILIO_BASE: `${proxy.url}/twilio`, ENGINE_ORGS: org.id, ENGINE_DIALING_TIMEOUT: '3' };
    const calls = () => h.sim.calls.filter((x) => phones.includes(x.to));

    proxy.hold(true);
    const first = await startEngineProcess(env);
    children.push(first.child);
    await ok(h.app, 'POST', `/campaigns/${c.id}/start`, org.token);
    await waitFor('five calls at the provider', () => calls().length === 5);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    proxy.hold(false);
    const stuck = calls().map(callIdOf);
    // Three of the five calls the dead engine placed report their end (as a status callback would);
    // two never do, so their attempts can only fail after the dialing timeout.
    for (const id of stuck.slice(0, 3)) await endCall(h.t, org.id, id, 'completed');

    const second = await startEngineProcess(env);
    children.push(second.child);
    const ended = new Set(stuck);
    await waitFor('the campaign to complete', async () => {
      for (const x of calls()) {
        if (ended.has(callIdOf(x))) continue;
        ended.add(callIdOf(x));
        await endCall(h.t, org.id, callIdOf(x), 'completed');
      }
      return (await ok(h.app, 'GET', `/campaigns/${c.id}`, org.token)).status === 'completed';
    }, 60_000);
    second.child.kill('SIGKILL');

    const attempts = await withOrg(h.t.deps.db, { orgId: org.id }, async (tx) =>
      (await tx.query<{ contact_id: string; attempt_no: number; outcome: string; call_id: string }>('select contact_id, attempt_no, outcome, call_id from app.campaign_attempts where org_id = $1 and campaign_id = $2', [org.id, c.id])).rows,
    );
    const simByCall = new Map<string, number>();
    for (const x of calls()) simByCall.set(callIdOf(x), (simByCall.get(callIdOf(x)) ?? 0) + 1);
    // Every attempt reached the provider exactly once, and the provider saw nothing else.
    expect(attempts).toHaveLength(22);
    for (const a of attempts) expect(simByCall.get(a.call_id), `attempt ${a.contact_id}#${a.attempt_no}`).toBe(1);
    expect(calls()).toHaveLength(attempts.length);
    // The two that never reported were failed after the timeout and called again as a second attempt.
    const timedOut = attempts.filter((a) => stuck.slice(3).includes(a.call_id));
    expect(timedOut.map((a) => [a.attempt_no, a.outcome])).toEqual([[1, 'failed'], [1, 'failed']]);
    const retried = attempts.filter((a) => a.attempt_no === 2).map((a) => a.contact_id).sort();
    expect(retried).toEqual(timedOut.map((a) => a.contact_id).sort());
    const perNumber = new Map<string, number>();
    for (const x of calls()) perNumber.set(x.to, (perNumber.get(x.to) ?? 0) + 1);
    expect([...perNumber.values()].sort()).toEqual([...Array(18).fill(1), 2, 2]);
  }, 120_000);
});
