import type { Tx } from '../../platform/db/types.js';
import { cursorAt, type Cursor } from '../../platform/http/pagination.js';
import { errors } from '../../platform/errors.js';
import type { ProviderKind } from './schemas.js';

/** Field name → vault ciphertext. Never plaintext. */
export type EncryptedCredentials = Record<string, string>;

export interface ProviderRow {
  id: string;
  name: string;
  kind: ProviderKind;
  base_url: string | null;
  credentials: EncryptedCredentials;
  credentials_hint: string | null;
  default_model: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface ProviderFields {
  name: string;
  base_url: string | null;
  credentials: EncryptedCredentials;
  credentials_hint: string | null;
  default_model: string | null;
}

const COLUMNS = 'id, name, kind, base_url, credentials, credentials_hint, default_model, created_at, updated_at';

// Every statement also filters on org_id = $1: RLS is the boundary in PostgreSQL mode, and this filter
// is what holds in embedded mode (ISOLATION.md "Embedded mode").

export async function insertProvider(tx: Tx, p: ProviderFields & { id: string; kind: ProviderKind }): Promise<ProviderRow> {
  const r = await tx.query<ProviderRow>(
    `insert into app.providers (org_id, id, name, kind, base_url, credentials, credentials_hint, default_model)
     values ($1, $2, $3, $4, $5, $6, $7, $8) returning ${COLUMNS}`,
    [tx.orgId, p.id, p.name, p.kind, p.base_url, JSON.stringify(p.credentials), p.credentials_hint, p.default_model],
  );
  return r.rows[0]!;
}

export async function getProvider(tx: Tx, id: string): Promise<ProviderRow | null> {
  const r = await tx.query<ProviderRow>(`select ${COLUMNS} from app.providers where org_id = $1 and id = $2`, [tx.orgId, id]);
  return r.rows[0] ?? null;
}

/** Kinds of the given ids that exist in the caller's org (agents check what they name). */
export async function providerKinds(tx: Tx, ids: string[]): Promise<Map<string, ProviderKind>> {
  if (ids.length === 0) return new Map();
  const r = await tx.query<{ id: string; kind: ProviderKind }>('select id, kind from app.providers where org_id = $1 and id = any($2::uuid[])', [tx.orgId, ids]);
  return new Map(r.rows.map((row) => [row.id, row.kind]));
}

/** One page (limit + 1 rows, for `page()`), each with its full-precision `cursor_at`. */
export async function listProviders(tx: Tx, opts: { cursor: Cursor | null; limit: number }): Promise<Array<ProviderRow & { cursor_at: string }>> {
  const r = await tx.query<ProviderRow & { cursor_at: string }>(
    `select ${COLUMNS}, ${cursorAt()} from app.providers
      where org_id = $1 and ($2::timestamptz is null or (created_at, id) < ($2::timestamptz, $3::uuid))
      order by created_at desc, id desc limit $4`,
    [tx.orgId, opts.cursor?.t ?? null, opts.cursor?.id ?? null, opts.limit + 1],
  );
  return r.rows;
}

/** Writes every mutable field. Null when 0 rows matched (another org's, deleted or never-existing id). */
export async function updateProvider(tx: Tx, id: string, p: ProviderFields): Promise<ProviderRow | null> {
  const r = await tx.query<ProviderRow>(
    `update app.providers set name = $3, base_url = $4, credentials = $5, credentials_hint = $6, default_model = $7, updated_at = now()
      where org_id = $1 and id = $2 returning ${COLUMNS}`,
    [tx.orgId, id, p.name, p.base_url, JSON.stringify(p.credentials), p.credentials_hint, p.default_model],
  );
  return r.rows[0] ?? null;
}

/**
 * Agents reference providers without ON DELETE: the foreign key refuses (23503), which the data layer
 * would call 404; for a delete it means "still in use", so 409.
 */
export async function deleteProvider(tx: Tx, id: string): Promise<ProviderRow | null> {
  const r = await tx
    .query<ProviderRow>(`delete from app.providers where org_id = $1 and id = $2 returning ${COLUMNS}`, [tx.orgId, id])
    .catch((err: unknown) => {
      if ((err as { code?: unknown } | null)?.code === '23503') throw errors.conflict('The provider is still used by an agent; point the agent elsewhere first');
      throw err;
    });
  return r.rows[0] ?? null;
}
