import { errors } from '../errors.js';

// Compared after dropping case and separators: org_id, orgId, organization-id, ORGANIZATION_ID...
const FORBIDDEN_KEYS = new Set(['orgid', 'organizationid']);

/**
 * The organization comes only from the credential. Any body naming one, at any depth, is a 400 —
 * rejected before a route's own schema runs, so no feature can forget it.
 */
export function rejectOrgInBody(body: unknown): void {
  const path = findOrgKey(body);
  if (path) throw errors.validation('The organization comes from your credential and cannot be set in a request', [{ path: ['body', ...path].join('.'), message: 'not allowed' }]);
}

interface Frame {
  value: object;
  key: string;
  parent: Frame | null;
}

const pathOf = (frame: Frame | null, key: string): string[] => {
  const path = [key];
  for (let f = frame; f && f.parent; f = f.parent) path.unshift(f.key);
  return path;
};

/**
 * Iterative depth-first walk with its own stack: no depth cut-off (a key 40 or 4,000 levels down is
 * found like one at the top) and no recursion to overflow. Frames point at their parent, so the path
 * is built only for a hit. How deep a body may nest at all is the edge's JSON nesting cap; this walk
 * only has to see all of it.
 */
function findOrgKey(root: unknown): string[] | null {
  if (root === null || typeof root !== 'object') return null;
  const stack: Frame[] = [{ value: root, key: '', parent: null }];
  for (let frame = stack.pop(); frame; frame = stack.pop()) {
    const isArray = Array.isArray(frame.value);
    const entries: Array<[string, unknown]> = isArray ? (frame.value as unknown[]).map((v, i) => [String(i), v]) : Object.entries(frame.value);
    if (!isArray) for (const [k] of entries) if (FORBIDDEN_KEYS.has(k.toLowerCase().replace(/[^a-z]/g, ''))) return pathOf(frame, k);
    // Pushed in reverse so the walk visits keys in order (the reported path is the first hit).
    for (let i = entries.length - 1; i >= 0; i--) {
      const [k, v] = entries[i]!;
      if (v !== null && typeof v === 'object') stack.push({ value: v, key: k, parent: frame });
    }
  }
  return null;
}

/** Headers, query strings and cookies naming an org are ignored: the keys are removed before validation. */
export function dropOrgParams(query: Record<string, unknown>): void {
  for (const key of Object.keys(query)) if (FORBIDDEN_KEYS.has(key.toLowerCase().replace(/[^a-z]/g, ''))) delete query[key];
}
