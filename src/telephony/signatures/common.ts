import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time equality for secrets and signatures. Both sides are hashed first, so the time taken does
 * not depend on where the inputs differ or on their lengths (timingSafeEqual alone throws on a length
 * mismatch, and an early length check leaks the expected length).
 *
 * @example safeEqual(headerValue, expectedSignature)
 */
export function safeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Form parameters as parsed from an `application/x-www-form-urlencoded` body or a query string. */
export type FormParams = URLSearchParams | Readonly<Record<string, string | readonly string[]>>;

/** Parameters grouped by key (a key may repeat), keys in code-unit order as the providers' SDKs sort. */
export function sortedParamEntries(params: FormParams | undefined): Array<[string, string[]]> {
  const map = new Map<string, string[]>();
  if (params instanceof URLSearchParams) {
    for (const [k, v] of params) map.set(k, [...(map.get(k) ?? []), v]);
  } else if (params) {
    for (const [k, v] of Object.entries(params)) {
      map.set(k, typeof v === 'string' ? [v] : [...v]);
    }
  }
  return [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Reads one header from a Node-style header record (lower-case keys); repeated headers are joined. */
export function headerValue(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
  name: string,
): string | undefined {
  const v = headers[name.toLowerCase()];
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : v.join(',');
}
