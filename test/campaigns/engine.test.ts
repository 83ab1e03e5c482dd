/**
 * The dialing engine against the provider simulator (real Twilio client, real database). Call outcomes
 * are set on the call rows with `endCall` (support.ts): the inbound webhook does not update calls from
 * status callbacks on this branch yet.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withOrg } from '../../src/platform/db/with-org.js';
import { modeName } from '../helpers/harness.js';
import { addContacts, callIdOf, contactsOf, endCall, newCampaign, ok, sleep, startCampaignHarness, waitFor, type CampaignHarness, type CampaignOrg } from './support.js';

let h: CampaignHarness;
beforeAll(async () => {
  h = await startCampaignHarness();
});
afterAll(async () => h?.close());

const simCallsTo = (phones: readonly string[]) => h.sim.calls.filter((c) => phones.includes(c.to));

async function attemptsOf(orgId: string, campaignId: string) {
  return withOrg(h.t.deps.db, { orgId }, async (tx) =>
    (await tx.query<{ contact_id: string; attempt_no: number; status: string; outcome: string | null; call_id: string; idempotency_key: string }>(
      'select contact_id, attempt_no, status, outcome, call_id, idempotency_key from app.campaign_attempts where org_id = $1 and campaign_id = $2 order by created_at',
      [orgId, campaignId],
    )).rows,
  );
}

async function auditActions(orgId: string): Promise<Array<{ action: string; after: any }>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return withOrg(h.t.deps.db, { orgId }, async (tx) => (await tx.query<{ action: string; after: unknown }>('select action, after from app.audit_log where org_id = $1 order by created_at', [orgId])).rows as never);
}

describe(`campaign dialing engine (${modeName})`, () => {
  let org: CampaignOrg;
  beforeAll(async () => {
    org = await h.newOrg();
  });

  it('dials every contact once with its variables, retries by outcome after the delay, completes and emits the events', async () => {
    await ok(h.app, 'POST', '/webhook-endpoints', org.token, { url: 'https://hooks.example.com/converse', events: ['campaign.started', 'campaign.completed'] });
    const c = await newCampaign(h.app, org, { max_concurrency: 5, max_attempts: 2, retry_delay_seconds: 600, retry_on: ['no_answer'] });
    const phones = ['+919800000001', '+919800000002', '+919800000003'];
    await ok(h.app, 'POST', `/campaigns/${c.id}/contacts`, org.token, phones.map((phone, i) => ({ phone, name: `P${i}`, data: { plan: `gold-${i}` } })));
    await ok(h.app, 'POST', `/campaigns/${c.id}/start`, org.token);
    h.clock.set('2027-03-01T10:00:00Z');
    const engine = h.engine();
    await engine.tick();
    await engine.idle();
    expect(simCallsTo(phones).map((x) => x.to).sort()).toEqual(phones);
    const attempts = await attemptsOf(org.id, c.id);
    expect(attempts.map((a) => [a.attempt_no, a.status])).toEqual([[1, 'placed'], [1, 'placed'], [1, 'placed']]);
    // The call carries the contact's custom data as variables, and the campaign.
    const first = attempts[0]!;
    const callRow = await ok(h.app, 'GET', `/calls/${first.call_id}`, org.token);
    expect(callRow).toMatchObject({ campaign_id: c.id, channel: 'voice' });
    expect(callRow.variables).toMatchObject({ plan: expect.stringMatching(/^gold-/), phone: expect.stringMatching(/^\+9198/) });

    const byPhone = new Map(simCallsTo(phones).map((x) => [x.to, callIdOf(x)]));
    await endCall(h.t, org.id, byPhone.get(phones[0]!)!, 'completed');
    await endCall(h.t, org.id, byPhone.get(phones[1]!)!, 'no_answer');
    await endCall(h.t, org.id, byPhone.get(phones[2]!)!, 'busy');
    await engine.tick();
    await engine.idle();
    let contacts = await contactsOf(h.app, org, c.id);
    const status = (p: string) => contacts.find((x) => x.phone === p);
    expect(status(phones[0]!)).toMatchObject({ status: 'completed', attempts: 1, last_outcome: 'completed' });
    expect(status(phones[1]!)).toMatchObject({ status: 'pending', attempts: 1, last_outcome: 'no_answer', next_attempt_at: '2027-03-01T10:10:00.000Z' });
    expect(status(phones[2]!)).toMatchObject({ status: 'failed', last_outcome: 'busy' }); // busy is not in retry_on
    expect(simCallsTo(phones)).toHaveLength(3); // the retry waits for its delay

    h.clock.set('2027-03-01T10:09:59Z');
    await engine.tick();
    await engine.idle();
    expect(simCallsTo(phones)).toHaveLength(3);
    h.clock.set('2027-03-01T10:10:00Z');
    await engine.tick();
    await engine.idle();
    expect(simCallsTo([phones[1]!])).toHaveLength(2);
    const retry = (await attemptsOf(org.id, c.id)).filter((a) => a.attempt_no === 2);
    expect(retry).toHaveLength(1);
    expect(retry[0]!.idempotency_key).toBe(`${c.id}:${retry[0]!.contact_id}:2`);

    await endCall(h.t, org.id, callIdOf(simCallsTo([phones[1]!])[1]!), 'no_answer');
    await engine.tick(); // max_attempts reached: failed; nothing left → completed
    contacts = await contactsOf(h.app, org, c.id);
    expect(contacts.find((x) => x.phone === phones[1])).toMatchObject({ status: 'failed', attempts: 2, last_outcome: 'no_answer' });
    expect(await ok(h.app, 'GET', `/campaigns/${c.id}`, org.token)).toMatchObject({ status: 'completed' });
    const stats = await ok(h.app, 'GET', `/campaigns/${c.id}/stats`, org.token);
    expect(stats).toMatchObject({ status: 'completed', contacts: { total: 3, completed: 1, failed: 2 }, attempts: { total: 4, in_progress: 0 }, outcomes: { completed: 1, no_answer: 2, busy: 1 }, answer_rate: 0.25 });
    const events = await withOrg(h.t.deps.db, { orgId: org.id }, async (tx) => (await tx.query<{ event_type: string }>('select event_type from app.webhook_deliveries where org_id = $1 order by created_at', [org.id])).rows.map((r) => r.event_type));
    expect(events).toEqual(['campaign.started', 'campaign.completed']);
    h.clock.at = null;
  });

  it('an opt_out outcome puts the number on the do-not-call list; a listed number is skipped at dial time', async () => {
    const c = await newCampaign(h.app, org, { max_concurrency: 5 });
    const [a, b] = ['+919800000011', '+919800000012'];
    await addContacts(h.app, org, c.id, [a!, b!]);
    await ok(h.app, 'POST', `/dnc`, org.token, { phone: b }); // listed after import: caught right before the dial
    await ok(h.app, 'POST', `/campaigns/${c.id}/start`, org.token);
    const engine = h.engine();
    await engine.tick();
    await engine.idle();
    expect(simCallsTo([a!])).toHaveLength(1);
    expect(simCallsTo([b!])).toHaveLength(0);
    await endCall(h.t, org.id, callIdOf(simCallsTo([a!])[0]!), 'hangup', 'opt_out');
    await engine.tick();
    const dnc = await ok(h.app, 'GET', '/dnc?limit=200', org.token);
    expect(dnc.data).toContainEqual(expect.objectContaining({ phone: a, source: 'voice_opt_out' }));
    const contacts = await contactsOf(h.app, org, c.id);
    expect(contacts.find((x) => x.phone === a)).toMatchObject({ status: 'opted_out', last_outcome: 'opt_out' });
    expect(contacts.find((x) => x.phone === b)).toMatchObject({ status: 'skipped', last_outcome: 'dnc', attempts: 0 });
  });

  it('never exceeds max_concurrency with three engines claiming at once', async () => {
    const c = await newCampaign(h.app, org, { max_concurrency: 3, max_attempts: 1 });
    const phones = Array.from({ length: 24 }, (_, i) => `+9197${String(1000000 + i).padStart(8, '0')}`);
    await addContacts(h.app, org, c.id, phones);
    await ok(h.app, 'POST', `/campaigns/${c.id}/start`, org.token);
    const engines = [h.engine({ pollIntervalMs: 5 }), h.engine({ pollIntervalMs: 5 }), h.engine({ pollIntervalMs: 5 })];
    engines.forEach((e) => e.start());
    const ended = new Set<string>();
    let maxActive = 0;
    const until = Date.now() + 60_000;
    while (ended.size < phones.length && Date.now() < until) {
      const placed = simCallsTo(phones);
      maxActive = Math.max(maxActive, placed.length - ended.size);
      // Calls end one at a time, in the order placed, each after the engines had time to fill every slot.
      const next = placed.find((x) => !ended.has(x.id));
      if (next) {
        for (const t0 = Date.now(); Date.now() - t0 < 150 && simCallsTo(phones).length - ended.size < 3; ) await sleep(5);
        await sleep(20); // room for a fourth dial, were the limit not held
        maxActive = Math.max(maxActive, simCallsTo(phones).length - ended.size);
        await endCall(h.t, org.id, callIdOf(next), 'completed');
        ended.add(next.id);
      } else await sleep(5);
    }
    await Promise.all(engines.map((e) => e.stop()));
    expect(ended.size).toBe(phones.length);
    expect(maxActive).toBeLessThanOrEqual(3);
    expect(maxActive).toBe(3); // and the slots were really used
    expect(new Set(simCallsTo(phones).map((x) => x.to)).size).toBe(phones.length); // each once
    expect(simCallsTo(phones)).toHaveLength(phones.length);
  }, 90_000);

  it('calls each contact inside its own calling window, across time zones', async () => {
    // 09:00-17:00 Monday to Friday. Mumbai (UTC+5:30, from the number), New York (given), London (default).
    const c = await newCampaign(h.app, org, { timezone: 'Europe/London', calling_window: { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' }, max_concurrency: 10 });
    const india = '+919800000021';
    const ny = '+12125550142';
    const uk = '+12125550143';
    await ok(h.app, 'POST', `/campaigns/${c.id}/contacts`, org.token, [{ phone: india }, { phone: ny, timezone: 'America/New_York' }, { phone: uk }]);
    const contacts = await contactsOf(h.app, org, c.id);
    expect(contacts.find((x) => x.phone === india).timezone).toBe('Asia/Kolkata');
    expect(contacts.find((x) => x.phone === uk).timezone).toBeNull(); // US: several zones → the campaign's
    await ok(h.app, 'POST', `/campaigns/${c.id}/start`, org.token);
    const engine = h.engine();
    const run = async (iso: string) => {
      h.clock.set(iso);
      await engine.tick();
      await engine.idle();
    };
    // Monday 2027-03-01 04:00 UTC: Mumbai 09:30 (open), London 04:00, New York 23:00 Sunday.
    await run('2027-03-01T04:00:00Z');
    expect(simCallsTo([india, ny, uk]).map((x) => x.to)).toEqual([india]);
    const deferred = (await contactsOf(h.app, org, c.id)).filter((x) => x.phone !== india);
    expect(deferred.find((x) => x.phone === uk).next_attempt_at).toBe('2027-03-01T09:00:00.000Z');
    expect(deferred.find((x) => x.phone === ny).next_attempt_at).toBe('2027-03-01T14:00:00.000Z');
    await run('2027-03-01T09:00:00Z');
    expect(simCallsTo([ny, uk]).map((x) => x.to)).toEqual([uk]);
    await run('2027-03-01T13:59:00Z');
    expect(simCallsTo([ny])).toHaveLength(0);
    await run('2027-03-01T14:00:00Z');
    expect(simCallsTo([ny])).toHaveLength(1);
    h.clock.at = null;
  });

  it('a weekend defers to Monday morning in the contact\'s zone (DST-aware)', async () => {
    const c = await newCampaign(h.app, org, { timezone: 'America/New_York', calling_window: { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' } });
    const phone = '+12125550199';
    await addContacts(h.app, org, c.id, [phone]);
    await ok(h.app, 'POST', `/campaigns/${c.id}/start`, org.token);
    const engine = h.engine();
    h.clock.set('2027-03-13T15:00:00Z'); // Saturday; DST starts Sunday 14 March in New York
    await engine.tick();
    await engine.idle();
    expect(simCallsTo([phone])).toHaveLength(0);
    const [contact] = await contactsOf(h.app, org, c.id);
    expect(contact.next_attempt_at).toBe('2027-03-15T13:00:00.000Z'); // 09:00 EDT
    h.clock.at = null;
  });

  it('pause stops new dials within a second, resume continues, cancel ends it', async () => {
    const c = await newCampaign(h.app, org, { max_concurrency: 2, max_attempts: 1 });
    const phones = Array.from({ length: 10 }, (_, i) => `+9196${String(2000000 + i).padStart(8, '0')}`);
    await addContacts(h.app, org, c.id, phones);
    await ok(h.app, 'POST', `/campaigns/${c.id}/start`, org.token);
    const engine = h.engine({ pollIntervalMs: 50 });
    engine.start();
    await waitFor('two calls', () => simCallsTo(phones).length === 2);
    await ok(h.app, 'POST', `/campaigns/${c.id}/pause`, org.token);
    const pausedAt = Date.now();
    // End the two calls: free slots, yet nothing new may be dialed while paused.
    for (const x of simCallsTo(phones)) await endCall(h.t, org.id, callIdOf(x), 'completed');
    await sleep(1000);
    expect(simCallsTo(phones)).toHaveLength(2);
    expect(Date.now() - pausedAt).toBeGreaterThanOrEqual(1000);
    await ok(h.app, 'POST', `/campaigns/${c.id}/resume`, org.token);
    await waitFor('dialing again', () => simCallsTo(phones).length === 4);
    await ok(h.app, 'POST', `/campaigns/${c.id}/cancel`, org.token);
    for (const x of simCallsTo(phones).slice(2)) await endCall(h.t, org.id, callIdOf(x), 'completed');
    await sleep(500);
    await engine.stop();
    expect(simCallsTo(phones)).toHaveLength(4);
    const stats = await ok(h.app, 'GET', `/campaigns/${c.id}/stats`, org.token);
    expect(stats).toMatchObject({ status: 'cancelled', contacts: { completed: 4, cancelled: 6, pending: 0, dialing: 0 } });
  }, 30_000);

  it('a campaign started or resumed is dialed at once, not at the engine\'s next poll', async () => {
    const first = await newCampaign(h.app, org, { max_concurrency: 5 });
    await addContacts(h.app, org, first.id, ['+919800000071']);
    await ok(h.app, 'POST', `/campaigns/${first.id}/start`, org.token);
    const engine = h.engine({ pollIntervalMs: 600_000 }); // the poll alone would not come back within this test
    engine.start();
    await waitFor('the first campaign dialed', () => simCallsTo(['+919800000071']).length === 1);
    await engine.idle();
    await sleep(300); // the loop has settled into its (ten-minute) wait
    const c = await newCampaign(h.app, org, { max_concurrency: 1 });
    const phones = ['+919800000072', '+919800000073'];
    await addContacts(h.app, org, c.id, phones);
    await ok(h.app, 'POST', `/campaigns/${c.id}/start`, org.token);
    await waitFor('a dial right after the start', () => simCallsTo(phones).length === 1);
    await ok(h.app, 'POST', `/campaigns/${c.id}/pause`, org.token);
    await endCall(h.t, org.id, callIdOf(simCallsTo(phones)[0]!), 'completed');
    await engine.tick(); // the ended call is reconciled (its slot free); paused: nothing dialed
    await sleep(300);
    expect(simCallsTo(phones)).toHaveLength(1);
    await ok(h.app, 'POST', `/campaigns/${c.id}/resume`, org.token);
    await waitFor('a dial right after the resume', () => simCallsTo(phones).length === 2);
    await engine.stop();
  });

  it('a provider refusal fails the attempt; an attempt stuck in dialing is failed after the timeout', async () => {
    const c = await newCampaign(h.app, org, { max_concurrency: 5, max_attempts: 1 });
    const [a, b] = ['+919800000031', '+919800000032'];
    await addContacts(h.app, org, c.id, [a!, b!]);
    await ok(h.app, 'POST', `/campaigns/${c.id}/start`, org.token);
    h.sim.failNext('twilio', 500, { code: 20500, message: 'Internal error' });
    h.clock.set('2027-03-01T10:00:00Z');
    const engine = h.engine({ dialingTimeoutSeconds: 60 });
    await engine.tick();
    await engine.idle();
    await engine.tick(); // the refused call's row is ended 'failed': reconciled
    const attempts = await attemptsOf(org.id, c.id);
    expect(attempts.filter((x) => x.status === 'ended').map((x) => x.outcome)).toEqual(['failed']);
    // The other attempt: make it look like a process died mid-request (still dialing, call never ended).
    const open = attempts.find((x) => x.status !== 'ended')!;
    await withOrg(h.t.deps.db, { orgId: org.id }, (tx) => tx.query(`update app.campaign_attempts set status = 'dialing' where org_id = $1 and contact_id = $2`, [org.id, open.contact_id]));
    h.clock.set('2027-03-01T10:00:59Z');
    await engine.tick();
    expect((await attemptsOf(org.id, c.id)).filter((x) => x.status === 'ended')).toHaveLength(1);
    h.clock.set('2027-03-01T10:01:01Z');
    await engine.tick();
    expect((await attemptsOf(org.id, c.id)).every((x) => x.status === 'ended' && x.outcome === 'failed')).toBe(true);
    expect(await ok(h.app, 'GET', `/campaigns/${c.id}`, org.token)).toMatchObject({ status: 'completed' });
    h.clock.at = null;
  });
});

describe(`campaign dialing engine: work that names another organization (${modeName})`, () => {
  it('refuses forged work for another org\'s contact, records a security event and dials nothing', async () => {
    const a = await h.newOrg('Victim');
    const b = await h.newOrg('Forger');
    const c = await newCampaign(h.app, a, { max_concurrency: 5 });
    const phone = '+919800000041';
    await addContacts(h.app, a, c.id, [phone]);
    const [contact] = await contactsOf(h.app, a, c.id);
    const engine = h.engine();
    // Work as the engine would run it, but in org B, naming org A's campaign and contact.
    const d = await engine.dial(b.id, { campaignId: c.id, contactId: contact.id });
    expect(d.result).toBe('campaign_not_in_organization');
    // Org B's own campaign with org A's contact id.
    const cb = await newCampaign(h.app, b, {});
    const d2 = await engine.dial(b.id, { campaignId: cb.id, contactId: contact.id });
    expect(d2.result).toBe('contact_not_in_campaign');
    const security = (await auditActions(b.id)).filter((x) => x.action === 'security.campaign_dial_refused');
    expect(security.map((x) => x.after.reason)).toEqual(['campaign_not_in_organization', 'contact_not_in_campaign']);
    expect(simCallsTo([phone])).toHaveLength(0);
    expect((await auditActions(a.id)).some((x) => x.action.startsWith('security.'))).toBe(false);
  });

  it('a batch with claims naming another org\'s contact: only those are refused, each with its security event; the rest is dialed', async () => {
    const a = await h.newOrg('Victim 3');
    const b = await h.newOrg('Batcher');
    const ca = await newCampaign(h.app, a, { max_concurrency: 5 });
    await addContacts(h.app, a, ca.id, ['+919800000061']);
    const [foreign] = await contactsOf(h.app, a, ca.id);
    const cb = await newCampaign(h.app, b, { max_concurrency: 5 });
    const own = ['+919800000062', '+919800000063'];
    await addContacts(h.app, b, cb.id, own);
    await ok(h.app, 'POST', `/campaigns/${cb.id}/start`, b.token);
    const engine = h.engine();
    // B's contacts claimed by this engine, as its tick claims them.
    await withOrg(h.t.deps.db, { orgId: b.id }, (tx) =>
      tx.query(`update app.campaign_contacts set status = 'dialing', claimed_by = $3, claimed_until = now() + interval '30 seconds' where org_id = $1 and campaign_id = $2`, [b.id, cb.id, engine.id]),
    );
    const mine = (await contactsOf(h.app, b, cb.id)).sort((x, y) => x.phone.localeCompare(y.phone));
    const decisions = await engine.dialAll(b.id, [
      { campaignId: cb.id, contactId: mine[0].id },
      { campaignId: cb.id, contactId: foreign.id }, // B's campaign, A's contact
      { campaignId: ca.id, contactId: foreign.id }, // A's campaign and contact
      { campaignId: cb.id, contactId: mine[1].id },
    ]);
    expect(decisions.map((d) => d.result)).toEqual(['dialed', 'contact_not_in_campaign', 'campaign_not_in_organization', 'dialed']);
    expect(simCallsTo(own).map((x) => x.to).sort()).toEqual(own);
    expect(simCallsTo([foreign.phone])).toHaveLength(0);
    const security = (await auditActions(b.id)).filter((x) => x.action === 'security.campaign_dial_refused');
    // One transaction: the same created_at for both, so compared as a set.
    expect(security.map((x) => x.after.reason).sort()).toEqual(['campaign_not_in_organization', 'contact_not_in_campaign']);
    expect((await attemptsOf(b.id, cb.id)).map((x) => x.status)).toEqual(['placed', 'placed']);
    // Org A: untouched, and no security event of its own.
    expect((await contactsOf(h.app, a, ca.id))[0]).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await auditActions(a.id)).some((x) => x.action.startsWith('security.'))).toBe(false);
  });

  it('an attempt row pointing at another org\'s contact cannot even be inserted; nothing is dialed', async () => {
    const a = await h.newOrg('Victim 2');
    const b = await h.newOrg('Forger 2');
    const c = await newCampaign(h.app, a, { max_concurrency: 5 });
    const phone = '+919800000051';
    await addContacts(h.app, a, c.id, [phone]);
    const [contact] = await contactsOf(h.app, a, c.id);
    const cb = await newCampaign(h.app, b, {});
    await addContacts(h.app, b, cb.id, ['+919800000052']);
    await ok(h.app, 'POST', `/campaigns/${cb.id}/start`, b.token);
    // Directly in the database, as org B: an attempt for org A's contact (with B's or A's campaign id).
    for (const campaignId of [c.id, cb.id]) {
      await expect(
        withOrg(h.t.deps.db, { orgId: b.id }, (tx) =>
          tx.query(`insert into app.campaign_attempts (org_id, campaign_id, contact_id, id, attempt_no, idempotency_key) values ($1, $2, $3, $4, 1, $5)`, [b.id, campaignId, contact.id, randomUUID(), `forged-${campaignId}`]),
        ),
      ).rejects.toThrow();
    }
    // And as org B with org A as org_id: the org boundary refuses it.
    await expect(
      withOrg(h.t.deps.db, { orgId: b.id }, (tx) =>
        tx.query(`insert into app.campaign_attempts (org_id, campaign_id, contact_id, id, attempt_no, idempotency_key) values ($1, $2, $3, $4, 1, 'forged-x')`, [a.id, c.id, contact.id, randomUUID()]),
      ),
    ).rejects.toThrow();
    const engine = h.engine();
    await engine.tick();
    await engine.idle();
    expect(simCallsTo([phone])).toHaveLength(0); // A's campaign is a draft: nothing of it is dialed
    expect(simCallsTo(['+919800000052'])).toHaveLength(1); // B's own contact is
  });
});
