/**
 * Phone providers' callbacks about calls, read into one shape, and the documents that answer them:
 * the markup that opens a bidirectional media stream to us (Twilio `<Connect><Stream>`, Plivo
 * `<Stream bidirectional>`, Exotel's voicebot URL) or hangs up. Pure: no I/O.
 */
import type { ProviderName } from '../../telephony/index.js';

export type CallProgress = 'ringing' | 'in_progress' | 'completed' | 'busy' | 'no_answer' | 'failed' | 'canceled' | null;

export interface VoiceCallback {
  providerCallId: string | null;
  progress: CallProgress;
  direction: 'inbound' | 'outbound';
  from: string | null;
  to: string | null;
  /** Answering-machine detection said a machine (or a fax) picked up. */
  machine: boolean;
  /** A status callback (not a request for call instructions). */
  isStatus: boolean;
}

const PROGRESS: Record<string, CallProgress> = {
  queued: 'ringing', initiated: 'ringing', ringing: 'ringing', 'early-media': 'ringing',
  'in-progress': 'in_progress', answered: 'in_progress', 'in_progress': 'in_progress',
  completed: 'completed', busy: 'busy', 'no-answer': 'no_answer', no_answer: 'no_answer', noanswer: 'no_answer',
  failed: 'failed', canceled: 'canceled', cancel: 'canceled', timeout: 'no_answer',
};

const progressOf = (s: string | null): CallProgress => (s ? (PROGRESS[s.toLowerCase()] ?? null) : null);
const clip = (s: string | null): string | null => (s ? s.slice(0, 64) : null);

export function readVoiceCallback(provider: ProviderName, p: URLSearchParams): VoiceCallback {
  switch (provider) {
    case 'twilio': {
      const answeredBy = p.get('AnsweredBy') ?? '';
      return {
        providerCallId: p.get('CallSid'),
        progress: progressOf(p.get('CallStatus')),
        direction: (p.get('Direction') ?? '').startsWith('outbound') ? 'outbound' : 'inbound',
        from: clip(p.get('From')),
        to: clip(p.get('To')),
        machine: answeredBy.startsWith('machine') || answeredBy === 'fax',
        isStatus: p.has('CallbackSource') || p.has('CallDuration'),
      };
    }
    case 'plivo':
      return {
        providerCallId: p.get('CallUUID'),
        progress: progressOf(p.get('CallStatus')),
        direction: (p.get('Direction') ?? '').startsWith('outbound') ? 'outbound' : 'inbound',
        from: clip(p.get('From')),
        to: clip(p.get('To')),
        machine: p.get('Machine') === 'true',
        isStatus: p.get('Event') === 'Hangup' || p.get('Event') === 'Ring' || p.has('HangupCause'),
      };
    case 'exotel':
      return {
        providerCallId: p.get('CallSid'),
        progress: progressOf(p.get('Status') ?? p.get('CallStatus')),
        direction: (p.get('Direction') ?? '').startsWith('outbound') ? 'outbound' : 'inbound',
        from: clip(p.get('CallFrom') ?? p.get('From')),
        to: clip(p.get('CallTo') ?? p.get('To')),
        machine: false,
        isStatus: p.has('Status') || p.has('DateUpdated'),
      };
    case 'meta':
      return { providerCallId: null, progress: null, direction: 'inbound', from: null, to: null, machine: false, isStatus: true };
  }
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>';

export interface Answer {
  contentType: string;
  body: string;
  /** HTTP status (default 200); Exotel's Passthru applet branches on 200 or 302. */
  status?: 200 | 302;
}

/** Opens the call's media stream at `streamUrl` (wss://…/api/v1/voice/stream/{provider}/{token}). */
export function streamAnswer(provider: 'twilio' | 'plivo' | 'exotel', streamUrl: string, callId: string): Answer {
  switch (provider) {
    case 'twilio':
      return {
        contentType: 'application/xml',
        body: `${XML_HEAD}<Response><Connect><Stream url="${xml(streamUrl)}"><Parameter name="call_id" value="${xml(callId)}"/></Stream></Connect></Response>`,
      };
    case 'plivo':
      return {
        contentType: 'application/xml',
        body: `${XML_HEAD}<Response><Stream bidirectional="true" keepCallAlive="true" contentType="audio/x-mulaw;rate=8000">${xml(streamUrl)}</Stream></Response>`,
      };
    case 'exotel':
      // The Voicebot applet's dynamic URL: Exotel fetches it and connects to the `url` it returns.
      return { contentType: 'application/json', body: JSON.stringify({ url: streamUrl }) };
  }
}

export function hangupAnswer(provider: 'twilio' | 'plivo' | 'exotel'): Answer {
  if (provider === 'exotel') return { contentType: 'application/json', body: '{}' };
  return { contentType: 'application/xml', body: `${XML_HEAD}<Response><Hangup/></Response>` };
}

/**
 * What a transferred call does next, asked by the provider after the stream ended (./transfer.ts):
 * `to` is the number the session recorded, null when it recorded none (then the call hangs up).
 * - Twilio, Plivo: markup that dials `to` (Plivo takes the number without "+").
 * - Exotel, `step: 'check'` (the Passthru applet after the Voicebot): 200 when there is a number to
 *   connect (the flow goes on to the Connect applet), 302 when not (the flow's other branch: hang up).
 * - Exotel, `step: 'connect'` (the Connect applet's dynamic URL): its JSON naming the number, with
 *   the channel's number as the caller id the callee sees.
 */
export function transferAnswer(provider: 'twilio' | 'plivo' | 'exotel', to: string | null, step: 'check' | 'connect', callerId: string | null): Answer {
  if (provider === 'exotel') {
    if (step === 'check') return { contentType: 'text/plain', body: to ? 'transfer' : 'no transfer', status: to ? 200 : 302 };
    const connect = { fetch_after_attempt: false, destination: { numbers: to ? [to] : [] }, ...(callerId ? { outgoing_phone_number: callerId } : {}) };
    return { contentType: 'application/json', body: JSON.stringify(connect) };
  }
  if (!to) return hangupAnswer(provider);
  const dial = provider === 'plivo' ? `<Dial><Number>${xml(to.replace(/^\+/, ''))}</Number></Dial>` : `<Dial>${xml(to)}</Dial>`;
  return { contentType: 'application/xml', body: `${XML_HEAD}<Response>${dial}</Response>` };
}

/** The wss:// (or ws:// for a plain-http public URL) base of the stream endpoint. */
export const streamBase = (publicBase: string): string => publicBase.replace(/^http(s?):\/\//, (_m, s: string) => `ws${s}://`);
