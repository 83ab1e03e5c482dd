import { toIso } from '../../platform/http/schemas.js';
import type { ProviderRow } from './repo.js';
import type { ProviderOut } from './schemas.js';

/** The API shape: credentials as `{configured, hint}`, never a ciphertext or a secret. */
export function presentProvider(row: ProviderRow): ProviderOut {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    base_url: row.base_url,
    credentials: { configured: Object.keys(row.credentials).length > 0, hint: row.credentials_hint },
    default_model: row.default_model,
    created_at: toIso(row.created_at)!,
    updated_at: toIso(row.updated_at)!,
  };
}

/**
 * What the audit log keeps. Names avoid the audit scrubber's secret-looking words (`credential`,
 * `key`…) on purpose: these are facts about the credentials, not the credentials.
 */
export function auditView(row: ProviderRow): Record<string, unknown> {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    base_url: row.base_url,
    auth_configured: Object.keys(row.credentials).length > 0,
    account_hint: row.credentials_hint,
    default_model: row.default_model,
  };
}
