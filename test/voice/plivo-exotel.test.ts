/**
 * The same voice loop over Plivo's bidirectional stream (`<Stream bidirectional>`, μ-law) and Exotel's
 * voicebot stream (a dynamic URL answered with JSON; 16-bit PCM "raw/slin"): an inbound call, a prompt,
 * a spoken yes, the end of the call; each provider's transfer (Plivo's transfer API fetching new XML,
 * Exotel's flow going on to a Passthru and a Connect applet); and each provider's hang-up status for a
 * call that never began.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, type TestOrg } from '../helpers/api.js';
import { modeName } from '../helpers/harness.js';
import { HAS_ESPEAK, HAS_POCKETSPHINX } from '../helpers/speech.js';
import { exotelCallStatus, exotelInboundCall, plivoHangup, plivoInboundCall } from '../fakes/provider-sim/index.js';
import { exotelCreds, plivoCreds } from '../fakes/provider-sim/fixtures.js';
import type { SimulatedCaller } from '../../src/voice/sim/caller.js';
import { callWhen, connectStream, created, latestCall, startVoiceHarness, streamUrlOf, transferFlow, until, yesNoFlow, type VoiceHarness, type VoiceLine } from './support.js';

const TRANSFER_TO = '+14155552671';

describe.skipIf(!HAS_ESPEAK || !HAS_POCKETSPHINX)(`phone calls over Plivo and Exotel streams (${modeName})`, () => {
  let h: VoiceHarness;
  let org: TestOrg;
  let plivo: VoiceLine;
  let exotel: VoiceLine;
  let plivoTransfer: VoiceLine;
  let exotelTransfer: VoiceLine;

  beforeAll(async () => {
    h = await startVoiceHarness();
    org = await createOrg(h.t.app, 'Voice PE');
    const flow = await created(h.t, org.tokens.admin, '/flows', yesNoFlow);
    const xfer = await created(h.t, org.tokens.admin, '/flows', transferFlow(TRANSFER_TO));
    const line = (provider: 'plivo' | 'exotel', name: string, phone_number: string, flow_id: string): Promise<VoiceLine> =>
      created(h.t, org.tokens.admin, '/channels', { name, type: 'voice', provider, credentials: provider === 'plivo' ? plivoCreds : exotelCreds, phone_number, flow_id });
    plivo = await line('plivo', 'Plivo line', '+14155550111', flow.id);
    exotel = await line('exotel', 'Exotel line', '+914455550112', flow.id);
    plivoTransfer = await line('plivo', 'Plivo transfer line', '+14155550113', xfer.id);
    exotelTransfer = await line('exotel', 'Exotel transfer line', '+914455550114', xfer.id);
  });
  afterAll(async () => h?.close());

  /** A caller phones `line`: the provider's answer request, then the stream it answers with. */
  async function ring(provider: 'plivo' | 'exotel', line: VoiceLine, from: string): Promise<{ caller: SimulatedCaller; id: string; providerCallId: string; answer: string }> {
    const params = provider === 'plivo' ? plivoInboundCall({ from, to: line.phone_number }) : exotelInboundCall({ from, to: line.phone_number });
    const res = provider === 'plivo' ? await h.sim.sendPlivoCallback(line.webhook_url, params, plivoCreds.auth_token) : await h.sim.sendExotelCallback(line.webhook_url, params);
    expect(res.status).toBe(200);
    const providerCallId = (params.CallUUID ?? params.CallSid)!;
    const caller = await connectStream(h, streamUrlOf(res.body), provider, providerCallId);
    return { caller, id: (await latestCall(h.t, org.tokens.admin)).id, providerCallId, answer: res.body };
  }

  /** The Exotel flow after the Voicebot applet, with the URLs docs/voice.md gives. */
  const exotelFlowAfter = (line: VoiceLine, callSid: string, from: string) =>
    h.sim.continueExotelFlow({ callSid, from, to: line.phone_number, passthruUrl: `${line.webhook_url}?event=transfer_check`, connectUrl: `${line.webhook_url}?event=transfer` });

  it('Plivo: <Stream bidirectional> answer, μ-law both ways, a spoken yes ends the call completed', async () => {
    const { caller, id, answer } = await ring('plivo', plivo, '+15557654321');
    expect(answer).toMatch(/<Stream bidirectional="true" keepCallAlive="true" contentType="audio\/x-mulaw;rate=8000">wss:\/\/hooks\.converse\.test\/api\/v1\/voice\/stream\/plivo\/cvs1\./);
    await caller.agentSays({ since: 0 });
    await caller.say('yes');
    await caller.closed;
    expect(await callWhen(h.t, org.tokens.admin, id, (c) => c.status === 'ended')).toMatchObject({ ended_reason: 'completed', variables: { ok: 'yes' }, channel_id: plivo.id });
  }, 60_000);

  it('Exotel: the voicebot URL answers with JSON, 16-bit PCM both ways, a spoken yes ends the call; the flow\'s Passthru then hangs up (302)', async () => {
    const from = '+919812345678';
    const { caller, id, providerCallId, answer } = await ring('exotel', exotel, from);
    expect(streamUrlOf(answer)).toMatch(/^wss:\/\/hooks\.converse\.test\/api\/v1\/voice\/stream\/exotel\/cvs1\./);
    await caller.agentSays({ since: 0 });
    await caller.say('yes');
    await caller.closed;
    expect(await callWhen(h.t, org.tokens.admin, id, (c) => c.status === 'ended')).toMatchObject({ ended_reason: 'completed', variables: { ok: 'yes' }, channel_id: exotel.id });
    expect(await exotelFlowAfter(exotel, providerCallId, from)).toEqual({ passthru: 302, connect: null });
  }, 60_000);

  it('Plivo transfer: the live call is transferred to a signed Converse URL whose XML dials the number', async () => {
    const { caller, id, providerCallId } = await ring('plivo', plivoTransfer, '+15557650001');
    await caller.agentSays({ since: 0 });
    const update = await until('Plivo to fetch the transferred call\'s XML', () => h.sim.updates.find((u) => u.provider === 'plivo' && u.callId === providerCallId && u.dialed));
    expect(update.params).toEqual({ legs: 'aleg', aleg_url: `${plivoTransfer.webhook_url}?call_id=${id}&event=transfer`, aleg_method: 'POST' });
    expect(update.instructions).toEqual({ status: 200, body: '<?xml version="1.0" encoding="UTF-8"?><Response><Dial><Number>14155552671</Number></Dial></Response>' });
    expect(update.dialed).toEqual(['14155552671']);
    expect(await callWhen(h.t, org.tokens.admin, id, (c) => c.status === 'ended')).toMatchObject({ ended_reason: 'transferred', outcome: 'transferred' });
    // The transfer URL answers only for its own channel's call: another channel's call id hangs up.
    const { caller: other, id: otherId, providerCallId: otherUuid } = await ring('plivo', plivo, '+15557650002');
    const foreign = await h.sim.sendPlivoCallback(`${plivoTransfer.webhook_url}?call_id=${otherId}&event=transfer`, { CallUUID: otherUuid, CallStatus: 'in-progress' }, plivoCreds.auth_token);
    expect(foreign.body).toContain('<Hangup/>');
    await Promise.all([caller.hangup(), other.hangup()]);
  }, 60_000);

  it('Exotel transfer: the stream closes, the flow\'s Passthru gets 200 and its Connect applet the number to dial', async () => {
    const from = '+919800000077';
    const { caller, id, providerCallId } = await ring('exotel', exotelTransfer, from);
    await caller.agentSays({ since: 0 });
    expect(await caller.closed).toBe(1000);
    expect(await callWhen(h.t, org.tokens.admin, id, (c) => c.status === 'ended')).toMatchObject({ ended_reason: 'transferred', outcome: 'transferred' });
    const run = await exotelFlowAfter(exotelTransfer, providerCallId, from);
    expect(run.passthru).toBe(200);
    expect(run.connect?.dialed).toEqual([TRANSFER_TO]);
    expect(JSON.parse(run.connect!.instructions!.body)).toEqual({ fetch_after_attempt: false, destination: { numbers: [TRANSFER_TO] }, outgoing_phone_number: exotelTransfer.phone_number });
    // A call Converse does not know on this channel, or a request naming no call: no number.
    expect(await exotelFlowAfter(exotelTransfer, 'f'.repeat(32), from)).toEqual({ passthru: 302, connect: null });
    expect((await h.sim.sendExotelCallback(`${exotelTransfer.webhook_url}?event=transfer_check`, { CallFrom: from }, { method: 'GET' })).status).toBe(302);
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
