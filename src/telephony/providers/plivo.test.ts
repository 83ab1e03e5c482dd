import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProviderSim, type ProviderSim } from '../../../test/fakes/provider-sim/index.js';
import { CALLEE, OUR_NUMBER, errorSurface, leakedSecrets, plivoCreds, simAccounts } from '../../../test/fakes/provider-sim/fixtures.js';
import { createPlivoClient } from './plivo.js';
import { ProviderError } from './provider-error.js';

let sim: ProviderSim;
beforeAll(async () => {
  sim = await startProviderSim({ accounts: simAccounts });
});
afterAll(() => sim.close());

const client = () => createPlivoClient({ baseUrl: sim.baseUrls.plivo });

describe('Plivo client against the simulator', () => {
  it('verifies good credentials', async () => {
    expect(await client().verifyCredentials(plivoCreds)).toMatchObject({ accountId: plivoCreds.auth_id, name: 'Simulated account' });
  });

  it('rejects bad credentials; the simulator echoes them but the error does not', async () => {
    const wrong = { ...plivoCreds, auth_token: 'canaryPlivoAuthTokenWRONG' };
    const raw = await fetch(`${sim.baseUrls.plivo}/v1/Account/${wrong.auth_id}/`, {
      headers: { authorization: `Basic ${Buffer.from(`${wrong.auth_id}:${wrong.auth_token}`).toString('base64')}` },
    }).then((r) => r.text());
    expect(raw).toContain('canaryPlivoAuthTokenWRONG'); // the echo really happens

    const err = await client().verifyCredentials(wrong).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ provider: 'plivo', status: 401 });
    expect(errorSurface(err)).not.toContain('canaryPlivoAuthTokenWRONG');
    expect(leakedSecrets(errorSurface(err))).toEqual([]);
  });

  it('places a call the simulator records (numbers without "+")', async () => {
    const placed = await client().placeCall(plivoCreds, {
      from: OUR_NUMBER,
      to: CALLEE,
      callbackUrl: 'https://converse.example.com/voice/answer',
      statusCallbackUrl: 'https://converse.example.com/api/v1/webhooks/plivo/ch-1',
    });
    expect(sim.calls.find((c) => c.id === placed.providerCallId)).toMatchObject({
      provider: 'plivo',
      from: OUR_NUMBER.slice(1),
      to: CALLEE.slice(1),
      callbackUrl: 'https://converse.example.com/voice/answer',
      statusCallbackUrl: 'https://converse.example.com/api/v1/webhooks/plivo/ch-1',
    });
  });

  it('transfers a live call: the A leg fetches its new XML from aleg_url (the simulator fetches and records it)', async () => {
    const fetched: Array<{ url: string; method: string }> = [];
    const fetchSpy = (async (url: string, init: RequestInit) => {
      fetched.push({ url, method: String(init.method) });
      return new Response('<Response><Dial><Number>14155552671</Number></Dial></Response>', { status: 200, headers: { 'content-type': 'application/xml' } });
    }) as typeof fetch;
    const own = await startProviderSim({ accounts: simAccounts, fetch: fetchSpy });
    try {
      const aleg = 'https://converse.example.com/api/v1/webhooks/plivo/ch-1?call_id=c-1&event=transfer';
      await createPlivoClient({ baseUrl: own.baseUrls.plivo }).transferCall!(plivoCreds, { providerCallId: 'call-uuid-1', to: CALLEE, instructionsUrl: aleg });
      expect(own.requests.at(-1)).toEqual({ provider: 'plivo', method: 'POST', path: `/v1/Account/${plivoCreds.auth_id}/Call/call-uuid-1/`, status: 202 });
      expect(own.updates[0]).toMatchObject({ provider: 'plivo', callId: 'call-uuid-1', params: { legs: 'aleg', aleg_url: aleg, aleg_method: 'POST' }, dialed: ['14155552671'] });
      expect(fetched).toEqual([{ url: aleg, method: 'POST' }]);
      const refused = await createPlivoClient({ baseUrl: own.baseUrls.plivo }).transferCall!(plivoCreds, { providerCallId: 'x', to: CALLEE, instructionsUrl: 'ftp://plain.example/x' }).catch((e: unknown) => e);
      expect(refused).toMatchObject({ provider: 'plivo', code: 'invalid_callback_url' }); // refused before any request
    } finally {
      await own.close();
    }
  });

  it('sends a message the simulator records', async () => {
    const sent = await client().sendMessage(plivoCreds, { from: OUR_NUMBER, to: CALLEE, text: 'namaste' });
    expect(sim.messages.find((m) => m.id === sent.providerMessageId)).toMatchObject({ provider: 'plivo', text: 'namaste' });
  });

  it('scrubs an error body (string or object) that echoes the credential', async () => {
    sim.failNext('plivo', 400, { api_id: 'x', error: { to: `bad number for token ${plivoCreds.auth_token}` } });
    const err = await client().sendMessage(plivoCreds, { from: OUR_NUMBER, to: CALLEE, text: 'x' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, retryable: false });
    expect((err as Error).message).toContain('bad number for token');
    expect(leakedSecrets(errorSurface(err))).toEqual([]);
  });
});
