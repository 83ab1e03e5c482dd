/**
 * A campaign engine as its own process, for the kill -9 test (run with tsx). Everything comes from the
 * environment: the PostgreSQL URL, the test's master key, the provider API base URL, the orgs to serve,
 * optionally the notification channel that wakes it.
 * Prints one JSON line {"msg":"engine started"} when it runs.
 */
import { loadConfig } from '../../src/config.js';
import { buildDeps } from '../../src/deps.js';
import { createDatabase } from '../../src/platform/db/database.js';
import { createPostgresDriver } from '../../src/platform/db/driver.js';
import { createPgNotifier } from '../../src/platform/db/notify.js';
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
const log = createLogger('silent');
// ENGINE_NOTIFY_CHANNEL: the test's own notification channel, on which campaign starts wake this engine.
const notify = env.ENGINE_NOTIFY_CHANNEL ? { notify: createPgNotifier({ url, log, channel: env.ENGINE_NOTIFY_CHANNEL }) } : {};
const deps = buildDeps({ config, db, keyring: parseKeyring(env.ENGINE_KEY!, 'test key'), log, ...notify });
const engine = createCampaignEngine(deps, {
  pollIntervalMs: Number(env.ENGINE_POLL_MS ?? 20),
  dialingTimeoutSeconds: Number(env.ENGINE_DIALING_TIMEOUT ?? 120),
  onlyOrgs: new Set(env.ENGINE_ORGS!.split(',')),
});
engine.start();
if (deps.notify && !(await deps.notify.ready(10_000))) throw new Error('engine process: the notification channel is not listening');
process.stdout.write(`${JSON.stringify({ msg: 'engine started', id: engine.id })}\n`);
