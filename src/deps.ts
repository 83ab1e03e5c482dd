import type { Config } from './config.js';
import type { Database } from './platform/db/database.js';
import type { Logger } from './platform/log/logger.js';
import { createPgNotifier, type Notifier } from './platform/db/notify.js';
import { createTokenService, type TokenService } from './platform/auth/tokens.js';
import { createRateLimiter, type RateLimiter } from './platform/http/rate-limit.js';
import { createSafeFetch, type SafeFetch } from './platform/outbound/index.js';
import type { Vault } from './platform/vault/envelope.js';
import { createDbVault } from './platform/vault/db-store.js';
import { deriveKey, type Keyring } from './platform/vault/keyring.js';
import { createWebSessionTokens, WEB_SESSION_KEY_PURPOSE, type WebSessionTokens } from './platform/auth/session-tokens.js';

/** Everything a service may need, built once by the entry point (or a test) and passed down explicitly. */
export interface Deps {
  config: Config;
  db: Database;
  log: Logger;
  tokens: TokenService;
  rateLimiter: RateLimiter;
  /** SSRF-guarded outbound HTTP (platform/outbound): the one client for tenant-influenced URLs. */
  safeFetch: SafeFetch;
  /** Envelope encryption of tenant secrets. Never call it inside a withOrg transaction (see vault/db-store.ts). */
  vault: Vault;
  /** Signs short-lived web-session tokens (platform/auth/session-tokens.ts; the widget's claims: channels/session-token.ts). */
  webSessions: WebSessionTokens;
  /**
   * The cross-process fan-out (platform/db/notify.ts) in PostgreSQL mode; null in embedded mode (one
   * process) or without a notify URL. It connects on first use; whoever closes the database closes it.
   */
  notify: Notifier | null;
}

export const ACCESS_TOKEN_KEY_PURPOSE = 'access-token-signing:v1';

/**
 * The one way to assemble Deps (the runtime and the test harness both use it): every key is derived
 * from the keyring, every client built from the config. `overrides` replaces any part (tests, benchmarks).
 */
export function buildDeps(input: { config: Config; db: Database; keyring: Keyring; log: Logger } & Partial<Deps>): Deps {
  const { config, db, keyring, log, ...overrides } = input;
  return {
    config,
    db,
    log,
    tokens: createTokenService({
      signingSeed: deriveKey(keyring, ACCESS_TOKEN_KEY_PURPOSE),
      issuer: 'converse',
      audience: 'converse-api',
      ttlSeconds: config.accessTokenTtlSeconds,
    }),
    rateLimiter: createRateLimiter(),
    safeFetch: createSafeFetch({ allowPrivateNetwork: config.allowPrivateNetwork }),
    vault: createDbVault({ keyring, db }),
    webSessions: createWebSessionTokens(deriveKey(keyring, WEB_SESSION_KEY_PURPOSE)),
    notify: db.mode === 'postgres' && config.notifyDatabaseUrl ? createPgNotifier({ url: config.notifyDatabaseUrl, log }) : null,
    ...overrides,
  };
}
