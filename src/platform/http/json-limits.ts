import { errors } from '../errors.js';
import { isStorableText, UNSTORABLE_ALL } from '../storable-text.js';

export { isStorableText, storableJson, toStorableText } from '../storable-text.js';

/**
 * The limits every accepted JSON value obeys, checked once right after parsing (before the org guard,
 * zod and any other recursive walk), iteratively so the check itself cannot overflow the stack.
 * Every later recursive function (tenant-guard.ts, zod, templates, schema walkers) may rely on them.
 */

/** Deepest nesting of objects/arrays accepted anywhere (a scalar at the top level is depth 0). */
export const MAX_JSON_DEPTH = 64;

export interface JsonProblem {
  path: string;
  message: string;
}

/**
 * The first problem in a parsed value: nesting deeper than MAX_JSON_DEPTH, or a string or key that
 * cannot be stored. `where` prefixes the path (`body`, `query`, `params`).
 */
export function findJsonProblem(value: unknown, where: string, maxDepth = MAX_JSON_DEPTH): JsonProblem | null {
  const stack: Array<{ v: unknown; path: string[]; depth: number }> = [{ v: value, path: [where], depth: 0 }];
  while (stack.length > 0) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      if (!isStorableText(v)) return { path: path.join('.'), message: 'contains a NUL character or an unpaired surrogate' };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= maxDepth) return { path: path.join('.'), message: `nested deeper than ${maxDepth} levels` };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: [...path, String(i)], depth: depth + 1 });
      continue;
    }
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
      if (!isStorableText(k)) return { path: [...path, k.replace(UNSTORABLE_ALL, '?')].join('.'), message: 'key contains a NUL character or an unpaired surrogate' };
      stack.push({ v: child, path: [...path, k], depth: depth + 1 });
    }
  }
  return null;
}

/** Throws the 400 for `findJsonProblem`. */
export function assertAcceptableJson(value: unknown, where: string): void {
  const problem = findJsonProblem(value, where);
  if (problem) throw errors.validation('The request contains a value the server does not accept', [{ ...problem, path: problem.path.replace(UNSTORABLE_ALL, '?') }]);
}
