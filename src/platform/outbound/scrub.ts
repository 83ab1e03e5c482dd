/**
 * Removes secret values we sent to a third party from whatever came back from it: tool and MCP
 * responses (bodies, structured content, response headers), MCP tool names, descriptions and input
 * schemas, provider error texts. A server that reflects its request headers would otherwise hand our
 * credential to anyone who may read what it answered.
 *
 * Each secret is searched in the forms a reflector produces: literal; JSON-escaped (standard, `\/`,
 * and every character as `\uXXXX`, either hex case); URL-encoded (`%XX` either case, `+` for spaces);
 * base64 and base64url, whole and as it appears inside a longer encoded text (any of the three byte
 * alignments). The raw values searched are the secret itself, the credential after an auth scheme word
 * (`Bearer xyz` → `xyz`) and, for `Basic`, the decoded `user:pass` and the password.
 *
 * One scrubber per outbound call: build it with the plaintext secrets, then scrub text or any JSON value
 * (strings and object keys, at any depth).
 */
export const REDACTED = '[redacted]';

/** Shorter raw values are not searched (too many false hits); shorter encoded fragments likewise. */
const MIN_VALUE = 4;
const MIN_FRAGMENT = 8;

const b64url = (b64: string) => b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const unicodeEscaped = (v: string, upper: boolean) =>
  Array.from({ length: v.length }, (_, i) => {
    const hex = v.charCodeAt(i).toString(16).padStart(4, '0');
    return `\\u${upper ? hex.toUpperCase() : hex}`;
  }).join('');

/** The raw values worth searching for, given one configured secret value. */
function rawValues(secret: string): string[] {
  const out = [secret];
  const scheme = /^([A-Za-z][A-Za-z0-9-]*)\s+(.+)$/s.exec(secret);
  if (scheme) {
    out.push(scheme[2]!);
    if (scheme[1]!.toLowerCase() === 'basic' && /^[A-Za-z0-9+/]+=*$/.test(scheme[2]!.trim())) {
      const decoded = Buffer.from(scheme[2]!.trim(), 'base64').toString('utf8');
      out.push(decoded);
      const colon = decoded.indexOf(':');
      if (colon >= 0) out.push(decoded.slice(colon + 1));
    }
  }
  return out.filter((v) => v.length >= MIN_VALUE);
}

/**
 * base64 of `value` as it appears at each byte alignment inside a longer encoded text: only the
 * characters made entirely of the value's own bits (the ones at either end depend on the neighbours).
 */
function base64Fragments(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const out: string[] = [];
  for (let k = 0; k < 3; k++) {
    const enc = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64').replace(/=+$/, '');
    const fragment = enc.slice(Math.ceil((8 * k) / 6), Math.floor((8 * (k + bytes.length)) / 6));
    out.push(fragment, b64url(fragment));
  }
  return out;
}

/** Every form of one raw value a reflector would produce. */
function formsOf(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const url = encodeURIComponent(value);
  const b64 = Buffer.from(value, 'utf8').toString('base64');
  return [
    value,
    json,
    json.replace(/\//g, '\\/'),
    unicodeEscaped(value, false),
    unicodeEscaped(value, true),
    url,
    url.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    url.replace(/%20/g, '+'),
    b64,
    b64url(b64),
    ...base64Fragments(value).filter((f) => f.length >= MIN_FRAGMENT),
  ];
}

export interface SecretScrubber {
  /** Text with every form of every secret replaced by `[redacted]`. */
  text(text: string): string;
  /** A JSON-like value with every string and object key scrubbed, at any depth (a new value). */
  value<T>(value: T): T;
}

export function secretScrubber(secrets: readonly string[]): SecretScrubber {
  const forms = new Set<string>();
  for (const secret of secrets) for (const raw of rawValues(secret)) for (const form of formsOf(raw)) forms.add(form);
  // Longest first, so a form containing another is removed whole.
  const needles = [...forms].sort((a, b) => b.length - a.length);
  const text = (s: string): string => {
    let out = s;
    for (const n of needles) if (out.includes(n)) out = out.split(n).join(REDACTED);
    return out;
  };
  const value = <T>(root: T): T => {
    if (needles.length === 0) return root;
    // Iterative copy: third-party JSON can nest deeper than a recursive walk should go.
    const scrubbed = (v: unknown): unknown => (typeof v === 'string' ? text(v) : v);
    const copyOf = (v: unknown): unknown => (Array.isArray(v) ? [] : v !== null && typeof v === 'object' ? {} : scrubbed(v));
    const top = copyOf(root);
    const stack: Array<[unknown, unknown]> = [[root, top]];
    for (let item = stack.pop(); item; item = stack.pop()) {
      const [from, to] = item as [Record<string, unknown>, Record<string, unknown>];
      if (from === null || typeof from !== 'object') continue;
      for (const [k, v] of Object.entries(from)) {
        const copy = copyOf(v);
        if (Array.isArray(to)) to.push(copy);
        else Object.defineProperty(to, text(k), { value: copy, enumerable: true, writable: true, configurable: true });
        if (v !== null && typeof v === 'object') stack.push([v, copy]);
      }
    }
    return top as T;
  };
  return { text, value };
}

/** One-off convenience: `secretScrubber(secrets).text(text)`. */
export const scrubSecretText = (text: string, secrets: readonly string[]): string => secretScrubber(secrets).text(text);
