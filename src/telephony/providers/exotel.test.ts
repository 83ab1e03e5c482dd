import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProviderSim, type ProviderSim } from '../../../test/fakes/provider-sim/index.js';
import { CALLEE, OUR_NUMBER, errorSurface, exotelCreds, leakedSecrets, simAccounts } from '../../../test/fakes/provider-sim/fixtures.js';
import { createExotelClient } from './exotel.js';
import { ProviderError } from './provider-error.js';

let sim: ProviderSim;
beforeAll(async () => {
  sim = await startProviderSim({ accounts: simAccounts });
});
afterAll(() => sim.close());

const client = () => createExotelClient({ baseUrl: sim.baseUrls.exotel });

describe('Exotel client against the simulator', () => {
  it('verifies good credentials', async () => {
    expect(await client().verifyCredentials(exotelCreds)).toEqual({ accountId: exotelCreds.account_sid, name: 'Simulated account', status: 'active' });
  });

  it('rejects a wrong token, or a key used for another account', async () => {
    for (const bad of [{ ...exotelCreds, api_token: 'canaryExotelTokenWRONG' }, { ...exotelCreds, account_sid: 'someone-else' }]) {
      const err = await client().verifyCredentials(bad).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect(err).toMatchObject({ provider: 'exotel', status: 401 });
      expect(leakedSecrets(errorSurface(err))).toEqual([]);
    }
  });

  it('places a Calls/connect call: dials the callee first, shows our number', async () => {
    const placed = await client().placeCall(exotelCreds, {
      from: OUR_NUMBER,
      to: CALLEE,
      callbackUrl: 'https://my.exotel.com/converse-sim1/exoml/start_voice/123',
      statusCallbackUrl: 'https://converse.example.com/api/v1/webhooks/exotel/ch-1/tok',
    });
    expect(placed.status).toBe('in-progress');
    const call = sim.calls.find((c) => c.id === placed.providerCallId);
    expect(call).toMatchObject({ provider: 'exotel', from: OUR_NUMBER, to: CALLEE });
    expect(call?.params).toMatchObject({ From: CALLEE, CallerId: OUR_NUMBER, CallType: 'trans' });
  });

  it('sends an SMS the simulator records', async () => {
    const sent = await client().sendMessage(exotelCreds, { from: OUR_NUMBER, to: CALLEE, text: 'hi' });
    expect(sim.messages.find((m) => m.id === sent.providerMessageId)).toMatchObject({ provider: 'exotel', text: 'hi' });
  });

  it('defaults to the regional host from the credentials', async () => {
    const urls: string[] = [];
    const c = createExotelClient({
      fetch: async (url) => {
        urls.push(url);
        return { status: 200, ok: true, text: () => '{"Account":{}}' };
      },
    });
    await c.verifyCredentials(exotelCreds);
    expect(urls).toEqual(['https://api.in.exotel.com/v1/Accounts/converse-sim1']);
  });
});
