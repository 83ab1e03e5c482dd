import type { Tx } from '../../platform/db/types.js';
import { cursorAt, type Cursor } from '../../platform/http/pagination.js';
import type { Role } from '../../platform/auth/permissions.js';

export const API_KEY_PREFIX = 'cv_';

export interface ApiKeyRow {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  created_by: string | null;
  created_at: Date;
  last_used_at: Date | null;
}

const COLUMNS = 'id, name, role, prefix, created_by, created_at, last_used_at';

export async function insertApiKey(tx: Tx, k: { id: string; name: string; role: Role; prefix: string; hash: string; createdBy: string | null }): Promise<ApiKeyRow> {
  const r = await tx.query<ApiKeyRow>(
    `insert into app.api_keys (org_id, id, name, role, prefix, key_hash, created_by) values ($1, $2, $3, $4, $5, $6, $7) returning ${COLUMNS}`,
    [tx.orgId, k.id, k.name, k.role, k.prefix, k.hash, k.createdBy],
  );
  return r.rows[0]!;
}

export async function getActiveApiKey(tx: Tx, id: string): Promise<ApiKeyRow | null> {
  const r = await tx.query<ApiKeyRow>(`select ${COLUMNS} from app.api_keys where org_id = $1 and id = $2 and revoked_at is null`, [tx.orgId, id]);
  return r.rows[0] ?? null;
}

export async function touchApiKey(tx: Tx, id: string): Promise<void> {
  await tx.query('update app.api_keys set last_used_at = now() where org_id = $1 and id = $2', [tx.orgId, id]);
}

export async function listApiKeys(tx: Tx, opts: { cursor: Cursor | null; limit: number }): Promise<ApiKeyRow[]> {
  const r = await tx.query<ApiKeyRow>(
    `select ${COLUMNS}, ${cursorAt()} from app.api_keys
      where org_id = $1 and revoked_at is null
        and ($2::timestamptz is null or (created_at, id) < ($2::timestamptz, $3::uuid))
      order by created_at desc, id desc limit $4`,
    [tx.orgId, opts.cursor?.t ?? null, opts.cursor?.id ?? null, opts.limit + 1],
  );
  return r.rows;
}

/** Returns the revoked key, or null when it does not exist in this org (or was already revoked). */
export async function revokeApiKey(tx: Tx, id: string): Promise<ApiKeyRow | null> {
  const r = await tx.query<ApiKeyRow>(
    `update app.api_keys set revoked_at = now() where org_id = $1 and id = $2 and revoked_at is null returning ${COLUMNS}`,
    [tx.orgId, id],
  );
  return r.rows[0] ?? null;
}
