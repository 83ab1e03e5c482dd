import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * The only reader of process.env. Everything else receives a Config (or a slice of it) as an argument,
 * so tests can build the app with overrides.
 */
const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  CONVERSE_HOME: z.string().min(1).default('./.converse'),
  DATABASE_URL: z.string().url().optional(),
  MIGRATION_DATABASE_URL: z.string().url().optional(),
  CONVERSE_NOTIFY_DATABASE_URL: z.string().url().optional(),
  CONVERSE_MASTER_KEY: z.string().min(1).optional(),
  CONVERSE_MASTER_KEY_FILE: z.string().min(1).optional(),
  LOG_LEVEL: LogLevel.default('info'),
  CONVERSE_ALLOW_PRIVATE_NETWORK: bool,
  CONVERSE_PUBLIC_URL: z.string().url().optional(),
  CONVERSE_DB_POOL_MAX: z.coerce.number().int().min(1).max(500).default(20),
  CONVERSE_DB_PREPARED_STATEMENTS: z.enum(['true', 'false']).default('true'),
  CONVERSE_DB_PIPELINE: z.enum(['true', 'false']).default('true'),
  CONVERSE_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  CONVERSE_UPLOAD_LIMIT_BYTES: z.coerce.number().int().min(1024).default(25 * 1024 * 1024),
  CONVERSE_BODY_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  CONVERSE_RATE_LIMIT_PER_ORG: z.coerce.number().int().min(1).default(1200),
  CONVERSE_RATE_LIMIT_PER_IP: z.coerce.number().int().min(1).default(300),
  CONVERSE_AUTH_RATE_LIMIT_PER_IP: z.coerce.number().int().min(1).default(30),
  CONVERSE_TRUST_PROXY: bool,
  CONVERSE_WORKER_IN_PROCESS: z.enum(['true', 'false', 'auto']).default('auto'),
  CONVERSE_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  CONVERSE_JOB_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).default(30),
  // JSON, e.g. {"twilio":"http://127.0.0.1:4010/twilio"}: points provider API clients at a simulator.
  CONVERSE_PROVIDER_BASE_URLS: z.string().min(2).optional(),
  CONVERSE_LLM_KIND: z.enum(['openai', 'openai_compatible', 'google', 'anthropic']).optional(),
  CONVERSE_LLM_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  CONVERSE_LLM_API_KEY: z.string().min(1).optional(),
  CONVERSE_LLM_MODEL: z.string().min(1).max(200).optional(),
  CONVERSE_EMBEDDINGS_URL: z.string().url().optional(),
  CONVERSE_EMBEDDINGS_MODEL: z.string().min(1).max(200).optional(),
  CONVERSE_EMBEDDINGS_API_KEY: z.string().min(1).optional(),
  // Client commands (`converse chat`): where the server is and how to sign in.
  CONVERSE_URL: z.string().url().optional(),
  CONVERSE_API_KEY: z.string().min(1).optional(),
  CONVERSE_EMAIL: z.string().min(1).optional(),
  CONVERSE_PASSWORD: z.string().min(1).optional(),
  CONVERSE_DOCUMENT_MAX_DECODED_BYTES: z.coerce.number().int().min(1024 * 1024).default(256 * 1024 * 1024),
  CONVERSE_DOCUMENT_MAX_STREAM_BYTES: z.coerce.number().int().min(1024 * 1024).default(64 * 1024 * 1024),
  CONVERSE_DOCUMENT_PARSER_MEMORY_MB: z.coerce.number().int().min(256).max(65536).default(1024),
  CONVERSE_METRICS_TOKEN: z.string().min(24, 'at least 24 characters (e.g. openssl rand -hex 24)').optional(),
  CONVERSE_WIDGET_MAX_FRAME_BYTES: z.coerce.number().int().min(1024).max(1_048_576).default(16_384),
  CONVERSE_WIDGET_MESSAGES_PER_MINUTE: z.coerce.number().int().min(1).max(6000).default(30),
  CONVERSE_WIDGET_MESSAGE_BURST: z.coerce.number().int().min(1).max(1000).default(10),
  CONVERSE_WIDGET_IDLE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  CONVERSE_WIDGET_RESUME_SECONDS: z.coerce.number().int().min(1).max(86_400).default(120),
  CONVERSE_WIDGET_MAX_CONNECTIONS_PER_CHANNEL: z.coerce.number().int().min(1).max(1_000_000).default(500),
});

export type LogLevelName = z.infer<typeof LogLevel>;

export interface Config {
  port: number;
  host: string;
  home: string;
  /** Absolute folder of the embedded database (PGlite mode only). */
  embeddedDbDir: string;
  /** Folder for generated development keys: never inside the database folder. */
  keysDir: string;
  databaseUrl: string | undefined;
  migrationDatabaseUrl: string | undefined;
  /**
   * The listening connection of the cross-process fan-out (platform/db/notify.ts): PostgreSQL mode only,
   * default DATABASE_URL; must reach PostgreSQL directly (not PgBouncer in transaction mode).
   */
  notifyDatabaseUrl: string | undefined;
  masterKey: string | undefined;
  masterKeyFile: string | undefined;
  logLevel: LogLevelName;
  allowPrivateNetwork: boolean;
  publicUrl: string | undefined;
  dbPoolMax: number;
  /** Named (prepared) statements on PostgreSQL; turn off behind PgBouncer < 1.21 in transaction mode. */
  dbPreparedStatements: boolean;
  /** Send BEGIN, the context statement and a transaction's first query in one round trip. */
  dbPipeline: boolean;
  bodyLimitBytes: number;
  uploadLimitBytes: number;
  /** A JSON body must arrive within this time (408 otherwise). */
  bodyTimeoutMs: number;
  rateLimit: { perOrgPerMinute: number; perIpPerMinute: number; authPerIpPerMinute: number };
  trustProxy: boolean;
  /** Run background jobs inside `serve` (default: yes in embedded mode, no with PostgreSQL). */
  workerInProcess: boolean;
  workerConcurrency: number;
  /** A job claim lasts this long unless its worker renews it: how soon a dead worker's job runs again. */
  jobLeaseSeconds: number;
  /** Provider API base URLs overriding the real ones (development/tests: the provider simulator). */
  providerBaseUrls: Partial<Record<'twilio' | 'plivo' | 'exotel' | 'meta', string>>;
  /** The server-wide default language model (agents without a provider); unset = offline responder. */
  defaultLlm: DefaultLlm | undefined;
  /** OpenAI-compatible /embeddings endpoint for knowledge vector search; unset = full-text search only. */
  embeddings: { url: string; model: string; apiKey: string | undefined } | undefined;
  /** Caps on what an uploaded PDF/DOCX may decompress to, and on its parser process's memory. */
  documentLimits: { maxDecodedBytes: number; maxDecodedStreamBytes: number; parserMemoryMb: number };
  /** Bearer token GET /metrics requires; unset = /metrics is not served (404). */
  metricsToken: string | undefined;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  inviteTtlSeconds: number;
  /** Web widget WebSocket limits (docs/widget.md "Limits"). */
  widget: WidgetLimits;
  /** The built web console served at `/` (console/dist; `npm run console:build`). */
  consoleDir: string;
  /** For client commands (`converse chat`): the server's URL and credentials. */
  client: { url: string | undefined; apiKey: string | undefined; email: string | undefined; password: string | undefined };
}

export interface WidgetLimits {
  /** Largest client frame; a bigger one closes the connection (1009). */
  maxFrameBytes: number;
  /** Token bucket per connection: refill per minute and capacity. */
  messagesPerMinute: number;
  messageBurst: number;
  /** A connection with no client frame for this long is closed and its session ended. */
  idleSeconds: number;
  /** A dropped connection's session waits this long for a resume, then is ended. */
  resumeSeconds: number;
  /** Open connections per channel (per process). */
  maxConnectionsPerChannel: number;
}

export interface DefaultLlm {
  kind: 'openai' | 'openai_compatible' | 'google' | 'anthropic';
  baseUrl: string | undefined;
  apiKey: string | undefined;
  model: string;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const home = path.resolve(e.CONVERSE_HOME);
  const config: Config = {
    port: e.PORT,
    host: e.HOST,
    home,
    embeddedDbDir: path.join(home, 'db'),
    keysDir: path.join(home, 'keys'),
    databaseUrl: e.DATABASE_URL,
    migrationDatabaseUrl: e.MIGRATION_DATABASE_URL,
    notifyDatabaseUrl: e.DATABASE_URL ? (e.CONVERSE_NOTIFY_DATABASE_URL ?? e.DATABASE_URL) : undefined,
    masterKey: e.CONVERSE_MASTER_KEY,
    masterKeyFile: e.CONVERSE_MASTER_KEY_FILE,
    logLevel: e.LOG_LEVEL,
    allowPrivateNetwork: e.CONVERSE_ALLOW_PRIVATE_NETWORK,
    publicUrl: e.CONVERSE_PUBLIC_URL,
    dbPoolMax: e.CONVERSE_DB_POOL_MAX,
    dbPreparedStatements: e.CONVERSE_DB_PREPARED_STATEMENTS === 'true',
    dbPipeline: e.CONVERSE_DB_PIPELINE === 'true',
    bodyLimitBytes: e.CONVERSE_BODY_LIMIT_BYTES,
    uploadLimitBytes: e.CONVERSE_UPLOAD_LIMIT_BYTES,
    bodyTimeoutMs: e.CONVERSE_BODY_TIMEOUT_MS,
    rateLimit: {
      perOrgPerMinute: e.CONVERSE_RATE_LIMIT_PER_ORG,
      perIpPerMinute: e.CONVERSE_RATE_LIMIT_PER_IP,
      authPerIpPerMinute: e.CONVERSE_AUTH_RATE_LIMIT_PER_IP,
    },
    trustProxy: e.CONVERSE_TRUST_PROXY,
    workerInProcess: e.CONVERSE_WORKER_IN_PROCESS === 'auto' ? !e.DATABASE_URL : e.CONVERSE_WORKER_IN_PROCESS === 'true',
    workerConcurrency: e.CONVERSE_WORKER_CONCURRENCY,
    jobLeaseSeconds: e.CONVERSE_JOB_LEASE_SECONDS,
    providerBaseUrls: parseProviderBaseUrls(e.CONVERSE_PROVIDER_BASE_URLS),
    defaultLlm: parseDefaultLlm(e),
    embeddings: e.CONVERSE_EMBEDDINGS_URL
      ? { url: e.CONVERSE_EMBEDDINGS_URL, model: e.CONVERSE_EMBEDDINGS_MODEL ?? 'text-embedding-3-small', apiKey: e.CONVERSE_EMBEDDINGS_API_KEY }
      : undefined,
    documentLimits: {
      maxDecodedBytes: e.CONVERSE_DOCUMENT_MAX_DECODED_BYTES,
      maxDecodedStreamBytes: e.CONVERSE_DOCUMENT_MAX_STREAM_BYTES,
      parserMemoryMb: e.CONVERSE_DOCUMENT_PARSER_MEMORY_MB,
    },
    metricsToken: e.CONVERSE_METRICS_TOKEN,
    accessTokenTtlSeconds: 15 * 60,
    refreshTokenTtlSeconds: 30 * 24 * 3600,
    inviteTtlSeconds: 7 * 24 * 3600,
    widget: {
      maxFrameBytes: e.CONVERSE_WIDGET_MAX_FRAME_BYTES,
      messagesPerMinute: e.CONVERSE_WIDGET_MESSAGES_PER_MINUTE,
      messageBurst: e.CONVERSE_WIDGET_MESSAGE_BURST,
      idleSeconds: e.CONVERSE_WIDGET_IDLE_SECONDS,
      resumeSeconds: e.CONVERSE_WIDGET_RESUME_SECONDS,
      maxConnectionsPerChannel: e.CONVERSE_WIDGET_MAX_CONNECTIONS_PER_CHANNEL,
    },
    consoleDir: fileURLToPath(new URL('../console/dist', import.meta.url)),
    client: { url: e.CONVERSE_URL, apiKey: e.CONVERSE_API_KEY, email: e.CONVERSE_EMAIL, password: e.CONVERSE_PASSWORD },
    ...overrides,
  };
  if (config.accessTokenTtlSeconds > 15 * 60) throw new ConfigError('access tokens may live at most 15 minutes');
  return config;
}

const ProviderBaseUrls = z.strictObject({ twilio: z.url(), plivo: z.url(), exotel: z.url(), meta: z.url() }).partial();

function parseProviderBaseUrls(raw: string | undefined): Config['providerBaseUrls'] {
  if (raw === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ConfigError('Invalid configuration:\n  CONVERSE_PROVIDER_BASE_URLS: must be a JSON object of provider → URL');
  }
  const parsed = ProviderBaseUrls.safeParse(value);
  if (!parsed.success) throw new ConfigError('Invalid configuration:\n  CONVERSE_PROVIDER_BASE_URLS: keys twilio, plivo, exotel, meta with URL values');
  return Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) as Config['providerBaseUrls'];
}

/** Default models when CONVERSE_LLM_MODEL is unset (small, cheap, fast: a phone turn wants latency). */
const DEFAULT_LLM_MODELS = { openai: 'gpt-4o-mini', anthropic: 'claude-3-5-haiku-latest', google: 'gemini-2.0-flash' } as const;

function parseDefaultLlm(e: z.infer<typeof EnvSchema>): DefaultLlm | undefined {
  if (!e.CONVERSE_LLM_KIND && !e.CONVERSE_LLM_BASE_URL && !e.CONVERSE_LLM_API_KEY && !e.CONVERSE_LLM_MODEL) return undefined;
  const kind = e.CONVERSE_LLM_KIND ?? (e.CONVERSE_LLM_BASE_URL ? 'openai_compatible' : 'openai');
  const fail = (m: string) => new ConfigError(`Invalid configuration:\n  ${m}`);
  if (kind === 'openai_compatible' && !e.CONVERSE_LLM_BASE_URL) throw fail('CONVERSE_LLM_BASE_URL: required when CONVERSE_LLM_KIND is openai_compatible');
  if (kind === 'openai_compatible' && !e.CONVERSE_LLM_MODEL) throw fail('CONVERSE_LLM_MODEL: required when CONVERSE_LLM_KIND is openai_compatible');
  if (kind !== 'openai_compatible' && !e.CONVERSE_LLM_API_KEY) throw fail(`CONVERSE_LLM_API_KEY: required when CONVERSE_LLM_KIND is ${kind}`);
  const model = e.CONVERSE_LLM_MODEL ?? DEFAULT_LLM_MODELS[kind as keyof typeof DEFAULT_LLM_MODELS];
  return { kind, baseUrl: e.CONVERSE_LLM_BASE_URL, apiKey: e.CONVERSE_LLM_API_KEY, model };
}
