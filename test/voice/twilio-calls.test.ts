/**
 * Phone calls end to end over Twilio's media-stream protocol, with the caller simulator: barge-in,
 * hang-up from either side, the maximum duration, outbound calls (POST /calls) and their status
 * callbacks, and the stream's isolation (tokens, orgs, concurrent calls).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { signStreamToken } from '../../src/pipeline/voice/stream-token.js';
import { call, createOrg, type TestOrg } from '../helpers/api.js';
import { modeName } from '../helpers/harness.js';
import { HAS_ESPEAK, HAS_POCKETSPHINX } from '../helpers/speech.js';
import { expectError } from '../http/support.js';
import { simAccounts, twilioCreds } from '../fakes/provider-sim/fixtures.js';
import { answerOutbound, callWhen, connectStream, created, dialIn, latestCall, LONG_GREETING, startVoiceHarness, streamUrlOf, yesNoFlow, type VoiceHarness, type VoiceLine } from './support.js';

const twilioCredsB = { account_sid: `AC${'fedcba9876543210'.repeat(2)}`, auth_token: 'canaryTwilioAuthTokenOrgB' };

describe.skipIf(!HAS_ESPEAK || !HAS_POCKETSPHINX)(`phone calls: barge-in, hang-ups, limits, outbound, isolation (${modeName})`, () => {
  let h: VoiceHarness;
  let a: TestOrg;
  let b: TestOrg;
  let agentLine: VoiceLine;
  let shortLine: VoiceLine;
  let flowLine: VoiceLine;
  let lineB: VoiceLine;

  beforeAll(async () => {
    h = await startVoiceHarness({ ...simAccounts, twilio: [twilioCreds, twilioCredsB] });
    a = await createOrg(h.t.app, 'Voice A');
    b = await createOrg(h.t.app, 'Voice B');
    const talker = await created(h.t, a.tokens.admin, '/agents', { name: 'Talker', system_prompt: 'You answer callers of Acme.', greeting: LONG_GREETING });
    const brief = await created(h.t, a.tokens.admin, '/agents', { name: 'Brief', greeting: 'Hi.', max_duration_seconds: 10 });
    const flow = await created(h.t, a.tokens.admin, '/flows', yesNoFlow);
    const flowB = await created(h.t, b.tokens.admin, '/flows', yesNoFlow);
    const line = (org: TestOrg, creds: typeof twilioCreds, target: Record<string, string>, n: string) =>
      created(h.t, org.tokens.admin, '/channels', { name: `Line ${n}`, type: 'voice', provider: 'twilio', credentials: creds, phone_number: `+1415555010${n}`, ...target });
    agentLine = await line(a, twilioCreds, { agent_id: talker.id }, '1');
    shortLine = await line(a, twilioCreds, { agent_id: brief.id }, '2');
    flowLine = await line(a, twilioCreds, { flow_id: flow.id }, '3');
    lineB = await line(b, twilioCredsB, { flow_id: flowB.id }, '4');
  });
  afterAll(async () => h?.close());

  it('barge-in: caller speech stops the agent\'s audio (a clear), and the cut line is marked interrupted', async () => {
    const { caller } = await dialIn(h, agentLine);
    const id = (await latestCall(h.t, a.tokens.admin)).id;
    while (caller.utterances.length === 0) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 400));
    const spoke = caller.say('hello');
    while (caller.clears.length === 0 && caller.sentMs < 60_000) await new Promise((r) => setTimeout(r, 10));
    expect(caller.clears.length).toBeGreaterThan(0);
    await spoke;
    const c = await callWhen(h.t, a.tokens.admin, id, (x) => x.transcript.some((m: { interrupted?: boolean }) => m.interrupted));
    expect(c.transcript[0]).toMatchObject({ role: 'agent', text: LONG_GREETING, interrupted: true });
    // The caller's words reach the agent after the barge-in (a turn of its own).
    const heard = await callWhen(h.t, a.tokens.admin, id, (x) => x.transcript.some((m: { role: string }) => m.role === 'caller'));
    expect(heard.transcript.find((m: { role: string }) => m.role === 'caller').text).toMatch(/hello/);
    await caller.hangup();
    const ended = await callWhen(h.t, a.tokens.admin, id, (x) => x.status === 'ended');
    expect(ended.ended_reason).toBe('caller_hangup');
  }, 90_000);

  it('the caller hanging up (stop) ends the session as caller_hangup; a later "completed" status changes nothing', async () => {
    const { caller, providerCallId } = await dialIn(h, flowLine);
    const id = (await latestCall(h.t, a.tokens.admin)).id;
    await caller.agentSays({ since: 0 });
    await caller.hangup();
    const c = await callWhen(h.t, a.tokens.admin, id, (x) => x.status === 'ended');
    expect(c).toMatchObject({ ended_reason: 'caller_hangup', outcome: 'caller_hangup' });
    const status = await h.sim.sendCallStatus({ provider: 'twilio', id: providerCallId, accountId: twilioCreds.account_sid, from: '+15557654321', to: flowLine.phone_number, callbackUrl: flowLine.webhook_url, statusCallbackUrl: flowLine.webhook_url, params: {}, at: Date.now() }, 'completed');
    expect(status.status).toBe(200);
    expect((await callWhen(h.t, a.tokens.admin, id, () => true)).ended_reason).toBe('caller_hangup');
  }, 60_000);

  it('the maximum duration cuts the call off: the session ends max_duration and the stream is closed', async () => {
    const { caller } = await dialIn(h, shortLine);
    const id = (await latestCall(h.t, a.tokens.admin)).id;
    const code = await caller.closed;
    expect(code).toBe(1000);
    const c = await callWhen(h.t, a.tokens.admin, id, (x) => x.status === 'ended');
    expect(c.ended_reason).toBe('max_duration');
    expect(c.duration_seconds).toBeGreaterThanOrEqual(10);
  }, 60_000);

  it('POST /calls dials out: the provider is asked to call, its answer URL attaches to the same call, the agent speaks', async () => {
    const res = await call(h.t.app, { method: 'POST', url: '/calls', token: a.tokens.member, body: { channel_id: flowLine.id, to: '+15551230001', variables: { ok: null } } });
    expect(res.statusCode, res.body).toBe(201);
    const dialed = res.json();
    expect(dialed).toMatchObject({ channel: 'voice', direction: 'outbound', status: 'active', to_number: '+15551230001', from_number: flowLine.phone_number, channel_id: flowLine.id });
    const placed = h.sim.calls.at(-1)!;
    expect(placed.callbackUrl).toBe(`${flowLine.webhook_url}?call_id=${dialed.id}`);
    expect(placed.statusCallbackUrl).toBe(`${flowLine.webhook_url}?call_id=${dialed.id}&event=status`);
    expect(placed.params).toMatchObject({ To: '+15551230001', From: flowLine.phone_number, MachineDetection: 'Enable' });
    const { caller } = await answerOutbound(h, placed);
    await caller!.agentSays({ since: 0 });
    await caller!.say('yes');
    await caller!.closed;
    const c = await callWhen(h.t, a.tokens.admin, dialed.id, (x) => x.status === 'ended');
    expect(c).toMatchObject({ ended_reason: 'completed', variables: { ok: 'yes' } });
    expect((await call(h.t.app, { method: 'GET', url: '/calls?limit=5', token: a.tokens.admin })).json().data.filter((x: { id: string }) => x.id === dialed.id)).toHaveLength(1);
  }, 60_000);

  it('status callbacks end unanswered outbound calls: no-answer, busy, a machine (voicemail); a refusal is failed', async () => {
    const dial = async () => {
      const res = await call(h.t.app, { method: 'POST', url: '/calls', token: a.tokens.admin, body: { flow_id: (await latestCall(h.t, a.tokens.admin)).flow_id ?? undefined, channel_id: flowLine.id, to: '+15551230002' } });
      expect(res.statusCode, res.body).toBe(201);
      return { id: res.json().id as string, placed: h.sim.calls.at(-1)! };
    };
    for (const [status, reason] of [['no-answer', 'no_answer'], ['busy', 'busy'], ['failed', 'failed']] as const) {
      const d = await dial();
      expect((await h.sim.sendCallStatus(d.placed, status)).status).toBe(200);
      expect(await callWhen(h.t, a.tokens.admin, d.id, (x) => x.status === 'ended')).toMatchObject({ ended_reason: reason, outcome: reason, turns: 0 });
    }
    const machine = await dial();
    const answered = await answerOutbound(h, machine.placed, { answeredBy: 'machine_start' });
    expect(answered.caller).toBeNull();
    expect(answered.answer).toContain('<Hangup/>');
    expect(await callWhen(h.t, a.tokens.admin, machine.id, (x) => x.status === 'ended')).toMatchObject({ ended_reason: 'voicemail', outcome: 'voicemail' });

    h.sim.failNext('twilio', 400, { code: 21211, message: `Invalid 'To' Phone Number ${twilioCreds.auth_token}`, status: 400 });
    const refused = await call(h.t.app, { method: 'POST', url: '/calls', token: a.tokens.admin, body: { channel_id: flowLine.id, to: '+15551230003' } });
    const err = expectError(refused, 422);
    expect(refused.body).not.toContain(twilioCreds.auth_token);
    const failedId = String(err.details![0]!.message);
    expect(await callWhen(h.t, a.tokens.admin, failedId, () => true)).toMatchObject({ status: 'ended', ended_reason: 'failed' });
  }, 60_000);

  it('POST /calls: roles, validation and another org\'s channel', async () => {
    expectError(await call(h.t.app, { method: 'POST', url: '/calls', token: a.tokens.viewer, body: { channel_id: flowLine.id, to: '+15551230004' } }), 403);
    expectError(await call(h.t.app, { method: 'POST', url: '/calls', token: a.tokens.admin, body: { channel_id: lineB.id, to: '+15551230004' } }), 404);
    expectError(await call(h.t.app, { method: 'POST', url: '/calls', token: a.tokens.admin, body: { channel_id: flowLine.id, to: '5551230004' } }), 400);
    expectError(await call(h.t.app, { method: 'POST', url: '/calls', token: a.tokens.admin, body: { channel_id: flowLine.id, to: '+15551230004', org_id: b.id } }), 400);
  });

  it('a stream is refused before any audio without a valid token, with a used one, or with one naming another org\'s call or channel', async () => {
    const { caller } = await dialIn(h, lineB, '+15550001111', twilioCredsB);
    const callB = await latestCall(h.t, b.tokens.admin);
    await caller.agentSays({ since: 0 });
    const base = `${h.local.replace('http://', 'ws://')}/api/v1/voice/stream/twilio/`;
    const refused = async (url: string) => {
      const ws = new WebSocket(url);
      ws.on('open', () => ws.send(JSON.stringify({ event: 'start', streamSid: 'MZx', start: { streamSid: 'MZx', callSid: 'CAx' } })));
      return new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    };
    expect(await refused(`${base}not-a-token`)).toBe(1008);
    // A's org, with B's call (or B's channel and call): signed with the real key, refused by the database's org boundary.
    const tokens = h.t.deps.webSessions;
    expect(await refused(base + signStreamToken(tokens, { org_id: a.id, channel_id: flowLine.id, call_id: callB.id, provider: 'twilio' }))).toBe(1008);
    expect(await refused(base + signStreamToken(tokens, { org_id: a.id, channel_id: lineB.id, call_id: callB.id, provider: 'twilio' }))).toBe(1008);
    // B's own token, again (single use), and on another provider's path.
    const second = await h.sim.sendTwilioCallback(lineB.webhook_url, { AccountSid: twilioCredsB.account_sid, CallSid: 'CA00000000000000000000000000000001', CallStatus: 'ringing', Direction: 'inbound', From: '+15550002222', To: lineB.phone_number }, twilioCredsB.auth_token);
    const url = h.localize(streamUrlOf(second.body));
    expect(await refused(url.replace('/twilio/', '/plivo/'))).toBe(1008);
    const ok = await connectStream(h, streamUrlOf(second.body), 'twilio', 'CA00000000000000000000000000000001');
    expect(await refused(url)).toBe(1008);
    await ok.hangup();
    await caller.hangup();
    const c = await callWhen(h.t, b.tokens.admin, callB.id, (x) => x.status === 'ended');
    expect(c.transcript.filter((m: { role: string }) => m.role === 'caller')).toEqual([]);
    // Org A sees none of B's calls.
    expectError(await call(h.t.app, { method: 'GET', url: `/calls/${callB.id}`, token: a.tokens.admin }), 404);
  }, 60_000);

  it('two concurrent calls, distinct lines: each call hears and records only its own caller', async () => {
    const [one, two] = await Promise.all([dialIn(h, flowLine, '+15550003333'), dialIn(h, flowLine, '+15550004444')]);
    const calls = (await call(h.t.app, { method: 'GET', url: `/calls?channel=voice&limit=2`, token: a.tokens.admin })).json().data;
    const idOf = (from: string) => calls.find((x: { from_number: string }) => x.from_number === from).id as string;
    await Promise.all([one.caller.agentSays({ since: 0 }), two.caller.agentSays({ since: 0 })]);
    await Promise.all([one.caller.say('yes'), two.caller.say('no')]);
    await Promise.all([one.caller.closed, two.caller.closed]);
    const [c1, c2] = await Promise.all([idOf('+15550003333'), idOf('+15550004444')].map((id) => callWhen(h.t, a.tokens.admin, id, (x) => x.status === 'ended')));
    const callerLines = (c: { transcript: Array<{ role: string; text: string }> }) => c.transcript.filter((m) => m.role === 'caller').map((m) => m.text);
    expect(callerLines(c1!)).toEqual(['yes']);
    expect(callerLines(c2!)).toEqual(['no']);
    expect(c1!.variables.ok).toBe('yes');
    expect(c2!.variables.ok).toBe('no');
  }, 90_000);
});
