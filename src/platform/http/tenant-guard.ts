import { errors } from '../errors.js';

// Compared after dropping case and separators: org_id, orgId, organization-id, ORGANIZATION_ID...
const FORBIDDEN_KEYS = new Set(['orgid', 'organizationid']);
const MAX_DEPTH = 32;

/**
 * The organization comes only from the credential. Any body naming one, at any depth, is a 400 —
 * rejected before a route's own schema runs, so no feature can forget it.
 */
export function rejectOrgInBody(body: unknown): void {
  const path = findOrgKey(body, [], 0);
  if (path) throw errors.validation('The organization comes from your credential and cannot be set in a request', [{ path: ['body', ...path].join('.'), message: 'not allowed' }]);
}

function findOrgKey(value: unknown, path: string[], depth: number): string[] | null {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findOrgKey(value[i], [...path, String(i)], depth + 1);
      if (hit) return hit;
    }
    return null;
  }
  for (const [k, v] of Object.entries(value)) {
    if (FORBIDDEN_KEYS.has(k.toLowerCase().replace(/[^a-z]/g, ''))) return [...path, k];
    const hit = findOrgKey(v, [...path, k], depth + 1);
    if (hit) return hit;
  }
  return null;
}

/** Headers, query strings and cookies naming an org are ignored: the keys are removed before validation. */
export function dropOrgParams(query: Record<string, unknown>): void {
  for (const key of Object.keys(query)) if (FORBIDDEN_KEYS.has(key.toLowerCase().replace(/[^a-z]/g, ''))) delete query[key];
}
