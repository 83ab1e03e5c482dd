import type { FastifyInstance } from 'fastify';
import { createLogger } from '../../src/platform/log/logger.js';
import type { Keyring } from '../../src/platform/vault/keyring.js';
import { call } from '../helpers/api.js';
import { createTestApp, type TestApp, type TestDb } from '../helpers/harness.js';
import { startProviderSim, type ProviderSim, type SimAccounts } from '../fakes/provider-sim/index.js';
import { simAccounts } from '../fakes/provider-sim/fixtures.js';

/** The public URL providers are told to call. Deliberately NOT where the test app listens. */
export const PUBLIC_URL = 'https://hooks.converse.test';

export interface ChannelsHarness {
  t: TestApp;
  sim: ProviderSim;
  /** Every log line the app wrote (debug and up), for canary checks. */
  logs: string[];
  close(): Promise<void>;
}

/** A test app whose provider clients talk to a local provider simulator, with captured logs. */
export async function startChannelsHarness(opts: { testDb?: TestDb; keyring?: Keyring; accounts?: SimAccounts } = {}): Promise<ChannelsHarness> {
  const sim = await startProviderSim({ accounts: opts.accounts ?? simAccounts });
  const logs: string[] = [];
  const log = createLogger('debug', { write: (line: string) => void logs.push(line) });
  const t = await createTestApp({
    log,
    ...(opts.testDb ? { testDb: opts.testDb } : {}),
    ...(opts.keyring ? { keyring: opts.keyring } : {}),
    config: { publicUrl: PUBLIC_URL, allowPrivateNetwork: true, providerBaseUrls: sim.baseUrls },
  });
  return {
    t,
    sim,
    logs,
    close: async () => {
      await t.close();
      await sim.close();
    },
  };
}

export async function createAgent(app: FastifyInstance, token: string, name = 'Receptionist'): Promise<string> {
  const res = await call(app, { method: 'POST', url: '/agents', token, body: { name } });
  if (res.statusCode !== 201) throw new Error(`agent: ${res.statusCode} ${res.body}`);
  return res.json().id as string;
}

export async function createChannel(app: FastifyInstance, token: string, body: Record<string, unknown>): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await call(app, { method: 'POST', url: '/channels', token, body });
  if (res.statusCode !== 201) throw new Error(`channel: ${res.statusCode} ${res.body}`);
  return res.json();
}
