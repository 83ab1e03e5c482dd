/**
 * A local stand-in for the telephony providers' REST APIs (Twilio, Plivo, Exotel, Meta WhatsApp) and
 * their signed callbacks, so the real client and webhook code runs in tests without network access.
 *
 * @example
 * const sim = await startProviderSim({ accounts: { twilio: [creds] } });
 * await createTwilioClient({ baseUrl: sim.baseUrls.twilio }).placeCall(creds, { from, to, callbackUrl });
 * sim.calls[0]; // recorded
 * await sim.sendCallStatus(sim.calls[0], 'completed'); // signed status callback to the call's URL
 * await sim.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProviderName } from '../../../src/telephony/providers/index.js';
import {
  deliverCallback,
  exotelCallback,
  metaCallback,
  plivoCallback,
  twilioCallback,
  twilioJsonCallback,
  type CallbackResponse,
  type SignedCallback,
} from './callbacks.js';
import { exotelCallStatus, metaMessageStatus, plivoHangup, plivoMessageStatus, twilioCallStatus, twilioMessageStatus } from './payloads.js';
import { continueExotelFlow, type ExotelFlowCall, type ExotelFlowRun } from './exotel-flow.js';
import { exotelRoute } from './routes-exotel.js';
import { metaRoute } from './routes-meta.js';
import { plivoRoute } from './routes-plivo.js';
import { twilioRoute } from './routes-twilio.js';
import type { RouteHandler, RouteResult, SimAccounts, SimCall, SimCallUpdate, SimMessage, SimRequestLog, SimState } from './state.js';

export * from './callbacks.js';
export * from './payloads.js';
export * from './resplit.js';
export type { SimAccounts, SimCall, SimCallUpdate, SimMessage, SimRequestLog } from './state.js';
export type { ExotelFlowCall, ExotelFlowRun } from './exotel-flow.js';

const ROUTES: Record<ProviderName, RouteHandler> = { twilio: twilioRoute, plivo: plivoRoute, exotel: exotelRoute, meta: metaRoute };
const MAX_BODY = 1024 * 1024;

export interface ProviderSim {
  /** Per-provider API base URLs to pass as the clients' `baseUrl` (Meta's includes the Graph version). */
  baseUrls: Record<ProviderName, string>;
  calls: SimCall[];
  /** Changes to live calls: transfers (Twilio call updates, Plivo transfers, Exotel Connect applets). */
  updates: SimCallUpdate[];
  messages: SimMessage[];
  requests: SimRequestLog[];
  /** Makes the next REST request to `provider` fail with this status and JSON body. */
  failNext(provider: ProviderName, status: number, body: unknown): void;
  sendTwilioCallback(url: string, params: Record<string, string>, authToken: string): Promise<CallbackResponse>;
  sendTwilioJsonCallback(url: string, payload: unknown, authToken: string): Promise<CallbackResponse>;
  sendPlivoCallback(url: string, params: Record<string, string>, authToken: string, opts?: { nonce?: string; method?: 'GET' | 'POST' }): Promise<CallbackResponse>;
  sendMetaCallback(url: string, payload: unknown, appSecret: string): Promise<CallbackResponse>;
  sendExotelCallback(url: string, params: Record<string, string>, opts?: { method?: 'GET' | 'POST' }): Promise<CallbackResponse>;
  /** Sends a provider-format status callback for a recorded call, signed with its account's credentials. */
  sendCallStatus(call: SimCall, status: string): Promise<CallbackResponse>;
  /**
   * Sends the provider's delivery receipt for a message it accepted, signed with its account's
   * credentials: Twilio and Plivo to the message's status callback URL, Meta to `url` (the app's
   * webhook, where Meta posts every `statuses` entry). `errorCode` for failed/undelivered.
   */
  sendMessageStatus(message: SimMessage, status: string, opts?: { url?: string; errorCode?: string }): Promise<CallbackResponse>;
  /**
   * An Exotel flow going on after its Voicebot applet's stream closed: a Passthru applet, then (on its
   * 200) a Connect applet with a dynamic URL (./exotel-flow.ts); the Connect request is recorded on `updates`.
   */
  continueExotelFlow(call: ExotelFlowCall): Promise<ExotelFlowRun>;
  /** Sends any built callback; sending the same one twice is a replay. */
  deliver(cb: SignedCallback): Promise<CallbackResponse>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
  res.end(text);
}

/**
 * `fetch`: how callbacks travel (default global fetch). Tests whose app listens on a local port while
 * providers are given the public URL pass one that rewrites the URL, like a reverse proxy would.
 */
export async function startProviderSim(opts: { accounts?: SimAccounts; fetch?: typeof fetch } = {}): Promise<ProviderSim> {
  const fetchFn = opts.fetch ?? fetch;
  const a = opts.accounts ?? {};
  const state: SimState = {
    accounts: { twilio: a.twilio ?? [], plivo: a.plivo ?? [], exotel: a.exotel ?? [], meta: a.meta ?? [] },
    calls: [],
    updates: [],
    messages: [],
    requests: [],
    failures: new Map(),
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://sim.local');
      const [, prefix, ...rest] = url.pathname.split('/');
      const provider = prefix as ProviderName;
      const route = Object.hasOwn(ROUTES, provider) ? ROUTES[provider] : undefined;
      if (!route) return send(res, 404, { error: 'unknown provider' });
      const body = await readBody(req);
      const path = `/${rest.join('/')}`;
      const method = req.method ?? 'GET';
      const forced = state.failures.get(provider);
      if (forced) state.failures.delete(provider);
      const result: RouteResult = forced ?? route({ method, path, query: url.searchParams, headers: req.headers, body, state });
      state.requests.push({ provider, method, path, status: result.status });
      send(res, result.status, result.body);
      if (result.followUp) await result.followUp(fetchFn);
    })().catch(() => {
      if (!res.headersSent) send(res, 500, { error: 'simulator error' });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function accountFor(call: SimCall) {
    const find = <T>(list: T[], key: keyof T) => list.find((x) => x[key] === call.accountId);
    return {
      twilio: find(state.accounts.twilio, 'account_sid'),
      plivo: find(state.accounts.plivo, 'auth_id'),
    };
  }

  const sim: ProviderSim = {
    baseUrls: { twilio: `${origin}/twilio`, plivo: `${origin}/plivo`, exotel: `${origin}/exotel`, meta: `${origin}/meta/v21.0` },
    calls: state.calls,
    updates: state.updates,
    messages: state.messages,
    requests: state.requests,
    failNext: (provider, status, body) => void state.failures.set(provider, { status, body }),
    deliver: (cb) => deliverCallback(cb, fetchFn),
    async continueExotelFlow(call) {
      const { run, update } = await continueExotelFlow(call, fetchFn);
      if (update) state.updates.push(update);
      return run;
    },
    sendTwilioCallback: (url, params, token) => deliverCallback(twilioCallback(url, params, token), fetchFn),
    sendTwilioJsonCallback: (url, payload, token) => deliverCallback(twilioJsonCallback(url, payload, token), fetchFn),
    sendPlivoCallback: (url, params, token, o) => deliverCallback(plivoCallback(url, params, token, o), fetchFn),
    sendMetaCallback: (url, payload, secret) => deliverCallback(metaCallback(url, payload, secret), fetchFn),
    sendExotelCallback: (url, params, o) => deliverCallback(exotelCallback(url, params, o), fetchFn),
    async sendCallStatus(call, status) {
      if (!call.statusCallbackUrl) throw new Error(`call ${call.id} has no status callback URL`);
      const url = call.statusCallbackUrl;
      const acct = accountFor(call);
      switch (call.provider) {
        case 'twilio':
          if (!acct.twilio) throw new Error('unknown twilio account');
          return sim.sendTwilioCallback(url, twilioCallStatus({ accountSid: call.accountId, callSid: call.id, from: call.from, to: call.to, status }), acct.twilio.auth_token);
        case 'plivo':
          if (!acct.plivo) throw new Error('unknown plivo account');
          return sim.sendPlivoCallback(url, plivoHangup({ callUuid: call.id, from: call.from, to: call.to, status }), acct.plivo.auth_token);
        case 'exotel':
          return sim.sendExotelCallback(url, exotelCallStatus({ callSid: call.id, status }));
        case 'meta':
          throw new Error('meta has no calls');
      }
    },
    async sendMessageStatus(message, status, o = {}) {
      const url = o.url ?? message.statusCallbackUrl;
      if (!url) throw new Error(`message ${message.id} has no status callback URL`);
      const { errorCode } = o;
      const err = errorCode ? { errorCode } : {};
      switch (message.provider) {
        case 'twilio': {
          const acct = state.accounts.twilio.find((x) => x.account_sid === message.accountId);
          if (!acct) throw new Error('unknown twilio account');
          return sim.sendTwilioCallback(url, twilioMessageStatus({ accountSid: acct.account_sid, messageSid: message.id, from: message.from, to: message.to, status, ...err }), acct.auth_token);
        }
        case 'plivo': {
          const acct = state.accounts.plivo.find((x) => x.auth_id === message.accountId);
          if (!acct) throw new Error('unknown plivo account');
          return sim.sendPlivoCallback(url, plivoMessageStatus({ messageUuid: message.id, from: message.from, to: message.to, status, ...err }), acct.auth_token);
        }
        case 'meta': {
          const acct = state.accounts.meta.find((x) => x.phone_number_id === message.accountId);
          if (!acct) throw new Error('unknown meta account');
          const payload = metaMessageStatus({ phoneNumberId: acct.phone_number_id, messageId: message.id, recipient: message.to, status, ...(errorCode ? { errorCode: Number(errorCode) } : {}) });
          return sim.sendMetaCallback(url, payload, acct.app_secret);
        }
        case 'exotel':
          throw new Error('exotel message receipts are not simulated');
      }
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
  return sim;
}
