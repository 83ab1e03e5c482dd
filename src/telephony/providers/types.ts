import type { ExotelCredentials, MetaCredentials, PlivoCredentials, TwilioCredentials } from './credentials.js';

export type ProviderName = 'twilio' | 'plivo' | 'exotel' | 'meta';
export const PROVIDER_NAMES: readonly ProviderName[] = ['twilio', 'plivo', 'exotel', 'meta'];

export interface ProviderCredentialsMap {
  twilio: TwilioCredentials;
  plivo: PlivoCredentials;
  exotel: ExotelCredentials;
  meta: MetaCredentials;
}

/** The subset of a fetch init the clients use. */
export interface FetchLikeInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  redirect: 'manual';
  signal: AbortSignal;
}

/** The subset of a response the clients read (`text()` may be sync, as in the platform's safe fetch). */
export interface FetchLikeResponse {
  status: number;
  ok: boolean;
  text(): string | Promise<string>;
}

/**
 * A fetch-compatible function: both global `fetch` and the platform's SSRF-guarded `SafeFetch` fit.
 * The product passes the guarded one; tests pass global fetch pointed at the provider simulator.
 */
export type FetchLike = (url: string, init: FetchLikeInit) => Promise<FetchLikeResponse>;

export interface ProviderClientOptions {
  /** Overrides the provider's API origin (and, for Meta, the Graph API version path). */
  baseUrl?: string;
  fetch?: FetchLike;
  /** Per-request timeout; default 15 s. */
  timeoutMs?: number;
}

export interface AccountInfo {
  /** The non-secret account identifier (account sid, auth id, or phone number id). */
  accountId: string;
  name?: string;
  status?: string;
}

export interface PlaceCallInput {
  /** Our number (caller id), E.164. */
  from: string;
  /** The callee, E.164. */
  to: string;
  /** Where the provider fetches call instructions when the call connects (answer URL). */
  callbackUrl: string;
  /** Where the provider posts call progress/status events. */
  statusCallbackUrl?: string;
  /** Seconds to ring before giving up. */
  ringTimeoutSec?: number;
  /** Answering-machine detection (Twilio, Plivo): the answer/status callbacks say when a machine picked up. */
  machineDetection?: boolean;
}

export interface TransferCallInput {
  providerCallId: string;
  /** E.164. */
  to: string;
  /**
   * Where the provider fetches the markup that dials `to`, for providers whose transfer names a URL
   * (Plivo's `aleg_url`); a Converse webhook the provider signs. Twilio takes the markup inline.
   */
  instructionsUrl: string;
}

export interface PlacedCall {
  providerCallId: string;
  status?: string;
}

export interface SendMessageInput {
  /** Our sender number, E.164 (ignored by Meta: the sender is the credentials' phone_number_id). */
  from: string;
  to: string;
  text: string;
  statusCallbackUrl?: string;
  /** Twilio carries WhatsApp too: `whatsapp` addresses both numbers as `whatsapp:+E164`. Default sms. */
  channel?: 'sms' | 'whatsapp';
}

export interface SentMessage {
  providerMessageId: string;
  status?: string;
}

/**
 * The common shape of every provider adapter. Clients are stateless: credentials are passed per call
 * (decrypted just before and dropped after), never stored on the client.
 */
export interface ProviderClient<P extends ProviderName = ProviderName> {
  readonly provider: P;
  readonly capabilities: { readonly voice: boolean; readonly messaging: boolean };
  /** One cheap authenticated lookup; resolves with non-secret account info or throws ProviderError. */
  verifyCredentials(creds: ProviderCredentialsMap[P]): Promise<AccountInfo>;
  placeCall(creds: ProviderCredentialsMap[P], input: PlaceCallInput): Promise<PlacedCall>;
  /** Moves a live call to another number (the session's `transfer`); providers without a transfer API omit it. */
  transferCall?(creds: ProviderCredentialsMap[P], input: TransferCallInput): Promise<void>;
  sendMessage(creds: ProviderCredentialsMap[P], input: SendMessageInput): Promise<SentMessage>;
}
