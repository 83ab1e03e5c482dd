/**
 * What a server that reflects our request headers sends back, and an independent check that a secret
 * cannot be recovered from a text (it decodes instead of searching for encodings, so it does not share
 * the scrubber's logic).
 */

const uEscape = (s: string) => [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

/** Each form labelled, for one header value (e.g. `Bearer xyz`). */
export function reflectionsOf(headerValue: string) {
  return {
    literal: headerValue,
    unicode_escaped: uEscape(headerValue),
    url_encoded: encodeURIComponent(headerValue),
    base64: b64(headerValue),
    base64url: b64url(headerValue),
    // A dump of all headers, encoded as a whole: the value sits at some alignment inside.
    base64_dump: b64(`host: example\nauthorization: ${headerValue}\n`),
    base64url_dump: b64url(`x-dump: 1;authorization=${headerValue};`),
    base64_dump_shifted: b64(`ab:${headerValue}`),
  };
}

/** True when `secret` can be read back from `text` by decoding any run of it. */
export function recoverable(text: string, secret: string): boolean {
  const decodings = [
    text,
    text.replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
    text.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))).replace(/\+/g, ' '),
  ];
  for (const run of text.match(/[A-Za-z0-9+/=_-]{8,}/g) ?? []) {
    const std = run.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
    for (let off = 0; off < 4; off++) decodings.push(Buffer.from(std.slice(off), 'base64').toString('latin1'));
  }
  return decodings.some((d) => d.includes(secret));
}
