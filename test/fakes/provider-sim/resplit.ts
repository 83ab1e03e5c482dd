import { PLIVO_NONCE_HEADER, plivoSigningBase, sortedParamEntries, twilioSignedText } from '../../../src/telephony/signatures.js';
import type { SignedCallback } from './callbacks.js';

/**
 * Re-splitting attacks on a captured, validly signed form callback. Twilio and Plivo sign parameter names
 * and values concatenated WITHOUT delimiters (Plivo then appends "." + nonce), so another split of the
 * same text carries the same valid signature. Each helper checks that the signed text is unchanged, so a
 * test using it really sends a delivery the provider's signature covers.
 */
function signedText(cb: SignedCallback, form: URLSearchParams, nonce?: string): string {
  if (cb.provider === 'twilio') return twilioSignedText(cb.url, form);
  if (cb.provider === 'plivo') return `${plivoSigningBase('POST', cb.url, form)}.${nonce ?? cb.headers[PLIVO_NONCE_HEADER]}`;
  throw new Error(`${cb.provider} signs bytes, not fields: nothing to re-split`);
}

function sameSignedText(cb: SignedCallback, next: SignedCallback): SignedCallback {
  const before = signedText(cb, new URLSearchParams(cb.body));
  const after = signedText(next, new URLSearchParams(next.body), next.headers[PLIVO_NONCE_HEADER]);
  if (before !== after) throw new Error('not a re-split: the signed text changed');
  return next;
}

/**
 * Folds the parameters after `into`, up to and including `through` (in signing order), into `into`'s value:
 * `CallSid=CAx&CallStatus=ringing` → `CallSid=CAxCallStatusringing`.
 */
export function withFoldedParams(cb: SignedCallback, into: string, through: string): SignedCallback {
  const entries = sortedParamEntries(new URLSearchParams(cb.body)).map(([k, v]): [string, string] => [k, v[0]!]);
  const from = entries.findIndex(([k]) => k === into);
  const to = entries.findIndex(([k]) => k === through);
  if (from < 0 || to <= from) throw new Error(`cannot fold ${through} into ${into}`);
  const folded = entries[from]![1] + entries.slice(from + 1, to + 1).map(([k, v]) => k + v).join('');
  const form = new URLSearchParams([...entries.slice(0, from), [into, folded], ...entries.slice(to + 1)]);
  return sameSignedText(cb, { ...cb, body: form.toString() });
}

/**
 * Plivo: cuts `key`'s value at its last "." and moves the rest of the signed text (the tail of that value,
 * every later parameter, "." and the old nonce) into the nonce header.
 */
export function withTextMovedIntoNonce(cb: SignedCallback, key: string): SignedCallback {
  const entries = sortedParamEntries(new URLSearchParams(cb.body)).map(([k, v]): [string, string] => [k, v[0]!]);
  const at = entries.findIndex(([k]) => k === key);
  const value = entries[at]?.[1] ?? '';
  const dot = value.lastIndexOf('.');
  if (at < 0 || dot < 0) throw new Error(`${key} has no "." to cut at`);
  const form = new URLSearchParams([...entries.slice(0, at), [key, value.slice(0, dot)]]);
  const whole = signedText(cb, new URLSearchParams(cb.body));
  const nonce = whole.slice(signedText(cb, form, '').length);
  return sameSignedText(cb, { ...cb, headers: { ...cb.headers, [PLIVO_NONCE_HEADER]: nonce }, body: form.toString() });
}
