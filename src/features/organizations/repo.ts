import type { Tx } from '../../platform/db/types.js';
import type { OrgRow } from '../auth/public.js';

export async function renameOrganization(tx: Tx, name: string): Promise<OrgRow> {
  const r = await tx.query<OrgRow>(
    'update app.organizations set name = $2, updated_at = now() where org_id = $1 returning org_id, name, created_at, updated_at',
    [tx.orgId, name],
  );
  return r.rows[0]!;
}

export interface PrivacySettings {
  redact_pii: boolean;
  /** Calls older than this many days are deleted by the daily privacy job; null keeps them. */
  retention_days: number | null;
}

export async function getPrivacySettings(tx: Tx): Promise<PrivacySettings> {
  const r = await tx.query<PrivacySettings>('select redact_pii, retention_days from app.organizations where org_id = $1', [tx.orgId]);
  return r.rows[0] ?? { redact_pii: false, retention_days: null };
}

export async function updatePrivacySettings(tx: Tx, s: PrivacySettings): Promise<void> {
  await tx.query('update app.organizations set redact_pii = $2, retention_days = $3, updated_at = now() where org_id = $1', [tx.orgId, s.redact_pii, s.retention_days]);
}
