import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProviderSim, type ProviderSim } from '../../../test/fakes/provider-sim/index.js';
import { CALLEE, OUR_NUMBER, errorSurface, leakedSecrets, metaCreds, simAccounts } from '../../../test/fakes/provider-sim/fixtures.js';
import { createMetaClient } from './meta.js';
import { ProviderError } from './provider-error.js';

let sim: ProviderSim;
beforeAll(async () => {
  sim = await startProviderSim({ accounts: simAccounts });
});
afterAll(() => sim.close());

const client = () => createMetaClient({ baseUrl: sim.baseUrls.meta });

describe('Meta WhatsApp client against the simulator', () => {
  it('verifies good credentials', async () => {
    expect(await client().verifyCredentials(metaCreds)).toEqual({ accountId: metaCreds.phone_number_id, name: 'Simulated Business' });
  });

  it('rejects a bad token; the Graph-style echo of the token never reaches the error', async () => {
    const wrong = { ...metaCreds, access_token: 'EAAcanaryMetaTokenWRONG123' };
    const err = await client().verifyCredentials(wrong).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ provider: 'meta', status: 401, code: '190' });
    expect(errorSurface(err)).not.toContain('EAAcanaryMetaTokenWRONG123');
    expect(leakedSecrets(errorSurface(err))).toEqual([]);
  });

  it('scrubs a partial token echo in a non-auth error', async () => {
    sim.failNext('meta', 400, { error: { message: `(#100) bad token ${metaCreds.access_token.slice(0, 20)}...`, code: 100 } });
    const err = await client().sendMessage(metaCreds, { from: OUR_NUMBER, to: CALLEE, text: 'x' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, code: '100' });
    expect((err as Error).message).not.toContain(metaCreds.access_token.slice(0, 20));
  });

  it('sends a text message the simulator records', async () => {
    const sent = await client().sendMessage(metaCreds, { from: OUR_NUMBER, to: CALLEE, text: 'hello from whatsapp' });
    expect(sent.providerMessageId).toMatch(/^wamid\./);
    expect(sim.messages.find((m) => m.id === sent.providerMessageId)).toMatchObject({ provider: 'meta', to: CALLEE.slice(1), text: 'hello from whatsapp' });
  });

  it('does not support outbound calls', async () => {
    expect(client().capabilities.voice).toBe(false);
    await expect(client().placeCall(metaCreds, { from: OUR_NUMBER, to: CALLEE, callbackUrl: 'https://x.example' })).rejects.toMatchObject({
      code: 'unsupported_operation',
    });
  });
});
