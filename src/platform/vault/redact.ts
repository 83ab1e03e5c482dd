/**
 * What may be shown about secrets, and what the logger must hide.
 * API responses show `configured: true` plus, for non-secret identifiers only (an account SID, a phone
 * number, a key *id*), `secretHint(value)`. Never call secretHint on a password, token or API key.
 */

/** `…` + last 4 characters; just `…` for values under 8 characters (too short to hint safely). */
export function secretHint(value: string): string {
  const chars = [...value]; // by code point, never split a surrogate pair
  return chars.length < 8 ? '…' : '…' + chars.slice(-4).join('');
}

/** Exact (normalized) field names the logger must redact wherever they appear. */
export const REDACT_FIELD_NAMES: readonly string[] = [
  'authorization', 'proxyauthorization', 'cookie', 'setcookie', 'xapikey', 'apikey', 'password', 'passphrase',
  'secret', 'clientsecret', 'token', 'accesstoken', 'refreshtoken', 'idtoken', 'authtoken', 'bearer',
  'credentials', 'credential', 'privatekey', 'masterkey', 'plaintext', 'ciphertext', 'wrapped',
  'params', 'parameters', // SQL parameters
  'responsebody', 'providerbody', 'providerresponse', // provider error bodies may echo credentials
  'authheaders', 'mcpheaders', 'toolheaders', // outbound tool / MCP headers: log header names only
];

/** Substrings that mark a (normalized) field name as secret, e.g. `twilioAuthToken`, `db_password`. */
export const REDACT_FIELD_SUBSTRINGS: readonly string[] = [
  'password', 'passwd', 'secret', 'token', 'apikey', 'authorization', 'credential', 'privatekey', 'cookie', 'signature',
];

/** Lower-case, drop `-` and `_`: `X-Api-Key` → `xapikey`, `refresh_token` → `refreshtoken`. */
export function normalizeFieldName(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}

export function isSecretFieldName(name: string): boolean {
  const n = normalizeFieldName(name);
  return REDACT_FIELD_NAMES.includes(n) || REDACT_FIELD_SUBSTRINGS.some((s) => n.includes(s));
}

/**
 * pino `redact.paths` for the common shapes (pino matches paths literally and `*` one level deep).
 * Pair it with `redact()` as a serializer for arbitrary nested objects.
 */
export const PINO_REDACT_PATHS: readonly string[] = [
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'res.headers["set-cookie"]',
  ...['password', 'token', 'accessToken', 'refreshToken', 'apiKey', 'secret', 'authorization', 'credentials',
    'plaintext', 'params', 'headers.authorization'].flatMap((f) => [f, `*.${f}`]),
];

export const REDACTED = '[REDACTED]';

/** Deep copy with every secret-named field replaced by `[REDACTED]` (cycle- and depth-safe). */
export function redact(value: unknown, depth = 8, seen = new WeakSet<object>()): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value) || depth <= 0) return '[…]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth - 1, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = isSecretFieldName(k) ? REDACTED : redact(v, depth - 1, seen);
  return out;
}
