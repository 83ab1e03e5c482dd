import type { Config } from './config.js';
import type { Database } from './platform/db/database.js';
import type { Logger } from './platform/log/logger.js';
import type { TokenService } from './platform/auth/tokens.js';
import type { RateLimiter } from './platform/http/rate-limit.js';
import type { SafeFetch } from './platform/outbound/index.js';
import type { Vault } from './platform/vault/envelope.js';
import type { WebSessionTokens } from './features/channels/session-token.js';

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
  /** Signs the web widget's short-lived WebSocket session tokens (channels/session-token.ts). */
  webSessions: WebSessionTokens;
}
