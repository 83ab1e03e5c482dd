import type { Config } from '../../config.js';
import { toIso } from '../../platform/http/schemas.js';
import type { ChannelRow } from './repo.js';
import { DEFAULT_THREAD_IDLE_MINUTES, type ChannelOut } from './schemas.js';

export const WEBHOOK_PATH = '/api/v1/webhooks';

/** The configured public base URL without a trailing slash, or null. Never derived from request headers. */
export function publicBase(config: Config): string | null {
  return config.publicUrl ? config.publicUrl.replace(/\/+$/, '') : null;
}

/**
 * Where the provider must send callbacks. Exotel's URL carries the channel's secret path token, so it is
 * shown only once, in the create response (`exotelToken`); elsewhere it is null.
 */
export function webhookUrl(config: Config, row: Pick<ChannelRow, 'id' | 'provider'>, exotelToken?: string): string | null {
  const base = publicBase(config);
  if (!base || row.provider === 'web') return null;
  if (row.provider === 'exotel') return exotelToken ? `${base}${WEBHOOK_PATH}/exotel/${row.id}/${exotelToken}` : null;
  return `${base}${WEBHOOK_PATH}/${row.provider}/${row.id}`;
}

export const threadIdleMinutes = (row: Pick<ChannelRow, 'settings'>): number => row.settings.thread_idle_minutes ?? DEFAULT_THREAD_IDLE_MINUTES;

/** The API shape: credentials as `{configured, hint}`, never a ciphertext or a secret. */
export function presentChannel(config: Config, row: ChannelRow, opts: { exotelToken?: string } = {}): ChannelOut {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    provider: row.provider,
    credentials: { configured: Object.keys(row.credentials).length > 0, hint: row.credentials_hint },
    phone_number: row.phone_number,
    agent_id: row.agent_id,
    flow_id: row.flow_id,
    allowed_origins: row.allowed_origins,
    settings: { thread_idle_minutes: threadIdleMinutes(row) },
    webhook_url: webhookUrl(config, row, opts.exotelToken),
    created_at: toIso(row.created_at)!,
    updated_at: toIso(row.updated_at)!,
  };
}

/**
 * What the audit log keeps. Names avoid the audit scrubber's secret-looking words (`credential`,
 * `token`…) on purpose: these are facts about the credentials, not the credentials.
 */
export function auditView(row: ChannelRow): Record<string, unknown> {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    provider: row.provider,
    auth_configured: Object.keys(row.credentials).length > 0,
    account_hint: row.credentials_hint,
    phone_number: row.phone_number,
    agent_id: row.agent_id,
    flow_id: row.flow_id,
    allowed_origins: row.allowed_origins,
    settings: row.settings,
  };
}
