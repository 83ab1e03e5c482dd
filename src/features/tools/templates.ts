/**
 * `{{param}}` templates of a tool's URL, header values and body, filled with validated arguments.
 *
 * Each place escapes for its own syntax, so an argument can never change the request's structure:
 * URL values are percent-encoded (and may not appear in the scheme, host or port: a model must never
 * choose where a request goes), header values lose CR/LF, and in a JSON body a leaf that is exactly
 * `"{{param}}"` takes the argument's JSON value while other strings interpolate text.
 *
 * @example renderUrl('https://api.example.com/weather/{{city}}', { city: 'São Paulo' })
 *          // 'https://api.example.com/weather/S%C3%A3o%20Paulo'
 */

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]{0,63})\s*\}\}/g;
const WHOLE_PLACEHOLDER = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]{0,63})\s*\}\}$/;
const MAX_BODY_DEPTH = 16;

export type Args = Record<string, unknown>;

const asText = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));
const argOf = (args: Args, name: string): unknown => (Object.hasOwn(args, name) ? args[name] : undefined);

/** Every placeholder name in a string or, recursively, in the strings of a JSON value. */
export function placeholdersIn(value: unknown, depth = 0): string[] {
  if (typeof value === 'string') return [...value.matchAll(PLACEHOLDER)].map((m) => m[1]!);
  if (depth > MAX_BODY_DEPTH || value === null || typeof value !== 'object') return [];
  const children = Array.isArray(value) ? value : Object.values(value);
  return children.flatMap((v) => placeholdersIn(v, depth + 1));
}

/** Where the origin ends in a template: `scheme://host:port`. Null if it is not an absolute http(s) URL. */
function originLength(template: string): number | null {
  const m = /^https?:\/\/[^/?#]*/i.exec(template);
  return m ? m[0].length : null;
}

/** Problems with a URL template: absolute http(s) URL, no placeholder in the origin. */
export function checkUrlTemplate(template: string): string | null {
  const end = originLength(template);
  if (end === null) return 'must be an absolute http or https URL';
  if (template.slice(0, end).includes('{{')) return 'placeholders may appear only in the path and query, never in the host';
  try {
    const sample = new URL(template.replace(PLACEHOLDER, 'x'));
    if (sample.username || sample.password) return 'credentials in the URL are not allowed; use a secret header';
  } catch {
    return 'is not a valid URL';
  }
  return null;
}

/** The URL's fixed origin, for checking it against the address policy when the tool is saved. */
export const templateOrigin = (template: string): string => template.slice(0, originLength(template) ?? 0);

export class TemplateArgumentError extends Error {}

export function renderUrl(template: string, args: Args): string {
  const end = originLength(template) ?? 0;
  // The origin is copied verbatim (checkUrlTemplate keeps placeholders out of it).
  return template.slice(0, end) + template.slice(end).replace(PLACEHOLDER, (_m, name: string) => {
    const text = asText(argOf(args, name));
    // '.' and '..' survive percent-encoding as dot segments (WHATWG treats %2e%2e as '..'), which
    // would let an argument climb the path on the tool's host.
    if (text === '.' || text === '..') throw new TemplateArgumentError(`argument ${name} cannot be "." or ".." in a URL`);
    return encodeURIComponent(text);
  });
}

export function renderHeaderValue(template: string, args: Args): string {
  return template.replace(PLACEHOLDER, (_m, name: string) => asText(argOf(args, name)).replace(/[\r\n\0]/g, ' '));
}

export function renderText(template: string, args: Args): string {
  return template.replace(PLACEHOLDER, (_m, name: string) => asText(argOf(args, name)));
}

/** A JSON body template: whole-placeholder leaves keep the argument's type, other strings interpolate. */
export function renderJson(template: unknown, args: Args, depth = 0): unknown {
  if (typeof template === 'string') {
    const whole = WHOLE_PLACEHOLDER.exec(template);
    if (whole) return argOf(args, whole[1]!) ?? null;
    return renderText(template, args);
  }
  if (depth > MAX_BODY_DEPTH || template === null || typeof template !== 'object') return template;
  if (Array.isArray(template)) return template.map((v) => renderJson(v, args, depth + 1));
  return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, renderJson(v, args, depth + 1)]));
}
