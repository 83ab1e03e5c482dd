import type { SessionChannel } from '../types.js';

/** What templates and variable references read: the session variables plus the computed built-ins. */
export interface Scope {
  variables: Readonly<Record<string, unknown>>;
  channel: SessionChannel;
  /** The session clock of the current event (ms since the epoch). */
  at: number;
}

const TEMPLATE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\s*\}\}/g;

/** RFC 3339 in UTC without fractional seconds, e.g. `2026-12-02T21:28:47Z`. */
export const rfc3339 = (at: number): string => new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Walks a dotted path into plain objects and arrays; anything missing reads as undefined. */
export function readPath(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** A variable reference (`name` or `name.field.sub`); `now` and `channel` are computed, never stored. */
export function lookup(scope: Scope, ref: string): unknown {
  const [root = '', ...rest] = ref.split('.');
  let base: unknown;
  if (root === 'now') base = rfc3339(scope.at);
  else if (root === 'channel') base = scope.channel;
  else base = Object.hasOwn(scope.variables, root) ? scope.variables[root] : undefined;
  return readPath(base, rest);
}

/** How a value reads in text: unset and null are empty, objects are JSON. */
export function stringify(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Replaces every `{{name}}` / `{{ name.field }}`; an unset variable renders as an empty string. */
export const render = (text: string, scope: Scope): string => text.replace(TEMPLATE, (_m, ref: string) => stringify(lookup(scope, ref)));

/**
 * Renders templates in every string of a JSON value (tool arguments), keeping its shape. Values stay
 * strings (a template inside an argument always yields text): the tool's schema decides conversions.
 */
export function renderDeep(value: unknown, scope: Scope): unknown {
  if (typeof value === 'string') return render(value, scope);
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, scope));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderDeep(v, scope)]));
  }
  return value;
}
