/**
 * JSONPath-lite: how a tool's JSON response becomes session variables.
 * Supported: `$` (the whole body), `.name`, `['name']` / `["name"]`, `[0]` (array index). Nothing else
 * (no wildcards, filters or recursive descent): a mapping is a fixed address in the response.
 *
 * @example
 *   parsePath('$.current.temp_c')            // ['current', 'temp_c']
 *   applyMapping({ t: '$.current.temp_c' }, { current: { temp_c: 31 } }) // { t: 31 }
 */

const MAX_SEGMENTS = 32;
const MAX_VALUE_BYTES = 4096;

export type PathSegment = string | number;

/** Segments of a path, or null when it is not JSONPath-lite. */
export function parsePath(path: string): PathSegment[] | null {
  if (!path.startsWith('$')) return null;
  const segments: PathSegment[] = [];
  let rest = path.slice(1);
  while (rest.length > 0) {
    if (segments.length >= MAX_SEGMENTS) return null;
    const dot = /^\.([A-Za-z_$][A-Za-z0-9_$-]*)/.exec(rest);
    const index = /^\[(\d{1,9})\]/.exec(rest);
    const quoted = /^\[(?:'([^'\\]*)'|"([^"\\]*)")\]/.exec(rest);
    const m = dot ?? index ?? quoted;
    if (!m) return null;
    segments.push(index ? Number(index[1]) : (m[1] ?? m[2] ?? ''));
    rest = rest.slice(m[0].length);
  }
  return segments;
}

/** The value at `segments`, or undefined. Only own properties: `$.constructor` finds nothing. */
export function valueAt(root: unknown, segments: PathSegment[]): unknown {
  let cur: unknown = root;
  for (const seg of segments) {
    if (typeof seg === 'number') {
      if (!Array.isArray(cur) || seg >= cur.length) return undefined;
      cur = cur[seg];
    } else {
      if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, seg)) return undefined;
      cur = (cur as Record<string, unknown>)[seg];
    }
  }
  return cur;
}

/**
 * Variables from a response body. A missing path yields no variable (never a default), and a value
 * too large to be a sensible variable is left out rather than truncated into something misleading.
 */
export function applyMapping(mapping: Record<string, string>, body: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [variable, path] of Object.entries(mapping)) {
    const segments = parsePath(path);
    if (!segments) continue;
    const value = valueAt(body, segments);
    if (value === undefined) continue;
    if (Buffer.byteLength(JSON.stringify(value)) > MAX_VALUE_BYTES) continue;
    out[variable] = value;
  }
  return out;
}
