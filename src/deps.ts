import type { Config } from './config.js';
import type { Database } from './platform/db/database.js';
import type { Logger } from './platform/log/logger.js';
import type { TokenService } from './platform/auth/tokens.js';
import type { RateLimiter } from './platform/http/rate-limit.js';

/** Everything a service may need, built once by the entry point (or a test) and passed down explicitly. */
export interface Deps {
  config: Config;
  db: Database;
  log: Logger;
  tokens: TokenService;
  rateLimiter: RateLimiter;
}
