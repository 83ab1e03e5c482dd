/**
 * The same voice loop over Plivo's bidirectional stream (`<Stream bidirectional>`, μ-law) and Exotel's
 * voicebot stream (a dynamic URL answered with JSON; 16-bit PCM "raw/slin"): an inbound call, a prompt,
 * a spoken yes, the end of the call; and each provider's hang-up status for a call that never began.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, type TestOrg } from '../helpers/api.js';
import { modeName } from '../helpers/harness.js';
import { HAS_ESPEAK, HAS_POCKETSPHINX } from '../helpers/speech.js';
import { exotelCallStatus, exotelInboundCall, plivoHangup, plivoInboundCall } from '../fakes/provider-sim/index.js';
import { exotelCreds, plivoCreds } from '../fakes/provider-sim/fixtures.js';
import { callWhen, connectStream, created, latestCall, startVoiceHarness, streamUrlOf, yesNoFlow, type VoiceHarness } from './support.js';


describe.skipIf(!HAS_ESPEAK || !HAS_POCKETSPHINX)(`phone calls over Plivo and Exotel streams (${modeName})`, () => {
  let h: VoiceHarness;
  let org: TestOrg;
  let plivo: { id: string; webhook_url: string; phone_number: string };
  let exotel: { id: string; webhook_url: string; phone_number: string };

  beforeAll(async () => {
    h = await startVoiceHarness();
    org = await createOrg(h.t.app, 'Voice PE');
    const flow = await created(h.t, org.tokens.admin, '/flows', yesNoFlow);
    plivo = await created(h.t, org.tokens.admin, '/channels', { name: 'Plivo line', type: 'voice', provider: 'plivo', credentials: plivoCreds, phone_number: '+14155550111', flow_id: flow.id });
    exotel = await created(h.t, org.tokens.admin, '/channels', { name: 'Exotel line', type: 'voice', provider: 'exotel', credentials: exotelCreds, phone_number: '+914455550112', flow_id: flow.id });
  });
  afterAll(async () => h?.close());

  it('Plivo: <Stream bidirectional> answer, μ-law both ways, a spoken yes ends the call completed', async () => {
    const params = plivoInboundCall({ from: '+15557654321', to: plivo.phone_number });
    const res = await h.sim.sendPlivoCallback(plivo.webhook_url, params, plivoCreds.auth_token);
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/<Stream bidirectional="true" keepCallAlive="true" contentType="audio\/x-mulaw;rate=8000">wss:\/\/hooks\.converse\.test\/api\/v1\/voice\/stream\/plivo\/cvs1\./);
    const caller = await connectStream(h, streamUrlOf(res.body), 'plivo', params.CallUUID!);
    const id = (await latestCall(h.t, org.tokens.admin)).id;
    await caller.agentSays({ since: 0 });
    await caller.say('yes');
    await caller.closed;
    expect(await callWhen(h.t, org.tokens.admin, id, (c) => c.status === 'ended')).toMatchObject({ ended_reason: 'completed', variables: { ok: 'yes' }, channel_id: plivo.id });
  }, 60_000);

  it('Exotel: the voicebot URL answers with JSON, 16-bit PCM both ways, a spoken yes ends the call completed', async () => {
    const params = exotelInboundCall({ from: '+919812345678', to: exotel.phone_number });
    const res = await h.sim.sendExotelCallback(exotel.webhook_url, params);
    expect(res.status).toBe(200);
    const url = streamUrlOf(res.body);
    expect(url).toMatch(/^wss:\/\/hooks\.converse\.test\/api\/v1\/voice\/stream\/exotel\/cvs1\./);
    const caller = await connectStream(h, url, 'exotel', params.CallSid!);
    const id = (await latestCall(h.t, org.tokens.admin)).id;
    await caller.agentSays({ since: 0 });
    await caller.say('yes');
    await caller.closed;
    expect(await callWhen(h.t, org.tokens.admin, id, (c) => c.status === 'ended')).toMatchObject({ ended_reason: 'completed', variables: { ok: 'yes' }, channel_id: exotel.id });
  }, 60_000);

  it('a call that hangs up before its stream begins ends as the provider says (Plivo busy, Exotel no-answer)', async () => {
    const p = plivoInboundCall({ from: '+15550001212', to: plivo.phone_number });
    await h.sim.sendPlivoCallback(plivo.webhook_url, p, plivoCreds.auth_token);
    const pid = (await latestCall(h.t, org.tokens.admin)).id;
    await h.sim.sendPlivoCallback(plivo.webhook_url, plivoHangup({ callUuid: p.CallUUID!, from: p.From!, to: p.To!, status: 'busy' }), plivoCreds.auth_token);
    expect(await callWhen(h.t, org.tokens.admin, pid, (c) => c.status === 'ended')).toMatchObject({ ended_reason: 'busy' });
    const e = exotelInboundCall({ from: '+919800000001', to: exotel.phone_number });
    await h.sim.sendExotelCallback(exotel.webhook_url, e);
    const eid = (await latestCall(h.t, org.tokens.admin)).id;
    await h.sim.sendExotelCallback(exotel.webhook_url, exotelCallStatus({ callSid: e.CallSid!, status: 'no-answer' }));
    expect(await callWhen(h.t, org.tokens.admin, eid, (c) => c.status === 'ended')).toMatchObject({ ended_reason: 'no_answer' });
  }, 60_000);
});
