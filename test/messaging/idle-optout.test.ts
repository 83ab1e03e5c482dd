/**
 * Thread lifetime: the channel's idle timeout ends a thread (the queued idle check, and lazily when the
 * next message comes late); STOP ends the thread, puts the number on the do-not-contact list and sends
 * one confirmation, after which nothing is sent; START lifts it. /dnc lists, adds and removes numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createOrg, type TestOrg } from '../helpers/api.js';
import { modeName } from '../helpers/harness.js';
import { twilioInboundMessage } from '../fakes/provider-sim/index.js';
import { OUR_NUMBER, twilioCreds } from '../fakes/provider-sim/fixtures.js';
import { OPT_IN_CONFIRMATION, OPT_OUT_CONFIRMATION } from '../../src/pipeline/messaging/thread.js';
import { created, startMessagingHarness, type MessagingHarness } from './support.js';

describe(`SMS thread idle timeout and opt-out; /dnc (${modeName})`, () => {
  let h: MessagingHarness;
  let a: TestOrg;
  let channel: { id: string; webhook_url: string; settings: { thread_idle_minutes: number } };

  const text = async (from: string, body: string) => {
    const r = await h.sim.sendTwilioCallback(channel.webhook_url, twilioInboundMessage({ accountSid: twilioCreds.account_sid, from, to: OUR_NUMBER, body }), twilioCreds.auth_token);
    expect(r.status, r.body).toBe(200);
    await h.settle();
  };
  const to = (n: string) => h.sim.messages.filter((m) => m.to === n).map((m) => m.text);
  const threads = async (n: string) => (await call(h.t.app, { method: 'GET', url: `/calls?phone=${encodeURIComponent(n)}`, token: a.tokens.admin })).json().data;
  /** Makes the thread's last activity `minutes` old, as if time had passed. */
  const age = (callId: string, minutes: number) =>
    h.t.testDb.admin.transaction((q) => q("update app.calls set updated_at = now() - make_interval(mins => $2) where id = $1", [callId, minutes]));

  beforeAll(async () => {
    h = await startMessagingHarness();
    a = await createOrg(h.t.app, 'Idle A');
    const agent = await created(h.t.app, a.tokens.admin, '/agents', { name: 'Helper', greeting: 'Hi, this is Acme.' });
    channel = await created(h.t.app, a.tokens.admin, '/channels', {
      name: 'SMS', type: 'sms', provider: 'twilio', credentials: twilioCreds, phone_number: OUR_NUMBER, agent_id: agent.id, settings: { thread_idle_minutes: 30 },
    });
  });
  afterAll(async () => h?.close());

  it('the idle timeout is a validated channel setting (default 24 h)', async () => {
    expect(channel.settings).toEqual({ thread_idle_minutes: 30 });
    for (const bad of [{ thread_idle_minutes: 0 }, { thread_idle_minutes: 1.5 }, { thread_idle_minutes: 50_000 }, { other: 1 }]) {
      const r = await call(h.t.app, { method: 'PATCH', url: `/channels/${channel.id}`, token: a.tokens.admin, body: { settings: bad } });
      expect(r.statusCode, JSON.stringify(bad)).toBe(400);
    }
    const other = await created(h.t.app, a.tokens.admin, '/channels', { name: 'Plain', type: 'sms', provider: 'twilio', credentials: twilioCreds, phone_number: '+14155550199' });
    expect(other.settings).toEqual({ thread_idle_minutes: 1440 });
  });

  it("the queued idle check ends a thread idle past the channel's timeout, not one still in use", async () => {
    const n = '+14155550201';
    await text(n, 'hello');
    const [thread] = await threads(n);
    const due = () => h.t.testDb.admin.transaction((q) => q("update app.jobs set run_at = now() where name = 'messaging.thread_idle' and payload->>'call_id' = $1", [thread.id]));
    const idleJobs = await h.t.testDb.admin.transaction((q) => q<{ n: number; delay: number }>(
      "select count(*)::int as n, min(extract(epoch from run_at - created_at))::int as delay from app.jobs where name = 'messaging.thread_idle' and payload->>'call_id' = $1", [thread.id]));
    expect(idleJobs.rows[0]).toMatchObject({ n: 1, delay: 30 * 60 + 5 });
    await due();
    await h.settle();
    expect((await threads(n))[0]).toMatchObject({ status: 'active' }); // checked too early: still in use
    await age(thread.id, 31);
    await h.t.testDb.admin.transaction((q) => q("update app.jobs set run_at = now(), status = 'queued', attempts = 0 where name = 'messaging.thread_idle' and payload->>'call_id' = $1", [thread.id]));
    await h.settle();
    expect((await threads(n))[0]).toMatchObject({ id: thread.id, status: 'ended', ended_reason: 'idle_timeout' });
  });

  it('a message after the idle timeout starts a new thread (the old one ends as idle)', async () => {
    const n = '+14155550202';
    await text(n, 'hello');
    const [first] = await threads(n);
    await age(first.id, 45);
    await text(n, 'back again');
    const list = await threads(n);
    expect(list).toHaveLength(2);
    expect(list.find((c: { id: string }) => c.id === first.id)).toMatchObject({ status: 'ended', ended_reason: 'idle_timeout' });
    expect(list.find((c: { id: string }) => c.id !== first.id)).toMatchObject({ status: 'active' });
  });

  it('STOP ends the thread, lists the number and sends one confirmation; then nothing is sent until START', async () => {
    const n = '+14155550203';
    await text(n, 'hello');
    const [thread] = await threads(n);
    const before = to(n).length;
    await text(n, 'Stop');
    expect(to(n).slice(before)).toEqual([OPT_OUT_CONFIRMATION]);
    expect((await threads(n))[0]).toMatchObject({ id: thread.id, status: 'ended', ended_reason: 'opted_out' });
    const dnc = (await call(h.t.app, { method: 'GET', url: '/dnc', token: a.tokens.admin })).json().data;
    expect(dnc).toContainEqual(expect.objectContaining({ phone: n, source: 'sms_opt_out' }));

    await text(n, 'hello?');
    await text(n, 'STOP');
    expect(to(n).slice(before)).toEqual([OPT_OUT_CONFIRMATION]); // no replies, no second confirmation
    expect(await threads(n)).toHaveLength(1);

    await text(n, 'START');
    expect(to(n).at(-1)).toBe(OPT_IN_CONFIRMATION);
    await text(n, 'hello again');
    expect(to(n).at(-2)).toBe('Hi, this is Acme.');
    expect(await threads(n)).toHaveLength(2);
  });

  it('START does not lift a number the organization listed itself', async () => {
    const n = '+14155550204';
    expect((await call(h.t.app, { method: 'POST', url: '/dnc', token: a.tokens.admin, body: { phone: n } })).statusCode).toBe(201);
    await text(n, 'START');
    await text(n, 'hello');
    expect(to(n)).toEqual([]);
    expect(await threads(n)).toEqual([]);
  });

  it('/dnc: add (idempotent, E.164 checked), list in number order with a cursor, remove (404 when absent)', async () => {
    const token = a.tokens.admin;
    const add = (phone: string) => call(h.t.app, { method: 'POST', url: '/dnc', token, body: { phone } });
    const first = await add('+442071838750');
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ phone: '+442071838750', source: 'manual' });
    expect((await add('+442071838750')).json()).toEqual(first.json());
    for (const bad of ['12345', '+1', 'not a number']) expect((await add(bad)).statusCode, bad).toBe(400);
    const page1 = (await call(h.t.app, { method: 'GET', url: '/dnc?limit=1', token })).json();
    expect(page1.data).toHaveLength(1);
    const page2 = (await call(h.t.app, { method: 'GET', url: `/dnc?limit=200&cursor=${page1.next_cursor}`, token })).json();
    const phones = [...page1.data, ...page2.data].map((d: { phone: string }) => d.phone);
    expect(phones).toEqual([...phones].sort());
    expect(phones).toContain('+442071838750');
    expect((await call(h.t.app, { method: 'GET', url: '/dnc?cursor=%25%25', token })).statusCode).toBe(400);
    expect((await call(h.t.app, { method: 'DELETE', url: '/dnc/%2B442071838750', token })).statusCode).toBe(204);
    expect((await call(h.t.app, { method: 'DELETE', url: '/dnc/%2B442071838750', token })).statusCode).toBe(404);
    expect((await call(h.t.app, { method: 'POST', url: '/dnc', token: a.tokens.member, body: { phone: '+442071838751' } })).statusCode).toBe(403);
  });
});
