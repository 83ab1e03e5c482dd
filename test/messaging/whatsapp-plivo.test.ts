/**
 * WhatsApp threads over the Meta Cloud API and SMS threads over Plivo, driven by signed webhooks from
 * the provider simulator; receipts in each provider's format. Across orgs: the same sender on two orgs'
 * channels gets two sessions, each in its own org; org A's message id in a receipt posted to org B's
 * channel changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createOrg, type TestOrg } from '../helpers/api.js';
import { modeName } from '../helpers/harness.js';
import { metaInboundText, plivoInboundMessage, twilioInboundMessage, twilioMessageStatus } from '../fakes/provider-sim/index.js';
import { metaCreds, OUR_NUMBER, plivoCreds, simAccounts, twilioCreds } from '../fakes/provider-sim/fixtures.js';
import { created, startMessagingHarness, type MessagingHarness } from './support.js';

const SENDER = '+14155550177';
/** A second Twilio account (org B's). */
const twilioCredsB = { account_sid: `AC${'fedcba9876543210'.repeat(2)}`, auth_token: 'canaryTwilioAuthTokenOrgB' };

describe(`WhatsApp (Meta) and Plivo SMS threads; two orgs (${modeName})`, () => {
  let h: MessagingHarness;
  let a: TestOrg;
  let b: TestOrg;
  const ch: Record<string, { id: string; webhook_url: string }> = {};

  const detail = async (org: TestOrg, id: string) => (await call(h.t.app, { method: 'GET', url: `/calls/${id}`, token: org.tokens.admin })).json();
  const threads = async (org: TestOrg, channelId: string) =>
    (await call(h.t.app, { method: 'GET', url: '/calls', token: org.tokens.admin })).json().data.filter((c: { channel_id: string }) => c.channel_id === channelId);

  beforeAll(async () => {
    h = await startMessagingHarness({ ...simAccounts, twilio: [twilioCreds, twilioCredsB] });
    a = await createOrg(h.t.app, 'WA A');
    b = await createOrg(h.t.app, 'WA B');
    const agent = async (org: TestOrg, greeting: string) => (await created(h.t.app, org.tokens.admin, '/agents', { name: 'Helper', greeting })).id as string;
    const aAgent = await agent(a, 'Hi, this is Acme.');
    const bAgent = await agent(b, 'Hi, this is Bolt.');
    ch.meta = await created(h.t.app, a.tokens.admin, '/channels', { name: 'WA', type: 'whatsapp', provider: 'meta', credentials: metaCreds, agent_id: aAgent });
    ch.plivo = await created(h.t.app, a.tokens.admin, '/channels', { name: 'Plivo', type: 'sms', provider: 'plivo', credentials: plivoCreds, phone_number: OUR_NUMBER, agent_id: aAgent });
    ch.twilioA = await created(h.t.app, a.tokens.admin, '/channels', { name: 'A', type: 'sms', provider: 'twilio', credentials: twilioCreds, phone_number: OUR_NUMBER, agent_id: aAgent });
    ch.twilioB = await created(h.t.app, b.tokens.admin, '/channels', { name: 'B', type: 'sms', provider: 'twilio', credentials: twilioCredsB, phone_number: OUR_NUMBER, agent_id: bAgent });
  });
  afterAll(async () => h?.close());

  it('WhatsApp: an inbound text gets the agent\'s replies through the Cloud API; a repeated wamid in another batch is answered once; statuses update', async () => {
    const wamid = 'wamid.HBgLMTQxNTU1NTAxNzcVAgASGBQzQTdGRkE2';
    const payload = metaInboundText({ phoneNumberId: metaCreds.phone_number_id, from: SENDER.slice(1), text: 'hello there', messageId: wamid });
    expect((await h.sim.sendMetaCallback(ch.meta!.webhook_url, payload, metaCreds.app_secret)).status).toBe(200);
    // Meta redelivers a message in a new batch (another body, another signature): accepted, not answered again.
    const again = metaInboundText({ phoneNumberId: metaCreds.phone_number_id, from: SENDER.slice(1), text: 'hello there', messageId: wamid, timestampSec: Math.floor(Date.now() / 1000) - 5 });
    expect((await h.sim.sendMetaCallback(ch.meta!.webhook_url, again, metaCreds.app_secret)).status).toBe(200);
    await h.settle();
    const sent = h.sim.messages.filter((m) => m.provider === 'meta');
    expect(sent).toHaveLength(2); // the greeting, then the answer
    expect(sent[0]).toMatchObject({ to: SENDER.slice(1), accountId: metaCreds.phone_number_id, text: 'Hi, this is Acme.' });
    const [thread] = await threads(a, ch.meta!.id);
    expect(thread).toMatchObject({ channel: 'whatsapp', from_number: SENDER, status: 'active' });

    for (const [m, status] of [[sent[0]!, 'delivered'], [sent[0]!, 'read'], [sent[1]!, 'failed']] as const) {
      const r = await h.sim.sendMessageStatus(m, status, { url: ch.meta!.webhook_url, ...(status === 'failed' ? { errorCode: '131047' } : {}) });
      expect(r.status).toBe(200);
    }
    const messages = (await detail(a, thread.id)).messages;
    expect(messages.map((m: { status: string }) => m.status)).toEqual(['read', 'failed']);
    expect(messages[1].error).toBe('meta error 131047: Message undeliverable');
  });

  it('Plivo: an inbound SMS (number without +) gets replies through the Message API; receipts go to the channel webhook', async () => {
    const params = plivoInboundMessage({ from: SENDER.slice(1), to: OUR_NUMBER.slice(1), text: 'hi' });
    expect((await h.sim.sendPlivoCallback(ch.plivo!.webhook_url, params, plivoCreds.auth_token)).status).toBe(200);
    await h.settle();
    const sent = h.sim.messages.filter((m) => m.provider === 'plivo');
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(sent[0]).toMatchObject({ from: OUR_NUMBER.slice(1), to: SENDER.slice(1), text: 'Hi, this is Acme.', statusCallbackUrl: ch.plivo!.webhook_url });
    expect((await h.sim.sendMessageStatus(sent[0]!, 'delivered')).status).toBe(200);
    const [thread] = await threads(a, ch.plivo!.id);
    expect(thread).toMatchObject({ channel: 'sms', from_number: SENDER });
    expect((await detail(a, thread.id)).messages[0]).toMatchObject({ provider_message_id: sent[0]!.id, status: 'delivered' });
  });

  it("the same sender on two orgs' channels gets two sessions, each with its own org's agent", async () => {
    const send = (creds: typeof twilioCreds, url: string) =>
      h.sim.sendTwilioCallback(url, twilioInboundMessage({ accountSid: creds.account_sid, from: SENDER, to: OUR_NUMBER, body: 'hi' }), creds.auth_token);
    expect((await Promise.all([send(twilioCreds, ch.twilioA!.webhook_url), send(twilioCredsB, ch.twilioB!.webhook_url)])).map((r) => r.status)).toEqual([200, 200]);
    await h.settle();
    const [ta] = await threads(a, ch.twilioA!.id);
    const [tb] = await threads(b, ch.twilioB!.id);
    expect(ta.id).not.toBe(tb.id);
    expect((await call(h.t.app, { method: 'GET', url: `/calls/${ta.id}`, token: b.tokens.admin })).statusCode).toBe(404);
    const fromA = h.sim.messages.filter((m) => m.accountId === twilioCreds.account_sid && m.to === SENDER).map((m) => m.text);
    const fromB = h.sim.messages.filter((m) => m.accountId === twilioCredsB.account_sid && m.to === SENDER).map((m) => m.text);
    expect(fromA[0]).toBe('Hi, this is Acme.');
    expect(fromB[0]).toBe('Hi, this is Bolt.');
    expect(fromB.join(' ')).not.toContain('Acme');
  });

  it("a receipt naming org A's message id, posted to org B's channel, changes nothing in A", async () => {
    const [ta] = await threads(a, ch.twilioA!.id);
    const mine = (await detail(a, ta.id)).messages[0];
    const forged = twilioMessageStatus({ accountSid: twilioCredsB.account_sid, messageSid: mine.provider_message_id, from: OUR_NUMBER, to: SENDER, status: 'failed', errorCode: '30007' });
    expect((await h.sim.sendTwilioCallback(ch.twilioB!.webhook_url, forged, twilioCredsB.auth_token)).status).toBe(200);
    const after = (await detail(a, ta.id)).messages[0];
    expect(after).toMatchObject({ status: mine.status, error: null });
    // Sanity: the same receipt on A's own channel does apply.
    const own = twilioMessageStatus({ accountSid: twilioCreds.account_sid, messageSid: mine.provider_message_id, from: OUR_NUMBER, to: SENDER, status: 'failed', errorCode: '30007' });
    expect((await h.sim.sendTwilioCallback(ch.twilioA!.webhook_url, own, twilioCreds.auth_token)).status).toBe(200);
    expect((await detail(a, ta.id)).messages[0]).toMatchObject({ status: 'failed', error: 'twilio error 30007' });
  });
});
