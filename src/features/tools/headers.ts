/**
 * Outbound request headers with write-only secret values, shared by HTTP tools and MCP servers.
 *
 * Input:   `{ "X-Plain": "text", "Authorization": { "secret": true, "value": "Bearer …" } }`
 * Stored:  config keeps `{ "Authorization": { secret: true, hint } }`; the value lives only as vault
 *          ciphertext keyed by the lower-cased name (field `header:<name>`, bound to the record id).
 * Output:  `{ "Authorization": { secret: true, configured: true, hint: "Bearer …" } }`.
 * A secret entry without `value` keeps the stored one, so a client can send back what it read — unless
 * the destination's origin changes, which requires the values again.
 *
 * The vault opens its own transactions: `encryptSecretHeaders` and `decryptSecretHeaders` run
 * OUTSIDE withOrg; `mergeHeaders` runs inside, on the row it just locked.
 */
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { errors } from '../../platform/errors.js';

export const HEADER_LIMITS = { maxHeaders: 32, maxValueLength: 8192 } as const;

/** Set by the HTTP client itself, or hop-by-hop: a configured value could only break the request. */
const RESERVED = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'proxy-authorization', 'proxy-connection']);

const HeaderName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/, 'not a valid header name');
const HeaderValue = z.string().max(HEADER_LIMITS.maxValueLength).refine((v) => !/[\r\n\0]/.test(v), 'header values cannot contain line breaks');
const SecretHeaderInput = z.strictObject({
  secret: z.literal(true),
  value: HeaderValue.min(1).optional().describe('Write-only. Omit to keep the stored value.'),
  configured: z.boolean().optional().describe('Ignored (lets a client send back what it read).'),
  hint: z.string().max(100).optional().describe('Ignored.'),
});
export const HeadersInput = z
  .record(HeaderName, z.union([HeaderValue, SecretHeaderInput]))
  .superRefine((headers, ctx) => {
    const names = Object.keys(headers);
    if (names.length > HEADER_LIMITS.maxHeaders) ctx.addIssue({ code: 'custom', message: `at most ${HEADER_LIMITS.maxHeaders} headers` });
    const seen = new Set<string>();
    for (const name of names) {
      const lower = name.toLowerCase();
      if (RESERVED.has(lower)) ctx.addIssue({ code: 'custom', path: [name], message: 'this header is set by the HTTP client' });
      if (seen.has(lower)) ctx.addIssue({ code: 'custom', path: [name], message: 'duplicate header name (names are case-insensitive)' });
      seen.add(lower);
    }
  });
export type HeadersInput = z.infer<typeof HeadersInput>;

export type StoredHeader = string | { secret: true; hint: string };
export type StoredHeaders = Record<string, StoredHeader>;
/** lower-cased name → ciphertext */
export type SecretCiphertexts = Record<string, string>;

export const HeadersOut = z.record(z.string(), z.union([z.string(), z.object({ secret: z.literal(true), configured: z.literal(true), hint: z.string() })]));

export const presentHeaders = (stored: StoredHeaders) =>
  Object.fromEntries(Object.entries(stored).map(([k, v]) => [k, typeof v === 'string' ? v : { secret: true as const, configured: true as const, hint: v.hint }]));

/**
 * A hint that says what kind of credential is configured without revealing any of it: the auth scheme
 * word when there is one. Never characters of the secret (docs/secrets.md: no hints of tokens).
 */
export function schemeHint(value: string): string {
  const scheme = /^(Bearer|Basic|Token|Bot|ApiKey|Digest|Key)\s/i.exec(value)?.[1];
  return scheme ? `${scheme} …` : '…';
}

const fieldOf = (lowerName: string) => `header:${lowerName}`;

export interface EncryptedHeader {
  ciphertext: string;
  hint: string;
}

/**
 * Encrypts every secret value given (all values when `allSecret`, as for MCP servers), bound to the
 * record. Call before opening the write transaction.
 */
export async function encryptSecretHeaders(deps: Deps, ref: { orgId: string; recordId: string }, input: HeadersInput, opts: { allSecret?: boolean } = {}): Promise<Map<string, EncryptedHeader>> {
  const out = new Map<string, EncryptedHeader>();
  for (const [name, v] of Object.entries(input)) {
    const value = typeof v === 'string' ? (opts.allSecret ? v : undefined) : v.value;
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    out.set(lower, { ciphertext: await deps.vault.encrypt({ ...ref, field: fieldOf(lower), plaintext: value }), hint: schemeHint(value) });
  }
  return out;
}

/**
 * The headers to store, from the input, the freshly encrypted values and what the row holds now (null
 * on create). A secret entry with no new value keeps the stored ciphertext; with none stored it is a 400.
 */
export function mergeHeaders(
  input: HeadersInput,
  encrypted: Map<string, EncryptedHeader>,
  current: { headers: StoredHeaders; secrets: SecretCiphertexts } | null,
  opts: { allSecret?: boolean; path: string; destinationChanged?: boolean },
): { headers: StoredHeaders; secrets: SecretCiphertexts } {
  const headers: StoredHeaders = {};
  const secrets: SecretCiphertexts = {};
  for (const [name, v] of Object.entries(input)) {
    const lower = name.toLowerCase();
    if (typeof v === 'string' && !opts.allSecret) {
      headers[name] = v;
      continue;
    }
    const fresh = encrypted.get(lower);
    const kept = current?.secrets[lower];
    const keptHint = Object.entries(current?.headers ?? {}).find(([n]) => n.toLowerCase() === lower)?.[1];
    if (fresh) {
      secrets[lower] = fresh.ciphertext;
      headers[name] = { secret: true, hint: fresh.hint };
    } else if (kept && opts.destinationChanged) {
      // Keeping a write-only secret while moving it to another host would let anyone who may edit the
      // URL (but never read the secret) send it to a server of their choosing.
      throw errors.validation('The destination changed: enter the secret header values again', [{ path: `${opts.path}.${name}.value`, message: 'required when the URL host changes' }]);
    } else if (kept) {
      secrets[lower] = kept;
      headers[name] = { secret: true, hint: typeof keptHint === 'object' ? keptHint.hint : '…' };
    } else {
      throw errors.validation('A secret header needs a value', [{ path: `${opts.path}.${name}.value`, message: 'required: no value is stored for this header yet' }]);
    }
  }
  return { headers, secrets };
}

/** Plaintext header map for one outbound request. Call outside any transaction; never log the result. */
export async function decryptHeaders(deps: Deps, ref: { orgId: string; recordId: string }, headers: StoredHeaders, secrets: SecretCiphertexts): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(headers)) {
    if (typeof v === 'string') out[name] = v;
    else {
      const lower = name.toLowerCase();
      const ciphertext = secrets[lower];
      if (!ciphertext) throw new Error(`secret header ${lower} has no stored value`);
      out[name] = await deps.vault.decrypt({ ...ref, field: fieldOf(lower), ciphertext });
    }
  }
  return out;
}
