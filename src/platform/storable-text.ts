/**
 * What PostgreSQL text and jsonb can store: no NUL, no unpaired UTF-16 surrogate. Requests carrying
 * either are refused at the edge (platform/http/json-limits.ts); text from documents and third parties
 * is cleaned with `toStorableText` / `storableJson` instead.
 */

/** NUL (PostgreSQL text and jsonb cannot store it) and UTF-16 surrogates that are not part of a pair. */
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

/** True when PostgreSQL (text, jsonb) can store the string as it is. */
export const isStorableText = (s: string): boolean => !UNSTORABLE.test(s);

/**
 * For text from third parties and documents, which is kept rather than refused: NUL removed, lone
 * surrogates replaced by U+FFFD.
 */
export const toStorableText = (s: string): string => (isStorableText(s) ? s : s.replace(UNSTORABLE_ALL, (c) => (c === '\0' ? '' : '\uFFFD')));

/** `toStorableText` applied to every string and key of a JSON-like value (iterative, depth-independent). */
export const storableJson = <T>(value: T): T => mapJson(value, (v) => (typeof v === 'string' ? toStorableText(v) : v), toStorableText) as T;

/**
 * A copy of a JSON-like value with `leaf` applied to every string, number, boolean and null and `key` to
 * every object key (order kept). Iterative, so a deeply nested value cannot overflow the stack.
 */
export function mapJson(value: unknown, leaf: (v: unknown) => unknown, key: (k: string) => string): unknown {
  // Copies one level; the loop below descends without recursion.
  const fix = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return leaf(v);
    if (Array.isArray(v)) return [...v];
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [key(k), x]));
  };
  const root = fix(value);
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Record<string, unknown> | unknown[] | null;
    if (node === null || typeof node !== 'object') continue;
    const keys = Array.isArray(node) ? node.keys() : Object.keys(node);
    for (const k of keys) {
      const v = fix((node as Record<string | number, unknown>)[k]);
      (node as Record<string | number, unknown>)[k] = v;
      if (v !== null && typeof v === 'object') stack.push(v);
    }
  }
  return root;
}
