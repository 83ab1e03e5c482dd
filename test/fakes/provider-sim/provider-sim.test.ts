import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProviderClient, type ProviderName } from '../../../src/telephony/providers/index.js';
import { createMemoryReplayGuard } from '../../../src/telephony/replay-guard.js';
import { verifyMetaHandshake } from '../../../src/telephony/signatures.js';
import { verifyInboundWebhook } from '../../../src/telephony/verify-webhook.js';
import { CALLEE, OUR_NUMBER, exotelCreds, metaCreds, plivoCreds, simAccounts, twilioCreds } from './fixtures.js';
import {
  metaInboundText,
  plivoInboundMessage,
  startProviderSim,
  twilioCallback,
  twilioInboundCall,
  withBadSignature,
  withTamperedParam,
  type ProviderSim,
} from './index.js';

/**
 * A minimal stand-in for the product's webhook route: /webhooks/{provider}/{channel}[/{token}], using the
 * real verification code. 204 accepted · 403 refused · 409 replay (distinct here only to assert on it).
 */
const EXOTEL_TOKEN = 'exotelPathTokenForChannelE1';
const CHANNELS: Record<string, { provider: ProviderName; secret: string }> = {
  t1: { provider: 'twilio', secret: twilioCreds.auth_token },
  p1: { provider: 'plivo', secret: plivoCreds.auth_token },
  m1: { provider: 'meta', secret: metaCreds.app_secret },
  e1: { provider: 'exotel', secret: EXOTEL_TOKEN },
};

let sim: ProviderSim;
let receiver: Server;
let origin: string;
let hooks: string;
const accepted: Array<{ channel: string; params: Record<string, string>; json?: unknown }> = [];
const guard = createMemoryReplayGuard();

beforeAll(async () => {
  sim = await startProviderSim({ accounts: simAccounts });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = `${origin}${req.url ?? '/'}`; // the public URL the provider called
        const [, , provider, channelId = '', token] = new URL(url).pathname.split('/');
        const channel = CHANNELS[channelId];
        if (!channel || channel.provider !== provider) return void res.writeHead(404).end();
        if (req.method === 'GET' && provider === 'meta') {
          const r = verifyMetaHandshake(new URL(url).searchParams, metaCreds.verify_token);
          return void (r.ok ? res.writeHead(200, { 'content-type': 'text/plain' }).end(r.challenge) : res.writeHead(403).end());
        }
        const verdict = await verifyInboundWebhook({
          provider: channel.provider,
          channelId,
          request: { method: req.method ?? 'POST', url, headers: req.headers, rawBody: Buffer.concat(chunks) },
          secret: channel.secret,
          ...(token !== undefined ? { pathToken: token } : {}),
          replayGuard: guard,
        });
        if (!verdict.ok) return void res.writeHead(verdict.reason === 'replayed' ? 409 : 403).end();
        accepted.push({ channel: channelId, params: Object.fromEntries(verdict.params), ...(verdict.json !== undefined ? { json: verdict.json } : {}) });
        res.writeHead(204).end();
      })();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  hooks = `${origin}/webhooks`;
});

afterAll(async () => {
  await sim.close();
  await new Promise((r) => receiver.close(r));
});

describe('provider simulator: signed callbacks through the real verification', () => {
  it('Twilio: inbound call accepted; bad signature and tampering refused; replay detected', async () => {
    const params = twilioInboundCall({ accountSid: twilioCreds.account_sid, from: CALLEE, to: OUR_NUMBER });
    const first = await sim.sendTwilioCallback(`${hooks}/twilio/t1`, params, twilioCreds.auth_token);
    expect(first.status).toBe(204);
    expect(accepted.at(-1)).toMatchObject({ channel: 't1', params: { CallSid: params.CallSid, From: CALLEE } });
    expect((await sim.deliver(first.request)).status).toBe(409);
    expect((await sim.deliver(withBadSignature(first.request))).status).toBe(403);
    expect((await sim.deliver(withTamperedParam(first.request, 'From', '+15550000000'))).status).toBe(403);
    expect((await sim.sendTwilioCallback(`${hooks}/twilio/t1`, params, 'wrongAuthToken123')).status).toBe(403);
  });

  it('Twilio: a callback signed for one channel is refused at another channel URL', async () => {
    const cb = twilioCallback(`${hooks}/twilio/t1`, twilioInboundCall({ accountSid: twilioCreds.account_sid, from: CALLEE, to: OUR_NUMBER }), twilioCreds.auth_token);
    expect((await sim.deliver({ ...cb, url: `${hooks}/twilio/t2` })).status).toBe(404);
    expect((await sim.deliver({ ...cb, url: `${hooks}/twilio/t1?x=1` })).status).toBe(403);
  });

  it('Twilio JSON webhook (bodySHA256)', async () => {
    const res = await sim.sendTwilioJsonCallback(`${hooks}/twilio/t1`, { type: 'event', id: 'EV1' }, twilioCreds.auth_token);
    expect(res.status).toBe(204);
    expect(accepted.at(-1)?.json).toEqual({ type: 'event', id: 'EV1' });
  });

  it('Plivo: inbound message accepted; nonce replay detected; wrong token refused', async () => {
    const params = plivoInboundMessage({ from: CALLEE.slice(1), to: OUR_NUMBER.slice(1), text: 'hello' });
    const first = await sim.sendPlivoCallback(`${hooks}/plivo/p1`, params, plivoCreds.auth_token);
    expect(first.status).toBe(204);
    expect((await sim.deliver(first.request)).status).toBe(409);
    expect((await sim.sendPlivoCallback(`${hooks}/plivo/p1`, params, 'wrongPlivoToken1'))).toMatchObject({ status: 403 });
  });

  it('Meta: handshake, signed inbound message, replay and bad signature', async () => {
    const ok = await fetch(`${hooks}/meta/m1?hub.mode=subscribe&hub.verify_token=${metaCreds.verify_token}&hub.challenge=987654`);
    expect([ok.status, await ok.text()]).toEqual([200, '987654']);
    expect((await fetch(`${hooks}/meta/m1?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`)).status).toBe(403);

    const payload = metaInboundText({ phoneNumberId: metaCreds.phone_number_id, from: CALLEE.slice(1), text: 'hi' });
    const first = await sim.sendMetaCallback(`${hooks}/meta/m1`, payload, metaCreds.app_secret);
    expect(first.status).toBe(204);
    expect((await sim.deliver(first.request)).status).toBe(409);
    expect((await sim.deliver(withBadSignature(first.request))).status).toBe(403);
    expect((await sim.sendMetaCallback(`${hooks}/meta/m1`, payload, 'wrongAppSecret1'))).toMatchObject({ status: 403 });
  });
});

describe('provider simulator: placed calls and their status callbacks', () => {
  it.each([
    ['twilio', 't1', twilioCreds],
    ['plivo', 'p1', plivoCreds],
    ['exotel', 'e1', exotelCreds],
  ] as const)('%s: placeCall is recorded and its signed status callback verifies', async (provider, channel, creds) => {
    const client = createProviderClient(provider, { baseUrl: sim.baseUrls[provider] });
    const statusUrl = provider === 'exotel' ? `${hooks}/exotel/${channel}/${EXOTEL_TOKEN}` : `${hooks}/${provider}/${channel}`;
    const placed = await client.placeCall(creds, {
      from: OUR_NUMBER,
      to: CALLEE,
      callbackUrl: 'https://converse.example.com/voice/answer',
      statusCallbackUrl: statusUrl,
    });
    const call = sim.calls.find((c) => c.id === placed.providerCallId);
    expect(call?.provider).toBe(provider);
    const res = await sim.sendCallStatus(call!, 'completed');
    expect(res.status).toBe(204);
    expect((await sim.deliver(res.request)).status).toBe(409);
  });

  it('exotel: a wrong path token is refused', async () => {
    const res = await sim.sendExotelCallback(`${hooks}/exotel/e1/not-the-token`, { CallSid: 'x1', Status: 'completed' });
    expect(res.status).toBe(403);
  });

  it('logs REST requests without secrets', () => {
    const log = JSON.stringify(sim.requests);
    for (const s of [twilioCreds.auth_token, plivoCreds.auth_token, exotelCreds.api_token, metaCreds.access_token]) expect(log).not.toContain(s);
    expect(sim.requests.length).toBeGreaterThan(0);
  });
});
