/**
 * SMS threads over Twilio, driven by signed webhooks from the provider simulator: replies (and a flow's
 * send_message node) arrive at the simulator's Messages API from the channel's number; delivery
 * receipts update each message's status on GET /calls/{id}; a retried delivery is answered once, also
 * when two deliveries race; senders never share a session; a provider failure is recorded, scrubbed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendToSession } from '../../src/pipeline/index.js';
import { call, createOrg, type TestOrg } from '../helpers/api.js';
import { modeName } from '../helpers/harness.js';
import { twilioCallback, twilioInboundMessage, type SimMessage } from '../fakes/provider-sim/index.js';
import { leakedSecrets, OUR_NUMBER, twilioCreds } from '../fakes/provider-sim/fixtures.js';
import { bookingFlow, created, startMessagingHarness, type MessagingHarness } from './support.js';

const ADA = '+14155550111';
const BOB = '+14155550122';

describe(`SMS threads through Twilio (${modeName})`, () => {
  let h: MessagingHarness;
  let a: TestOrg;
  let channel: { id: string; webhook_url: string };

  const inbound = (from: string, body: string) => twilioInboundMessage({ accountSid: twilioCreds.account_sid, from, to: OUR_NUMBER, body });
  const text = async (from: string, body: string) => {
    const r = await h.sim.sendTwilioCallback(channel.webhook_url, inbound(from, body), twilioCreds.auth_token);
    expect(r.status, r.body).toBe(200);
    await h.settle();
    return r;
  };
  const to = (n: string) => h.sim.messages.filter((m) => m.to === n);
  const callsFrom = async (n: string) => (await call(h.t.app, { method: 'GET', url: `/calls?phone=${encodeURIComponent(n)}`, token: a.tokens.admin })).json().data;
  const detail = async (id: string) => (await call(h.t.app, { method: 'GET', url: `/calls/${id}`, token: a.tokens.admin })).json();

  beforeAll(async () => {
    h = await startMessagingHarness();
    a = await createOrg(h.t.app, 'SMS A');
    const flow = await created(h.t.app, a.tokens.admin, '/flows', bookingFlow);
    channel = await created(h.t.app, a.tokens.admin, '/channels', { name: 'SMS', type: 'sms', provider: 'twilio', credentials: twilioCreds, phone_number: OUR_NUMBER, flow_id: flow.id });
  });
  afterAll(async () => h?.close());

  it("an inbound SMS starts a thread with the channel's flow; replies and send_message go out through Twilio; the next SMS continues it", async () => {
    await text(ADA, 'Ada');
    expect(to(ADA).map((m) => m.text)).toEqual(['Hi from Acme.\nWhat is your name?', 'What can I do for you, Ada?', 'Thanks, Ada: noted.']);
    for (const m of to(ADA)) expect(m).toMatchObject({ provider: 'twilio', from: OUR_NUMBER, accountId: twilioCreds.account_sid, statusCallbackUrl: channel.webhook_url });
    const [thread] = await callsFrom(ADA);
    expect(thread).toMatchObject({ channel: 'sms', channel_id: channel.id, from_number: ADA, to_number: OUR_NUMBER, status: 'active', mode: 'live' });

    await text(ADA, 'A table for two');
    expect(to(ADA).map((m) => m.text).at(-1)).toBe('Booked. Bye Ada.');
    expect(await callsFrom(ADA)).toHaveLength(1);
    const c = await detail(thread.id);
    expect(c).toMatchObject({ status: 'ended', ended_reason: 'completed', variables: { name: 'Ada', need: 'A table for two' } });
    expect(c.transcript.filter((e: { role: string }) => e.role === 'caller').map((e: { text: string }) => e.text)).toEqual(['Ada', 'A table for two']);
    expect(c.actions).toEqual([expect.objectContaining({ type: 'send_message', to: ADA, queued: true })]);
    expect(c.messages.map((m: { text: string }) => m.text)).toEqual(to(ADA).map((m) => m.text));
    for (const m of c.messages) expect(m).toMatchObject({ direction: 'outbound', to: ADA, status: 'queued', error: null, provider_message_id: expect.stringMatching(/^SM/) });
  });

  it('delivery receipts update each message; a late "sent" never undoes "delivered"; a failure is recorded with its code', async () => {
    const [thread] = await callsFrom(ADA);
    const [first, second, third] = to(ADA) as [SimMessage, SimMessage, SimMessage];
    for (const [m, s] of [[first, 'delivered'], [first, 'sent'], [second, 'sent'], [second, 'read']] as const) {
      expect((await h.sim.sendMessageStatus(m, s)).status).toBe(200);
    }
    expect((await h.sim.sendMessageStatus(third, 'undelivered', { errorCode: '30003' })).status).toBe(200);
    const byId = new Map((await detail(thread.id)).messages.map((m: { provider_message_id: string }) => [m.provider_message_id, m]));
    expect(byId.get(first.id)).toMatchObject({ status: 'delivered', error: null });
    expect(byId.get(second.id)).toMatchObject({ status: 'read' });
    expect(byId.get(third.id)).toMatchObject({ status: 'undelivered', error: 'twilio error 30003' });
  });

  it('a retried delivery is answered once: a replay is refused, a re-signed retry and two racing copies find the claim', async () => {
    const params = inbound(BOB, 'Bob');
    const cb = twilioCallback(channel.webhook_url, params, twilioCreds.auth_token);
    expect((await h.sim.deliver(cb)).status).toBe(200);
    expect((await h.sim.deliver(cb)).status).toBe(403); // the same signed request: a replay
    // The same MessageSid in differently signed requests (Twilio retries carry new fields): both accepted, one claim.
    const retries = await Promise.all([1, 2].map((n) => h.sim.sendTwilioCallback(channel.webhook_url, { ...params, NumSegments: String(n + 1) }, twilioCreds.auth_token)));
    expect(retries.map((r) => r.status)).toEqual([200, 200]);
    await h.settle();
    expect(to(BOB).map((m) => m.text)).toEqual(['Hi from Acme.\nWhat is your name?', 'What can I do for you, Bob?', 'Thanks, Bob: noted.']);
    const [thread] = await callsFrom(BOB);
    expect((await detail(thread.id)).transcript.filter((e: { role: string }) => e.role === 'caller')).toHaveLength(1);
  });

  it('two senders on one channel never share a session', async () => {
    const carol = '+14155550133';
    const dave = '+14155550144';
    await Promise.all([text(carol, 'Carol'), text(dave, 'Dave')]);
    const [c] = await callsFrom(carol);
    const [d] = await callsFrom(dave);
    expect(c.id).not.toBe(d.id);
    expect((await detail(c.id)).variables).toMatchObject({ caller_number: carol, name: 'Carol' });
    expect((await detail(d.id)).variables).toMatchObject({ caller_number: dave, name: 'Dave' });
    expect(to(carol).map((m) => m.text)).toContain('What can I do for you, Carol?');
    expect(to(dave).map((m) => m.text)).toContain('What can I do for you, Dave?');
  });

  it("a person's message in the session (a human_message turn run elsewhere) goes out to the sender", async () => {
    const erin = '+14155550155';
    await text(erin, 'Erin');
    const [thread] = await callsFrom(erin);
    await sendToSession(h.t.deps, { orgId: a.id }, thread.id, { type: 'human_message', text: 'Hello Erin, a person here.' });
    await h.settle();
    expect(to(erin).map((m) => m.text).at(-1)).toBe('Hello Erin, a person here.');
  });

  it('a provider failure is recorded on the message with the credentials scrubbed', async () => {
    const frank = '+14155550166';
    h.sim.failNext('twilio', 500, { code: 30500, message: `internal error for ${twilioCreds.account_sid}:${twilioCreds.auth_token}` });
    await text(frank, 'Frank');
    const [thread] = await callsFrom(frank);
    const res = await call(h.t.app, { method: 'GET', url: `/calls/${thread.id}`, token: a.tokens.admin });
    const failed = res.json().messages[0];
    expect(failed).toMatchObject({ status: 'failed', provider_message_id: null, error: expect.stringContaining('HTTP 500') });
    expect(leakedSecrets(res.body)).toEqual([]);
  });
});
