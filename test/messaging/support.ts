import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { allJobs } from '../../src/jobs.js';
import { messagingSettled } from '../../src/pipeline/messaging/transport.js';
import { createWorker } from '../../src/platform/jobs/index.js';
import { call } from '../helpers/api.js';
import { createTestApp, type TestApp } from '../helpers/harness.js';
import { startProviderSim, type ProviderSim } from '../fakes/provider-sim/index.js';
import { simAccounts } from '../fakes/provider-sim/fixtures.js';
import { PUBLIC_URL } from '../channels/support.js';

export interface MessagingHarness {
  t: TestApp;
  sim: ProviderSim;
  /** Runs due jobs until none is left, then waits for the replies they caused to reach the simulator. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The app listening on 127.0.0.1 with a public URL that providers sign for; the simulator's callbacks
 * are rewritten to the local port on the way, as a reverse proxy would. Provider APIs point at the
 * simulator.
 */
export async function startMessagingHarness(accounts = simAccounts): Promise<MessagingHarness> {
  let local = '';
  const viaProxy = ((url: string, init: RequestInit) => fetch(url.replace(PUBLIC_URL, local), init)) as typeof fetch;
  const sim = await startProviderSim({ accounts, fetch: viaProxy });
  const t = await createTestApp({ config: { publicUrl: PUBLIC_URL, allowPrivateNetwork: true, providerBaseUrls: sim.baseUrls } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  local = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  const worker = createWorker(t.deps, allJobs, { concurrency: 2 });
  return {
    t,
    sim,
    async settle() {
      while ((await worker.runOnce()) > 0) await messagingSettled(t.deps);
      await messagingSettled(t.deps);
    },
    close: async () => {
      await worker.stop();
      await t.close();
      await sim.close();
    },
  };
}

export async function created(app: FastifyInstance, token: string, url: string, body: unknown): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await call(app, { method: 'POST', url, token, body });
  if (res.statusCode !== 201) throw new Error(`POST ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

const edges = (chain: string[]) => chain.map((e) => ({ id: e, source: e.split(':')[0], target: e.split(':')[1] }));

/** Asks a name, texts a confirmation (send_message node), asks what is needed, says goodbye. */
export const bookingFlow = {
  name: 'SMS booking',
  nodes: [
    { id: 'start', type: 'entry', data: {} },
    { id: 'hello', type: 'speak', data: { text: 'Hi from Acme.' } },
    { id: 'ask', type: 'collect', data: { variable: 'name', prompt: 'What is your name?', validation: 'free_text' } },
    { id: 'note', type: 'send_message', data: { text: 'Thanks, {{name}}: noted.' } },
    { id: 'need', type: 'collect', data: { variable: 'need', prompt: 'What can I do for you, {{name}}?', validation: 'free_text' } },
    { id: 'bye', type: 'end_call', data: { message: 'Booked. Bye {{name}}.' } },
  ],
  variables: [{ name: 'name' }, { name: 'need' }],
  edges: edges(['start:hello', 'hello:ask', 'ask:note', 'note:need', 'need:bye']),
};
