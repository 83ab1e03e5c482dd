/**
 * The widget WebSocket's frames (API.md "Sessions and calls"; docs/widget.md "Protocol"). Client →
 * server: JSON text frames `message`, `dtmf`, `end`; binary frames are caller audio (PCM Int16 LE
 * 16 kHz mono: the first one switches the session to voice, src/pipeline/voice/widget-transport.ts).
 * Server → client: below, and binary frames of agent audio in the same format.
 */
import { z } from 'zod';
import { isStorableText } from '../../platform/storable-text.js';
import { SESSION_LIMITS } from '../http/schemas.js';

// Stored in the transcript as is: what PostgreSQL text cannot hold is refused here, like in HTTP bodies.
const Text = z.string().trim().min(1).max(SESSION_LIMITS.maxTextLength).refine(isStorableText, 'contains a NUL character or an unpaired surrogate');

export const ClientFrame = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('message'), text: Text }),
  z.strictObject({ type: z.literal('dtmf'), digits: z.string().regex(/^[0-9*#]{1,32}$/, 'digits are 0-9, * and #, at most 32') }),
  z.strictObject({ type: z.literal('end') }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

export type ServerFrame =
  /** Sent once the session is started or resumed; `resume_token` lets a dropped connection resume it (not on console voice sessions). */
  | { type: 'session'; id: string; resume_token?: string; resumed: boolean; messages?: Array<{ role: string; text: string }> }
  | { type: 'message'; role: string; text: string; action?: string }
  | { type: 'delta'; text: string; message: number }
  | { type: 'transcript'; text: string; final: boolean }
  /** Barge-in: drop the agent audio not played yet. */
  | { type: 'clear' }
  | { type: 'ended'; reason: string }
  | { type: 'error'; code: string; message: string };

export type ParsedFrame = { ok: true; frame: ClientFrame } | { ok: false; code: 'invalid_json' | 'invalid_frame'; message: string };

/** Parses one text frame. Never throws: bad input is an error frame, and the connection stays. */
export function parseClientFrame(data: string): ParsedFrame {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { ok: false, code: 'invalid_json', message: 'Frames are JSON text' };
  }
  const r = ClientFrame.safeParse(json);
  if (r.success) return { ok: true, frame: r.data };
  const type = typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
  if (type !== 'message' && type !== 'dtmf' && type !== 'end') return { ok: false, code: 'invalid_frame', message: 'Unknown frame type: expected message, dtmf or end' };
  const issue = r.error.issues[0];
  return { ok: false, code: 'invalid_frame', message: `${issue?.path.join('.') || 'frame'}: ${issue?.message ?? 'invalid'}` };
}

/** WebSocket close codes used by the endpoint (RFC 6455 §7.4.1). */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  /** Refused credential, Origin, target or resume; or a client that keeps exceeding the rate. */
  policy: 1008,
  tooBig: 1009,
  internal: 1011,
  /** Too many connections on the channel: try again later. */
  tryAgain: 1013,
} as const;
