import { metaEventIds, type ProviderName } from '../../telephony/index.js';

/** What is recorded about an accepted callback (recording only for now; sessions/calls consume it later). */
export interface DescribedEvent {
  eventType: string;
  externalId: string | null;
  payload: unknown;
}

const MAX_DEPTH = 32;

/** PostgreSQL text and jsonb cannot hold NUL characters; a signed callback carrying one must not 500. */
function stripNul(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.includes('\u0000') ? value.replaceAll('\u0000', '') : value;
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return depth > MAX_DEPTH ? null : value;
  if (Array.isArray(value)) return value.map((v) => stripNul(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [stripNul(k) as string, stripNul(v, depth + 1)]));
}

/** Form fields as an object; a repeated key keeps every value, in order. */
function paramsObject(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of params) {
    const prev = Object.hasOwn(out, k) ? out[k] : undefined;
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

const label = (kind: string, status: string | null | undefined) =>
  `${kind}.${(status || 'received').toLowerCase().replace(/[^a-z0-9_-]/g, '_')}`.slice(0, 64);

const clip = (s: string | null | undefined) => (s ? s.replaceAll('\u0000', '').slice(0, 200) : null);

export function describeEvent(provider: ProviderName, params: URLSearchParams, json: unknown): DescribedEvent {
  const p = (k: string) => params.get(k);
  switch (provider) {
    case 'twilio': {
      if (json !== undefined) return { eventType: 'json', externalId: null, payload: stripNul(json) };
      const call = p('CallSid');
      const message = p('MessageSid') ?? p('SmsSid');
      const eventType = message && !call ? label('message', p('MessageStatus') ?? p('SmsStatus')) : label('call', p('CallStatus'));
      return { eventType, externalId: clip(message && !call ? message : call), payload: stripNul(paramsObject(params)) };
    }
    case 'plivo': {
      const message = p('MessageUUID');
      const eventType = message ? label('message', p('Status')) : label('call', p('CallStatus') ?? p('Event'));
      return { eventType, externalId: clip(message ?? p('CallUUID')), payload: stripNul(paramsObject(params)) };
    }
    case 'exotel':
      return { eventType: label('call', p('Status') ?? p('CallStatus')), externalId: clip(p('CallSid')), payload: stripNul(paramsObject(params)) };
    case 'meta': {
      const ids = metaEventIds(json);
      const isStatus = ids.length > 0 && ids.every((id) => id.includes(':'));
      return { eventType: ids.length === 0 ? 'whatsapp.other' : isStatus ? 'whatsapp.status' : 'whatsapp.message', externalId: clip(ids[0]), payload: stripNul(json ?? null) };
    }
  }
}
