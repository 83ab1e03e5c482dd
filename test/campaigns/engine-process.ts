/**
 * A campaign engine as its own process, for the kill -9 test (run with tsx). Everything comes from the
 * environment: the PostgreSQL URL, the test's master key, the provider API base URL, the orgs to serve.
 * Prints one JSON line {"msg":"engine started"} when it runs.
 */
import { loadConfig } from '../../src/config.js';
import { buildDeps } from '../../src/deps.js';
import { createDatabase } from '../../src/platform/db/database.js';
import { createPostgresDriver } from '../../src/platform/db/driver.js';
import { createLogger } from '../../src/platform/log/logger.js';
import { parseKeyring } from '../../src/platform/vault/keyring.js';
import { createCampaignEngine } from '../../src/pipeline/campaigns/engine.js';
import { runtimeLoginFrom } from '../../src/runtime.js';

const env = process.env;
const url = env.ENGINE_DATABASE_URL!;
const db = createDatabase(createPostgresDriver(url, { max: 4 }), runtimeLoginFrom(url).user);
const config = loadConfig({ LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv, {
  publicUrl: env.ENGINE_PUBLIC_URL!,
  allowPrivateNetwork: true,
  providerBaseUrls: { twilio: env.ENGINE_TWILIO_BASE! },
});
const deps = buildDeps({ config, db, keyring: parseKeyring(env.ENGINE_KEY!, 'test key'), log: createLogger('silent') });
const engine = createCampaignEngine(deps, {
  pollIntervalMs: Number(env.ENGINE_POLL_MS ?? 20),
  dialingTimeoutSeconds: Number(env.ENGINE_DIALING_TIMEOUT ?? 120),
  onlyOrgs: new Set(env.ENGINE_ORGS!.split(',')),
});
engine.start();
process.stdout.write(`${JSON.stringify({ msg: 'engine started', id: engine.id })}\n`);
