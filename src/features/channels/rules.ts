import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { errors, type ErrorDetail } from '../../platform/errors.js';
import { PROVIDERS_FOR_TYPE, type ChannelProvider, type ChannelType } from './schemas.js';

/** Field rules that depend on the channel's type; thrown together as one 400 with per-field details. */
export interface ChannelShape {
  type: ChannelType;
  provider: ChannelProvider;
  hasCredentials: boolean;
  phone_number: string | null;
  agent_id: string | null;
  flow_id: string | null;
  allowed_origins: string[];
}

export function checkChannelShape(c: ChannelShape): void {
  const problems: ErrorDetail[] = [];
  const add = (path: string, message: string) => problems.push({ path: `body.${path}`, message });
  if (!PROVIDERS_FOR_TYPE[c.type].includes(c.provider)) {
    add('provider', `a ${c.type} channel needs one of: ${PROVIDERS_FOR_TYPE[c.type].join(', ')}`);
  }
  if (c.agent_id && c.flow_id) add('flow_id', 'set agent_id or flow_id, not both');
  if (c.type === 'web') {
    if (c.hasCredentials) add('credentials', 'web channels have no provider credentials');
    if (c.phone_number) add('phone_number', 'web channels have no phone number');
  } else {
    if (!c.hasCredentials) add('credentials', `required for ${c.provider}`);
    if (c.allowed_origins.length > 0) add('allowed_origins', 'only web channels have allowed origins');
    // Our number is the caller id / sender; WhatsApp through Meta identifies it by phone_number_id instead.
    if (c.provider !== 'meta' && !c.phone_number) add('phone_number', `required for ${c.provider} ${c.type} channels`);
  }
  if (problems.length) throw errors.validation('The channel is invalid', problems);
}

/** E.164 (`+` and country code required; no default country is guessed). Possible, not necessarily assigned. */
export function normalizePhone(raw: string | null | undefined): string | null {
  if (raw == null) return null;
  const p = raw.startsWith('+') ? parsePhoneNumberFromString(raw) : undefined;
  if (!p || !p.isPossible()) {
    throw errors.validation('The phone number is invalid', [{ path: 'body.phone_number', message: 'must be an E.164 number, e.g. +14155550100' }]);
  }
  return p.number;
}

/** Browser origins (`https://app.example.com`, `http://localhost:3000`): scheme + host + port, nothing else. */
export function normalizeOrigins(raw: readonly string[] | undefined): string[] {
  const out = new Set<string>();
  (raw ?? []).forEach((value, i) => {
    let origin: string | null = null;
    try {
      const u = new URL(value);
      const bare = value.replace(/\/$/, '').toLowerCase();
      if ((u.protocol === 'https:' || u.protocol === 'http:') && u.origin.toLowerCase() === bare && !u.username && !u.password) origin = u.origin;
    } catch {
      origin = null;
    }
    if (!origin) throw errors.validation('An allowed origin is invalid', [{ path: `body.allowed_origins.${i}`, message: 'must be an origin like https://app.example.com (no path)' }]);
    out.add(origin);
  });
  return [...out];
}
