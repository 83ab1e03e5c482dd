/**
 * What an Exotel flow does when its Voicebot applet's stream is closed by the bot: it goes on to the
 * next applets. The flow docs/voice.md describes for a transfer: a sync Passthru applet GETs its URL
 * (200: on to the Connect applet; 302: the other branch, a Hangup), then a Connect applet whose
 * "Dial whom" is a dynamic URL GETs it (header `Exotel-Version: 1.0`) and dials the
 * `destination.numbers` of the JSON answer, showing `outgoing_phone_number` as the caller id. Exotel's
 * GETs carry the call in the query and are unsigned (the URL's path token authenticates them).
 */
import { deliverCallback, exotelCallback } from './callbacks.js';
import type { SimCallUpdate } from './state.js';

export interface ExotelFlowCall {
  callSid: string;
  from: string;
  to: string;
  /** The Passthru applet's URL. */
  passthruUrl: string;
  /** The Connect applet's dynamic URL. */
  connectUrl: string;
}

export interface ExotelFlowRun {
  /** The Passthru answer's status: 200 goes on to the Connect applet, anything else hangs up. */
  passthru: number;
  /** The Connect applet's request, when the flow got there (also recorded on the simulator's `updates`). */
  connect: SimCallUpdate | null;
}

export async function continueExotelFlow(call: ExotelFlowCall, fetchFn: typeof fetch): Promise<{ run: ExotelFlowRun; update: SimCallUpdate | null }> {
  const base = { CallSid: call.callSid, CallFrom: call.from, CallTo: call.to, Direction: 'incoming' };
  const now = new Date().toISOString().replace('T', ' ').slice(0, 19);
  const passthru = await deliverCallback(exotelCallback(call.passthruUrl, {
    ...base, CallType: 'call-attempt', CurrentTime: now, 'Stream[Status]': 'completed', 'Stream[DisconnectedBy]': 'bot',
  }, { method: 'GET' }), fetchFn);
  if (passthru.status !== 200) return { run: { passthru: passthru.status, connect: null }, update: null };
  const request = exotelCallback(call.connectUrl, { ...base, Created: now, DialCallDuration: '0' }, { method: 'GET' });
  const res = await deliverCallback({ ...request, headers: { ...request.headers, 'Exotel-Version': '1.0' } }, fetchFn);
  const update: SimCallUpdate = { provider: 'exotel', callId: call.callSid, params: { applet: 'connect', url: call.connectUrl }, at: Date.now(), instructions: { status: res.status, body: res.body }, dialed: res.status === 200 ? numbersOf(res.body) : [] };
  return { run: { passthru: passthru.status, connect: update }, update };
}

/** `destination.numbers` of a Connect applet's JSON (nothing dialled for anything else). */
function numbersOf(body: string): string[] {
  try {
    const numbers = (JSON.parse(body) as { destination?: { numbers?: unknown } }).destination?.numbers;
    return Array.isArray(numbers) ? numbers.filter((n): n is string => typeof n === 'string') : [];
  } catch {
    return [];
  }
}
