import type { ProviderName } from './providers/types.js';

/**
 * What a verified messaging webhook carries, in provider-neutral form: inbound text messages and
 * delivery receipts for messages we sent. Pure parsing of the already-verified params (Twilio, Plivo:
 * form fields) or JSON (Meta WhatsApp Cloud API); anything else yields nothing.
 */
export type MessagingEvent =
  | { kind: 'message'; id: string; from: string; to: string | null; text: string }
  | { kind: 'receipt'; id: string; status: DeliveryStatus; error: string | null };

/** Our statuses of an outbound message (app.outbound_messages.status, without our own `sending`). */
export type DeliveryStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'undelivered';

const STATUS: Record<string, DeliveryStatus> = {
  accepted: 'queued',
  queued: 'queued',
  scheduled: 'queued',
  sending: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  failed: 'failed',
  rejected: 'failed',
  canceled: 'failed',
  undelivered: 'undelivered',
};

const MAX_ID = 200;
const MAX_TEXT = 4000;
const clip = (s: string, max: number) => s.replaceAll('\u0000', '').slice(0, max);

/** Twilio WhatsApp addresses are `whatsapp:+1415...`; the person is the number. */
export const bareAddress = (raw: string): string => raw.replace(/^whatsapp:/i, '').trim();

function errorText(provider: ProviderName, code: string | null | undefined, message?: string | null): string | null {
  if (!code && !message) return null;
  return clip(`${provider} error${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`, 500);
}

function receipt(provider: ProviderName, id: string | null, raw: string | null, error: string | null): MessagingEvent[] {
  const status = raw ? STATUS[raw.toLowerCase()] : undefined;
  return id && status ? [{ kind: 'receipt', id: clip(id, MAX_ID), status, error: status === 'failed' || status === 'undelivered' ? error : null }] : [];
}

function twilioEvents(p: URLSearchParams): MessagingEvent[] {
  const id = p.get('MessageSid') ?? p.get('SmsSid');
  if (!id || p.get('CallSid')) return [];
  const status = (p.get('MessageStatus') ?? p.get('SmsStatus') ?? '').toLowerCase();
  const from = p.get('From');
  if (status === 'received' || (status === '' && p.has('Body'))) {
    return from ? [{ kind: 'message', id: clip(id, MAX_ID), from: bareAddress(from), to: p.get('To') ? bareAddress(p.get('To')!) : null, text: clip(p.get('Body') ?? '', MAX_TEXT) }] : [];
  }
  return receipt('twilio', id, status, errorText('twilio', p.get('ErrorCode'), p.get('ErrorMessage')));
}

function plivoEvents(p: URLSearchParams): MessagingEvent[] {
  const id = p.get('MessageUUID');
  if (!id) return [];
  const status = p.get('Status');
  if (status) return receipt('plivo', id, status, errorText('plivo', p.get('ErrorCode')));
  const from = p.get('From');
  return from ? [{ kind: 'message', id: clip(id, MAX_ID), from: `+${from.replace(/^\+/, '')}`, to: p.get('To'), text: clip(p.get('Text') ?? '', MAX_TEXT) }] : [];
}

const rec = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** Only text messages start or continue a thread; media and other types are ignored (documented). */
function metaEvents(json: unknown): MessagingEvent[] {
  const out: MessagingEvent[] = [];
  for (const entry of list(rec(json).entry)) {
    for (const change of list(rec(entry).changes)) {
      const value = rec(rec(change).value);
      for (const m of list(value.messages).map(rec)) {
        const id = str(m.id);
        const from = str(m.from);
        const text = str(rec(m.text).body);
        if (id && from && m.type === 'text' && text) out.push({ kind: 'message', id: clip(id, MAX_ID), from: `+${from.replace(/^\+/, '')}`, to: null, text: clip(text, MAX_TEXT) });
      }
      for (const s of list(value.statuses).map(rec)) {
        const firstError = rec(list(s.errors)[0]);
        const code = firstError.code === undefined ? null : String(firstError.code);
        out.push(...receipt('meta', str(s.id), str(s.status), errorText('meta', code, str(firstError.title))));
      }
    }
  }
  return out;
}

/** @example messagingEvents('twilio', verdict.params, verdict.json) → [{kind:'message', id:'SM…', from, to, text}] */
export function messagingEvents(provider: ProviderName, params: URLSearchParams, json: unknown): MessagingEvent[] {
  switch (provider) {
    case 'twilio':
      return twilioEvents(params);
    case 'plivo':
      return plivoEvents(params);
    case 'meta':
      return metaEvents(json);
    case 'exotel':
      return [];
  }
}

/** Carrier opt-out keywords (CTIA): the whole message, any case, trailing punctuation allowed. */
const OPT_OUT = /^\s*(stop|stopall|unsubscribe|cancel|end|quit)\s*[.!]*\s*$/i;
const OPT_IN = /^\s*(start|unstop|subscribe)\s*[.!]*\s*$/i;

export function optKeyword(text: string): 'opt_out' | 'opt_in' | null {
  return OPT_OUT.test(text) ? 'opt_out' : OPT_IN.test(text) ? 'opt_in' : null;
}
