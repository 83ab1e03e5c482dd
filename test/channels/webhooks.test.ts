import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiveWebhook, type InboundCall } from '../../src/features/webhooks-inbound/service.js';
import type { Database } from '../../src/platform/db/database.js';
import type { Driver, RawQuery } from '../../src/platform/db/driver.js';
import { call, createOrg, type TestOrg } from '../helpers/api.js';
import { modeName } from '../helpers/harness.js';
import { expectError, missingId } from '../http/support.js';
import {
  deliverCallback, exotelCallback, exotelInboundCall, metaCallback, metaInboundText, plivoCallback, plivoInboundCall, plivoRecordingDone,
  twilioCallback, twilioCallStatus, twilioInboundCall, twilioJsonCallback, withBadSignature, withFoldedParams, withoutSignature,
  withTamperedParam, withTextMovedIntoNonce, type SignedCallback,
} from '../fakes/provider-sim/index.js';
import { exotelCreds, leakedSecrets, metaCreds, OUR_NUMBER, plivoCreds, simAccounts, twilioCreds } from '../fakes/provider-sim/fixtures.js';
import { createChannel, PUBLIC_URL, startChannelsHarness, type ChannelsHarness } from './support.js';

const CALLER = '+919812345678';
/** Same account id shape, another auth token: a second Twilio account the simulator accepts. */
const twilioCreds2 = { account_sid: `AC${'fedcba9876543210'.repeat(2)}`, auth_token: 'canaryTwilioAuthTokenOrgB' };

describe(`inbound provider webhooks through the HTTP app (${modeName})`, () => {
  let h: ChannelsHarness;
  let a: TestOrg;
  let b: TestOrg;
  let local: string;
  const ch: Record<string, { id: string; url: string }> = {};
  const responses: string[] = [];

  /** Sends a callback addressed to the public URL to where the app really listens (like a proxy would). */
  const deliver = async (cb: SignedCallback) => {
    const res = await deliverCallback(cb, ((url: string, init: RequestInit) => fetch(url.replace(PUBLIC_URL, local), init)) as typeof fetch);
    responses.push(res.body);
    return res;
  };
  const events = async (channelId: string) =>
    (await h.t.testDb.admin.transaction((q) => q<{ event_type: string; external_id: string | null; payload: Record<string, unknown>; org_id: string }>(
      'select org_id, event_type, external_id, payload from app.channel_events where channel_id = $1 order by received_at', [channelId]))).rows;

  beforeAll(async () => {
    h = await startChannelsHarness({ accounts: { ...simAccounts, twilio: [twilioCreds, twilioCreds2] } });
    await h.t.app.listen({ port: 0, host: '127.0.0.1' });
    local = `http://127.0.0.1:${(h.t.app.server.address() as AddressInfo).port}`;
    a = await createOrg(h.t.app, 'Hooks A');
    b = await createOrg(h.t.app, 'Hooks B');
    const make = async (org: TestOrg, key: string, body: Record<string, unknown>) => {
      const c = await createChannel(h.t.app, org.tokens.admin, { name: key, ...body });
      ch[key] = { id: c.id, url: c.webhook_url };
    };
    await make(a, 'twilio', { type: 'voice', provider: 'twilio', credentials: twilioCreds, phone_number: OUR_NUMBER });
    await make(a, 'plivo', { type: 'voice', provider: 'plivo', credentials: plivoCreds, phone_number: OUR_NUMBER });
    await make(a, 'meta', { type: 'whatsapp', provider: 'meta', credentials: metaCreds });
    await make(a, 'exotel', { type: 'voice', provider: 'exotel', credentials: exotelCreds, phone_number: OUR_NUMBER });
    await make(b, 'twilioB', { type: 'voice', provider: 'twilio', credentials: twilioCreds2, phone_number: OUR_NUMBER });
  });
  afterAll(async () => h?.close());

  it('Twilio: a signed form callback is recorded once; replay, wrong key, tampering and no signature are 403', async () => {
    const params = twilioInboundCall({ accountSid: twilioCreds.account_sid, from: CALLER, to: OUR_NUMBER });
    const cb = twilioCallback(ch.twilio!.url, params, twilioCreds.auth_token);
    const ok = await deliver(cb);
    expect(ok.status, ok.body).toBe(200);
    expect(ok.body).toContain('<Response>');
    for (const bad of [cb, twilioCallback(ch.twilio!.url, params, 'canaryNotTheAuthToken1'), withBadSignature(cb), withoutSignature(cb), withTamperedParam(cb, 'From', '+15550000000')]) {
      expect((await deliver(bad)).status).toBe(403);
    }
    const rows = await events(ch.twilio!.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ org_id: a.id, event_type: 'call.ringing', external_id: params.CallSid, payload: { From: CALLER, To: OUR_NUMBER } });
  });

  it('Twilio: JSON bodies are verified over the raw bytes (bodySHA256), and the URL is the public one, not Host', async () => {
    const json = await deliver(twilioJsonCallback(ch.twilio!.url, { event: 'transcription', text: 'héllo ✓' }, twilioCreds.auth_token));
    expect(json.status, json.body).toBe(200);
    // Signed for the address the request really reached: refused, because the provider was given the public URL.
    const direct = twilioCallback(ch.twilio!.url.replace(PUBLIC_URL, local), twilioInboundCall({ accountSid: twilioCreds.account_sid, from: CALLER, to: OUR_NUMBER }), twilioCreds.auth_token);
    expect((await deliverCallback(direct)).status).toBe(403);
    expect((await events(ch.twilio!.id)).map((e) => e.event_type)).toEqual(['call.ringing', 'json']);
  });

  it('Plivo V3: POST and GET callbacks verify; a replay and a wrong key are 403', async () => {
    const post = plivoCallback(ch.plivo!.url, plivoInboundCall({ from: CALLER, to: OUR_NUMBER }), plivoCreds.auth_token);
    expect((await deliver(post)).status).toBe(200);
    expect((await deliver(post)).status).toBe(403);
    expect((await deliver(plivoCallback(ch.plivo!.url, plivoInboundCall({ from: CALLER, to: OUR_NUMBER }), 'canaryNotPlivoToken'))).status).toBe(403);
    const get = await deliver(plivoCallback(ch.plivo!.url, plivoInboundCall({ from: CALLER, to: OUR_NUMBER }), plivoCreds.auth_token, { method: 'GET' }));
    expect(get.status, get.body).toBe(200);
    expect((await events(ch.plivo!.id)).map((e) => e.event_type)).toEqual(['call.ringing', 'call.ringing']);
  });

  it('issue 12: another split of one signed text is a replay, and an old Timestamp folded into From stays stale', async () => {
    const twilioBefore = (await events(ch.twilio!.id)).length;
    const ringing = twilioCallback(ch.twilio!.url, twilioInboundCall({ accountSid: twilioCreds.account_sid, from: CALLER, to: OUR_NUMBER, callSid: 'CAx' }), twilioCreds.auth_token);
    expect((await deliver(ringing)).status).toBe(200);
    // CallSid=CAx&CallStatus=ringing → CallSid=CAxCallStatusringing: same signed text, same signature.
    expect((await deliver(withFoldedParams(ringing, 'CallSid', 'CallStatus'))).status).toBe(403);

    const threeDaysOld = twilioCallback(ch.twilio!.url, twilioCallStatus({
      accountSid: twilioCreds.account_sid, callSid: 'CAy', from: CALLER, to: OUR_NUMBER, status: 'completed', timestamp: new Date(Date.now() - 3 * 86400_000),
    }), twilioCreds.auth_token);
    expect((await deliver(threeDaysOld)).status).toBe(403);
    expect((await deliver(withFoldedParams(threeDaysOld, 'From', 'Timestamp'))).status).toBe(403);
    expect((await events(ch.twilio!.id)).length).toBe(twilioBefore + 1);

    const plivoBefore = (await events(ch.plivo!.id)).length;
    const recording = plivoCallback(ch.plivo!.url, plivoRecordingDone({ callUuid: 'c0ffee00-0000-4000-8000-000000000002', from: CALLER, to: OUR_NUMBER }), plivoCreds.auth_token);
    expect((await deliver(recording)).status).toBe(200);
    // The tail of RecordUrl (and every later field) moved into the nonce header: same signed text.
    expect((await deliver(withTextMovedIntoNonce(recording, 'RecordUrl'))).status).toBe(403);
    expect((await events(ch.plivo!.id)).length).toBe(plivoBefore + 1);
  });

  it('accepts exactly one of several concurrent identical deliveries (the replay key is the unique row)', async () => {
    const cb = plivoCallback(ch.plivo!.url, plivoInboundCall({ from: CALLER, to: OUR_NUMBER }), plivoCreds.auth_token);
    const before = (await events(ch.plivo!.id)).length;
    const results = await Promise.all(Array.from({ length: 6 }, () => deliver(cb)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 403, 403, 403, 403, 403]);
    expect((await events(ch.plivo!.id)).length).toBe(before + 1);
  });

  it('Meta: X-Hub-Signature-256 over the raw body; replay and wrong secret are 403; the GET handshake echoes the challenge', async () => {
    const payload = metaInboundText({ phoneNumberId: metaCreds.phone_number_id, from: '919812345678', text: 'नमस्ते "hi" \u2028' });
    const cb = metaCallback(ch.meta!.url, payload, metaCreds.app_secret);
    expect((await deliver(cb)).status).toBe(200);
    expect((await deliver(cb)).status).toBe(403);
    expect((await deliver(metaCallback(ch.meta!.url, payload, 'canaryNotTheAppSecret'))).status).toBe(403);
    const rows = await events(ch.meta!.id);
    expect(rows.map((e) => e.event_type)).toEqual(['whatsapp.message']);
    expect(rows[0]!.external_id).toMatch(/^wamid\./);
    const hs = (token: string) => `${ch.meta!.url}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=1158201444`;
    const good = await deliver({ provider: 'meta', method: 'GET', url: hs(metaCreds.verify_token), headers: {}, body: '' });
    expect([good.status, good.body]).toEqual([200, '1158201444']);
    expect((await deliver({ provider: 'meta', method: 'GET', url: hs('canaryWrongVerify'), headers: {}, body: '' })).status).toBe(403);
  });

  it('Exotel: the secret path token authenticates (form and multipart); a wrong or missing token and a replay are 403', async () => {
    const params = exotelInboundCall({ from: CALLER, to: OUR_NUMBER });
    expect((await deliver(exotelCallback(ch.exotel!.url, params))).status).toBe(200);
    expect((await deliver(exotelCallback(ch.exotel!.url, params))).status).toBe(403);
    const wrong = ch.exotel!.url.replace(/[^/]+$/, 'A'.repeat(43));
    expect((await deliver(exotelCallback(wrong, exotelInboundCall({ from: CALLER, to: OUR_NUMBER })))).status).toBe(403);
    expect((await deliver(exotelCallback(ch.exotel!.url.replace(/\/[^/]+$/, ''), exotelInboundCall({ from: CALLER, to: OUR_NUMBER })))).status).toBe(403);
    const form = new FormData();
    for (const [k, v] of Object.entries(exotelInboundCall({ from: CALLER, to: OUR_NUMBER }))) form.append(k, v);
    const multipart = await fetch(ch.exotel!.url.replace(PUBLIC_URL, local), { method: 'POST', body: form });
    expect(multipart.status).toBe(200);
    expect((await events(ch.exotel!.id)).map((e) => e.event_type)).toEqual(['call.received', 'call.received']);
    const token = ch.exotel!.url.split('/').at(-1)!;
    expect(h.logs.join('\n')).not.toContain(token);
  });

  it('answers an unknown channel, a wrong provider and another org’s channel exactly like a bad signature', async () => {
    const params = twilioInboundCall({ accountSid: twilioCreds.account_sid, from: CALLER, to: OUR_NUMBER });
    const bad = await deliver(withBadSignature(twilioCallback(ch.twilio!.url, params, twilioCreds.auth_token)));
    const unknown = await deliver(twilioCallback(`${PUBLIC_URL}/api/v1/webhooks/twilio/${missingId()}`, params, twilioCreds.auth_token));
    const wrongProvider = await deliver(twilioCallback(ch.twilio!.url.replace('/twilio/', '/plivo/'), params, twilioCreds.auth_token));
    const notUuid = await deliver(twilioCallback(`${PUBLIC_URL}/api/v1/webhooks/twilio/123`, params, twilioCreds.auth_token));
    // Org A's auth token, addressed to org B's channel: B's own token is what counts.
    const crossOrg = await deliver(twilioCallback(ch.twilioB!.url, params, twilioCreds.auth_token));
    for (const r of [unknown, wrongProvider, notUuid, crossOrg]) expect([r.status, r.body]).toEqual([403, bad.body]);
    expect(JSON.parse(bad.body)).toEqual({ error: { code: 'forbidden', message: 'The webhook could not be verified' } });
    expect(await events(ch.twilioB!.id)).toEqual([]);
    const own = await deliver(twilioCallback(ch.twilioB!.url, params, twilioCreds2.auth_token));
    expect(own.status).toBe(200);
    expect((await events(ch.twilioB!.id)).map((e) => e.org_id)).toEqual([b.id]);
  });

  it('an unknown, malformed or wrong-provider channel id costs the same transactions and statements as a bad signature', async () => {
    // The timing side of "reveals nothing" (bench/webhook-timing.ts measures it): same database work
    // on both paths. Every transaction and statement the service runs is logged through the real driver.
    const log: string[] = [];
    const real = h.t.deps.db.driver;
    const counting = new Proxy(real, {
      get(target, prop) {
        if (prop !== 'transaction') return Reflect.get(target, prop) as unknown;
        const transaction: Driver['transaction'] = (fn, opts) => {
          log.push('begin');
          return real.transaction((query, exec) => fn((async (sql: string, params?: readonly unknown[]) => {
            log.push(sql.replace(/\s+/g, ' '));
            return query(sql, params);
          }) as RawQuery, exec), opts);
        };
        return transaction;
      },
    });
    const deps = { ...h.t.deps, db: { ...h.t.deps.db, driver: counting } as Database };
    const params = twilioInboundCall({ accountSid: twilioCreds.account_sid, from: CALLER, to: OUR_NUMBER });
    const trace = async (provider: string, channelId: string) => {
      const cb = withBadSignature(twilioCallback(`${PUBLIC_URL}/api/v1/webhooks/${provider}/${channelId}`, params, twilioCreds.auth_token));
      const c: InboundCall = { provider, channelId, method: 'POST', rawUrl: new URL(cb.url).pathname, headers: cb.headers, rawBody: Buffer.from(cb.body) };
      log.length = 0;
      const outcome = await receiveWebhook(deps, c);
      expect(outcome.ok).toBe(false);
      return [...log];
    };
    const known = await trace('twilio', ch.twilio!.id);
    expect(known.filter((l) => l === 'begin')).toHaveLength(3);
    for (const [provider, id] of [['twilio', missingId()], ['plivo', ch.twilio!.id], ['twilio', '123'], ['nope', missingId()]] as const) {
      expect(await trace(provider, id), `${provider}/${id}`).toEqual(known);
    }
  });

  it('refuses oversized bodies (413) and everything when no public URL is configured', async () => {
    const big = twilioCallback(ch.twilio!.url, { CallSid: 'CA1', Body: 'x'.repeat(300 * 1024) }, twilioCreds.auth_token);
    expectError(await call(h.t.app, { method: 'POST', url: big.url.replace(PUBLIC_URL, ''), headers: big.headers, body: big.body }), 413);
    const cb = twilioCallback(ch.twilio!.url, twilioInboundCall({ accountSid: twilioCreds.account_sid, from: CALLER, to: OUR_NUMBER }), twilioCreds.auth_token);
    const deps = { ...h.t.deps, config: { ...h.t.deps.config, publicUrl: undefined } };
    const outcome = await receiveWebhook(deps, { provider: 'twilio', channelId: ch.twilio!.id, method: 'POST', rawUrl: new URL(cb.url).pathname, headers: cb.headers, rawBody: Buffer.from(cb.body) });
    expect(outcome).toEqual({ ok: false, reason: 'public_url_not_configured' });
  });

  it('never put a secret in a response or a log line', () => {
    expect(leakedSecrets(responses.join('\n'))).toEqual([]);
    expect(leakedSecrets(h.logs.join('\n'))).toEqual([]);
    expect(h.logs.join('\n')).not.toContain(twilioCreds2.auth_token);
    // Not silent: the access log and the refusals are there, with masked URLs and reasons.
    const text = h.logs.join('\n');
    expect(text).toContain('/api/v1/webhooks/exotel/' + ch.exotel!.id + '/[redacted]');
    expect(text).toMatch(/"reason":"replayed".*webhook refused/);
    expect(text).toMatch(/"reason":"bad_signature"/);
  });
});
