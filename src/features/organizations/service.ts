import type { Principal } from '../../platform/auth/principal.js';
import type { Tx } from '../../platform/db/types.js';
import { errors } from '../../platform/errors.js';
import type { RequestMeta } from '../../platform/request-meta.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import { getOrganization, getUser } from '../auth/public.js';
import { presentOrg, presentUser } from '../auth/present.js';
import { getPrivacySettings, renameOrganization, updatePrivacySettings, type PrivacySettings } from './repo.js';

/** In the request's tenant transaction (route `txHandler`). */
export async function getMe(tx: Tx, principal: Principal) {
  const org = await getOrganization(tx);
  if (!org) throw errors.notFound('organization');
  const user = principal.userId ? await getUser(tx, principal.userId) : null;
  return {
    user: user ? presentUser(user) : null,
    api_key: principal.apiKeyId ? { id: principal.apiKeyId } : null,
    organization: presentOrg(org),
    role: principal.role,
  };
}

/** In the request's tenant transaction (route `txHandler`). */
export async function getOrg(tx: Tx) {
  const org = await getOrganization(tx);
  if (!org) throw errors.notFound('organization');
  return { ...presentOrg(org), settings: await getPrivacySettings(tx) };
}

export interface OrganizationPatch {
  name?: string | undefined;
  settings?: { redact_pii?: boolean | undefined; retention_days?: number | null | undefined } | undefined;
}

/**
 * In the request's tenant transaction (route `txHandler`). Audited with the values before and after,
 * so turning redaction off or shortening retention is on record with who did it.
 */
export async function updateOrg(tx: Tx, principal: Principal, patch: OrganizationPatch, meta: RequestMeta) {
  const before = await getOrganization(tx);
  if (!before) throw errors.notFound('organization');
  const settingsBefore = await getPrivacySettings(tx);
  const after = patch.name === undefined ? before : await renameOrganization(tx, patch.name);
  const settings: PrivacySettings = {
    redact_pii: patch.settings?.redact_pii ?? settingsBefore.redact_pii,
    retention_days: patch.settings?.retention_days === undefined ? settingsBefore.retention_days : patch.settings.retention_days,
  };
  const settingsChanged = settings.redact_pii !== settingsBefore.redact_pii || settings.retention_days !== settingsBefore.retention_days;
  if (settingsChanged) await updatePrivacySettings(tx, settings);
  await recordAudit(
    tx, actorOf(principal),
    { action: 'organization.updated', targetType: 'organization', targetId: tx.orgId, before: { name: before.name, settings: settingsBefore }, after: { name: after.name, settings } },
    meta,
  );
  return { ...presentOrg(settingsChanged ? ((await getOrganization(tx)) ?? after) : after), settings };
}
