import type { Tx } from '../../platform/db/types.js';
import type { OrgRow } from '../auth/public.js';

export async function renameOrganization(tx: Tx, name: string): Promise<OrgRow> {
  const r = await tx.query<OrgRow>(
    'update app.organizations set name = $2, updated_at = now() where org_id = $1 returning org_id, name, created_at, updated_at',
    [tx.orgId, name],
  );
  return r.rows[0]!;
}
