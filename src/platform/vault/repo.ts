import type { RawQuery } from '../db/driver.js';
import type { Tx } from '../db/types.js';
import type { WrappedKey } from './dek.js';

/*
 * The only SQL of the vault: app.org_data_keys (wrapped data keys) and the rotation door. Every tenant
 * statement also filters on org_id = $1 (RLS binds it too; the filter is what holds in embedded mode).
 * Rows leave here as WrappedKey: ids and the wrapped blob only, never key material.
 */

interface DataKeyRow {
  id: string;
  org_id: string;
  master_key_id: string;
  wrapped: string;
  created_at: Date;
}

const COLUMNS = 'id, org_id, master_key_id, wrapped, created_at';

const toWrapped = (r: DataKeyRow): WrappedKey => ({ id: r.id, org_id: r.org_id, master_key_id: r.master_key_id, wrapped: r.wrapped, created_at: new Date(r.created_at) });

/** The org's active data key: the newest. */
export async function getActiveDataKey(tx: Tx): Promise<WrappedKey | null> {
  const r = await tx.query<DataKeyRow>(`select ${COLUMNS} from app.org_data_keys where org_id = $1 order by created_at desc, id desc limit 1`, [tx.orgId]);
  return r.rows[0] ? toWrapped(r.rows[0]) : null;
}

export async function getDataKey(tx: Tx, id: string): Promise<WrappedKey | null> {
  const r = await tx.query<DataKeyRow>(`select ${COLUMNS} from app.org_data_keys where org_id = $1 and id = $2`, [tx.orgId, id]);
  return r.rows[0] ? toWrapped(r.rows[0]) : null;
}

export async function insertDataKey(tx: Tx, key: WrappedKey): Promise<void> {
  await tx.query('insert into app.org_data_keys (org_id, id, master_key_id, wrapped) values ($1, $2, $3, $4)', [tx.orgId, key.id, key.master_key_id, key.wrapped]);
}

export async function listDataKeys(tx: Tx): Promise<WrappedKey[]> {
  const r = await tx.query<DataKeyRow>(`select ${COLUMNS} from app.org_data_keys where org_id = $1 order by created_at, id`, [tx.orgId]);
  return r.rows.map(toWrapped);
}

/** Compare-and-set on the master key id, so a concurrent re-wrap (or a changed row) is not overwritten. */
export async function updateDataKeyWrapping(tx: Tx, id: string, expectedMasterKeyId: string, next: { master_key_id: string; wrapped: string }): Promise<boolean> {
  const r = await tx.query(
    `update app.org_data_keys set master_key_id = $4, wrapped = $5, rewrapped_at = now()
      where org_id = $1 and id = $2 and master_key_id = $3`,
    [tx.orgId, id, expectedMasterKeyId, next.master_key_id, next.wrapped],
  );
  return r.rowCount === 1;
}

/** The named cross-org door for `converse keys rotate --rewrap`: org ids only (app.vault_key_orgs). */
export async function listOrgsWithDataKeys(query: RawQuery): Promise<string[]> {
  const r = await query<{ org_id: string }>('select t.org_id from app.vault_key_orgs() as t(org_id)');
  return r.rows.map((row) => row.org_id);
}
