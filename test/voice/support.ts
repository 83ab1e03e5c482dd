import type { AddressInfo } from 'node:net';
import { call } from '../helpers/api.js';
import { createTestApp, type TestApp } from '../helpers/harness.js';
import { startProviderSim, twilioInboundCall, type ProviderSim, type SimCall } from '../fakes/provider-sim/index.js';
import { simAccounts, twilioCreds } from '../fakes/provider-sim/fixtures.js';
import { PUBLIC_URL } from '../channels/support.js';
import { createEspeakEngine } from '../../src/voice/tts/espeak.js';
import { SimulatedCaller, type SimProvider } from '../../src/voice/sim/caller.js';

export const tts = createEspeakEngine();

/** A greeting long enough for the caller to talk over it (barge-in). */
export const LONG_GREETING = 'Hello, and thank you for calling the Acme box company. We sell boxes of every size, for moving house, for shipping and for storage. Our opening hours are from nine in the morning to six in the evening.';
/** A voice channel as the tests use it (POST /channels answers with more). */
export type VoiceLine = { id: string; webhook_url: string; phone_number: string };

/** Flow edges from `source:target` pairs (the pair is the edge id, as menus name them). */
export const edges = (chain: string[]) => chain.map((e) => ({ id: e, source: e.split(':')[0], target: e.split(':')[1] }));

/** Asks one yes/no question and says goodbye: the shortest flow with a spoken answer. */
export const yesNoFlow = {
  name: 'Confirm',
  nodes: [
    { id: 'start', type: 'entry', data: {} },
    { id: 'ask', type: 'collect', data: { variable: 'ok', prompt: 'Shall I book it?', validation: 'yes_no' } },
    { id: 'bye', type: 'end_call', data: { message: 'Noted. Goodbye.' } },
  ],
  variables: [{ name: 'ok' }],
  edges: edges(['start:ask', 'ask:bye']),
};

/** A flow that says `message` and transfers the call to `phone_number` (E.164). */
export const transferFlow = (phone_number: string, message = 'Connecting you now.') => ({
  name: 'Transfer',
  nodes: [{ id: 'start', type: 'entry', data: {} }, { id: 'xfer', type: 'transfer', data: { phone_number, message } }],
  edges: edges(['start:xfer']),
});

/** Polls `check` (something a fake or simulator records) until it holds; throws `what` after the timeout. */
export async function until<T>(what: string, check: () => T | undefined | null | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface VoiceHarness {
  t: TestApp;
  sim: ProviderSim;
  /** Where the app listens (http://127.0.0.1:port). */
  local: string;
  /** A public URL (https://hooks.converse.test/…, wss://…) as the provider would reach it, made local. */
  localize(url: string): string;
  close(): Promise<void>;
}

/** The app on 127.0.0.1 behind a public URL that providers sign for (callbacks and streams are rewritten, as a reverse proxy would). */
export async function startVoiceHarness(accounts = simAccounts, config: Record<string, unknown> = {}): Promise<VoiceHarness> {
  let local = '';
  const localize = (url: string) => url.replace(PUBLIC_URL, local).replace(PUBLIC_URL.replace('https://', 'wss://'), local.replace('http://', 'ws://'));
  const sim = await startProviderSim({ accounts, fetch: ((url: string, init: RequestInit) => fetch(localize(url), init)) as typeof fetch });
  const t = await createTestApp({ config: { publicUrl: PUBLIC_URL, allowPrivateNetwork: true, providerBaseUrls: sim.baseUrls, ...config } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  local = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  return { t, sim, local, localize, close: async () => { await t.close(); await sim.close(); } };
}

export async function created(t: TestApp, token: string, url: string, body: unknown): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await call(t.app, { method: 'POST', url, token, body });
  if (res.statusCode !== 201) throw new Error(`POST ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** The stream URL in an answer document (TwiML `<Stream url>`, Plivo's `<Stream>` text, Exotel's JSON). */
export function streamUrlOf(body: string): string {
  const m = /<Stream url="([^"]+)"/.exec(body) ?? /<Stream[^>]*>([^<]+)<\/Stream>/.exec(body);
  if (m) return m[1]!.replace(/&amp;/g, '&');
  const json = JSON.parse(body) as { url?: string };
  if (!json.url) throw new Error(`no stream in the answer: ${body}`);
  return json.url;
}

export interface Dialed {
  caller: SimulatedCaller;
  providerCallId: string;
  answer: string;
}

/** A caller phones the channel's number: Twilio's signed voice webhook, then the media stream it answers with. */
export async function dialIn(h: VoiceHarness, channel: { webhook_url: string; phone_number: string }, from = '+15557654321', creds = twilioCreds): Promise<Dialed> {
  const params = twilioInboundCall({ accountSid: creds.account_sid, from, to: channel.phone_number });
  const res = await h.sim.sendTwilioCallback(channel.webhook_url, params, creds.auth_token);
  if (res.status !== 200) throw new Error(`voice webhook: ${res.status} ${res.body}`);
  const caller = await SimulatedCaller.connect({ url: h.localize(streamUrlOf(res.body)), provider: 'twilio', providerCallId: params.CallSid!, tts });
  return { caller, providerCallId: params.CallSid!, answer: res.body };
}

/** The callee picks up an outbound call the simulator placed: Twilio fetches the answer URL, then streams. */
export async function answerOutbound(h: VoiceHarness, placed: SimCall, opts: { answeredBy?: string } = {}): Promise<{ answer: string; caller: SimulatedCaller | null }> {
  const params: Record<string, string> = {
    AccountSid: placed.accountId, ApiVersion: '2010-04-01', CallSid: placed.id, CallStatus: 'in-progress', Direction: 'outbound-api', From: placed.from, To: placed.to,
    ...(opts.answeredBy ? { AnsweredBy: opts.answeredBy } : {}),
  };
  const creds = simAccounts.twilio!.find((a) => a.account_sid === placed.accountId)!;
  const res = await h.sim.sendTwilioCallback(placed.callbackUrl, params, creds.auth_token);
  if (res.status !== 200) throw new Error(`answer URL: ${res.status} ${res.body}`);
  if (!res.body.includes('<Stream')) return { answer: res.body, caller: null };
  const caller = await SimulatedCaller.connect({ url: h.localize(streamUrlOf(res.body)), provider: 'twilio', providerCallId: placed.id, tts });
  return { answer: res.body, caller };
}

export async function connectStream(h: VoiceHarness, url: string, provider: SimProvider, providerCallId: string): Promise<SimulatedCaller> {
  return SimulatedCaller.connect({ url: h.localize(url), provider, providerCallId, tts });
}

/** GET /calls/{id} until `done` holds (the loop writes after the stream events). */
export async function callWhen(t: TestApp, token: string, id: string, done: (c: any) => boolean, timeoutMs = 20_000): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await call(t.app, { method: 'GET', url: `/calls/${id}`, token });
    if (res.statusCode === 200 && done(res.json())) return res.json();
    if (Date.now() > deadline) throw new Error(`call ${id} did not get there: ${res.body.slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The newest call of the org on a channel. */
export async function latestCall(t: TestApp, token: string): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await call(t.app, { method: 'GET', url: '/calls?limit=1', token });
  return res.json().data[0];
}
