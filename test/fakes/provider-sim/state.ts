import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type {
  ExotelCredentials,
  MetaCredentials,
  PlivoCredentials,
  ProviderName,
  TwilioCredentials,
} from '../../../src/telephony/providers/index.js';

export interface SimAccounts {
  twilio?: TwilioCredentials[];
  plivo?: PlivoCredentials[];
  exotel?: ExotelCredentials[];
  meta?: MetaCredentials[];
}

/** A call the simulator accepted. `accountId` is the non-secret account id; no secrets are recorded. */
export interface SimCall {
  provider: ProviderName;
  id: string;
  accountId: string;
  from: string;
  to: string;
  callbackUrl: string;
  statusCallbackUrl?: string;
  params: Record<string, unknown>;
  at: number;
}

export interface SimMessage {
  provider: ProviderName;
  id: string;
  accountId: string;
  from: string;
  to: string;
  text: string;
  statusCallbackUrl?: string;
  at: number;
}

/** Every REST request the simulator saw (method, path and outcome; never headers or bodies). */
export interface SimRequestLog {
  provider: ProviderName;
  method: string;
  path: string;
  status: number;
}

/**
 * A change to a live call: Twilio's call update (new TwiML, e.g. a transfer), Plivo's transfer (the
 * call fetches new XML from `aleg_url`), or an Exotel flow's Connect applet after its Voicebot.
 */
export interface SimCallUpdate {
  provider: ProviderName;
  callId: string;
  params: Record<string, string>;
  at: number;
  /** Plivo, Exotel: what the provider fetched for the call's next step (set once the fetch is done). */
  instructions?: { status: number; body: string };
  /** The numbers those instructions dial, as written there ([] when they dial none). */
  dialed?: string[];
}

export interface SimState {
  accounts: Required<SimAccounts>;
  calls: SimCall[];
  updates: SimCallUpdate[];
  messages: SimMessage[];
  requests: SimRequestLog[];
  /** One-shot forced failures per provider (e.g. a 500 whose body echoes a credential). */
  failures: Map<ProviderName, { status: number; body: unknown }>;
}

export interface RouteContext {
  method: string;
  /** Path after the provider prefix, e.g. /2010-04-01/Accounts/AC.../Calls.json */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  state: SimState;
}

export interface RouteResult {
  status: number;
  body: unknown;
  /** Work the provider does after answering (e.g. fetching a transferred call's new XML). */
  followUp?: (fetchFn: typeof fetch) => Promise<void>;
}

export type RouteHandler = (ctx: RouteContext) => RouteResult;

export function parseBasic(headers: IncomingHttpHeaders): [string, string] | undefined {
  const m = /^Basic\s+(.+)$/i.exec(headers.authorization ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? undefined : [decoded.slice(0, i), decoded.slice(i + 1)];
}

export function parseBearer(headers: IncomingHttpHeaders): string | undefined {
  return /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1];
}

export function parseJsonBody(body: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(body);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export const hexId = (prefix: string, bytes = 16): string => prefix + randomBytes(bytes).toString('hex');
export const uuid = (): string => randomUUID();
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
