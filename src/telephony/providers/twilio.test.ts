import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProviderSim, type ProviderSim } from '../../../test/fakes/provider-sim/index.js';
import { CALLEE, OUR_NUMBER, errorSurface, leakedSecrets, simAccounts, twilioCreds } from '../../../test/fakes/provider-sim/fixtures.js';
import { ProviderError } from './provider-error.js';
import { createTwilioClient } from './twilio.js';

let sim: ProviderSim;
beforeAll(async () => {
  sim = await startProviderSim({ accounts: simAccounts });
});
afterAll(() => sim.close());

const client = () => createTwilioClient({ baseUrl: sim.baseUrls.twilio });
const badCreds = { ...twilioCreds, auth_token: 'canaryTwilioAuthTokenWRONG' };

describe('Twilio client against the simulator', () => {
  it('verifies good credentials', async () => {
    expect(await client().verifyCredentials(twilioCreds)).toEqual({ accountId: twilioCreds.account_sid, name: 'Simulated account', status: 'active' });
  });

  it('rejects bad credentials with a ProviderError that carries no credential text', async () => {
    const err = await client().verifyCredentials(badCreds).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ provider: 'twilio', status: 401, code: '20003' });
    expect(leakedSecrets(errorSurface(err))).toEqual([]);
    expect(errorSurface(err)).not.toContain('canaryTwilioAuthTokenWRONG');
  });

  it('places a call the simulator records', async () => {
    const placed = await client().placeCall(twilioCreds, {
      from: OUR_NUMBER,
      to: CALLEE,
      callbackUrl: 'https://converse.example.com/voice/answer',
      statusCallbackUrl: 'https://converse.example.com/api/v1/webhooks/twilio/ch-1',
      ringTimeoutSec: 25,
    });
    expect(placed.providerCallId).toMatch(/^CA[0-9a-f]{32}$/);
    const call = sim.calls.find((c) => c.id === placed.providerCallId);
    expect(call).toMatchObject({ provider: 'twilio', accountId: twilioCreds.account_sid, from: OUR_NUMBER, to: CALLEE, callbackUrl: 'https://converse.example.com/voice/answer' });
    expect(call?.params.StatusCallbackEvent).toEqual(['initiated', 'ringing', 'answered', 'completed']);
    expect(call?.params.Timeout).toBe('25');
  });

  it('sends a message the simulator records', async () => {
    const sent = await client().sendMessage(twilioCreds, { from: OUR_NUMBER, to: CALLEE, text: 'hello' });
    expect(sim.messages.find((m) => m.id === sent.providerMessageId)).toMatchObject({ from: OUR_NUMBER, to: CALLEE, text: 'hello' });
  });

  it('scrubs a non-auth error body that echoes the credential', async () => {
    sim.failNext('twilio', 500, { code: 20500, message: `Internal error for ${twilioCreds.account_sid}:${twilioCreds.auth_token}`, status: 500 });
    const err = await client().verifyCredentials(twilioCreds).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 500, code: '20500', retryable: true });
    expect((err as Error).message).toContain('Internal error for');
    expect(leakedSecrets(errorSurface(err))).toEqual([]);
  });

  it('refuses invalid numbers and callback URLs before calling out', async () => {
    const before = sim.requests.length;
    await expect(client().placeCall(twilioCreds, { from: OUR_NUMBER, to: '12345', callbackUrl: 'https://x.example' })).rejects.toMatchObject({ code: 'invalid_phone_number' });
    await expect(client().placeCall(twilioCreds, { from: OUR_NUMBER, to: CALLEE, callbackUrl: 'ftp://x' })).rejects.toMatchObject({ code: 'invalid_callback_url' });
    expect(sim.requests.length).toBe(before);
  });

  it('reports network failures without details', async () => {
    const err = await createTwilioClient({ baseUrl: 'http://127.0.0.1:1' }).verifyCredentials(twilioCreds).catch((e: unknown) => e);
    expect(err).toMatchObject({ provider: 'twilio', status: 0, code: 'network_error', retryable: true });
    expect(leakedSecrets(errorSurface(err))).toEqual([]);
  });

  it('uses the injected fetch and sends credentials only in the Authorization header', async () => {
    const seen: Array<{ url: string; auth: string | undefined }> = [];
    const spy = createTwilioClient({
      baseUrl: sim.baseUrls.twilio,
      fetch: (url, init) => {
        seen.push({ url, auth: init.headers.authorization });
        return fetch(url, init);
      },
    });
    await spy.verifyCredentials(twilioCreds);
    expect(seen).toHaveLength(1);
    expect(leakedSecrets(seen[0]!.url)).toEqual([]);
    expect(seen[0]!.auth).toBe(`Basic ${Buffer.from(`${twilioCreds.account_sid}:${twilioCreds.auth_token}`).toString('base64')}`);
  });
});
