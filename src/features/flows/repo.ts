import type { Tx } from '../../platform/db/types.js';
import { cursorAt, type Cursor } from '../../platform/http/pagination.js';
import { rethrowInUse } from '../../platform/db/in-use.js';

export interface FlowRow {
  id: string;
  name: string;
  nodes: unknown[];
  edges: unknown[];
  variables: unknown[];
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** The stored document: a flow body that passed `parseFlow`. */
export interface FlowFields {
  name: string;
  nodes: unknown[];
  edges: unknown[];
  variables: unknown[];
}

const COLUMNS = 'id, name, nodes, edges, variables, version, created_at, updated_at';

// Every statement also filters on org_id = $1: RLS is the boundary in PostgreSQL mode, and this filter
// is what holds in embedded mode (ISOLATION.md "Embedded mode").

export async function insertFlow(tx: Tx, id: string, f: FlowFields): Promise<FlowRow> {
  const r = await tx.query<FlowRow>(
    `insert into app.flows (org_id, id, name, nodes, edges, variables) values ($1, $2, $3, $4, $5, $6) returning ${COLUMNS}`,
    [tx.orgId, id, f.name, JSON.stringify(f.nodes), JSON.stringify(f.edges), JSON.stringify(f.variables)],
  );
  return r.rows[0]!;
}

/** `lock`: FOR UPDATE, so a PATCH merges with the version it validates and concurrent writes serialize. */
export async function getFlow(tx: Tx, id: string, opts: { lock?: boolean } = {}): Promise<FlowRow | null> {
  const r = await tx.query<FlowRow>(`select ${COLUMNS} from app.flows where org_id = $1 and id = $2${opts.lock ? ' for update' : ''}`, [tx.orgId, id]);
  return r.rows[0] ?? null;
}

/** One page (limit + 1 rows, for `page()`), each with its full-precision `cursor_at`. */
export async function listFlows(tx: Tx, opts: { cursor: Cursor | null; limit: number }): Promise<Array<FlowRow & { cursor_at: string }>> {
  const r = await tx.query<FlowRow & { cursor_at: string }>(
    `select ${COLUMNS}, ${cursorAt()} from app.flows
      where org_id = $1 and ($2::timestamptz is null or (created_at, id) < ($2::timestamptz, $3::uuid))
      order by created_at desc, id desc limit $4`,
    [tx.orgId, opts.cursor?.t ?? null, opts.cursor?.id ?? null, opts.limit + 1],
  );
  return r.rows;
}

/** Replaces the document and bumps `version`. Null when 0 rows matched. */
export async function updateFlow(tx: Tx, id: string, f: FlowFields): Promise<FlowRow | null> {
  const r = await tx.query<FlowRow>(
    `update app.flows set name = $3, nodes = $4, edges = $5, variables = $6, version = version + 1, updated_at = now()
      where org_id = $1 and id = $2 returning ${COLUMNS}`,
    [tx.orgId, id, f.name, JSON.stringify(f.nodes), JSON.stringify(f.edges), JSON.stringify(f.variables)],
  );
  return r.rows[0] ?? null;
}

/** Null when 0 rows matched; 409 when a later feature's table still references the flow without ON DELETE. */
export async function deleteFlow(tx: Tx, id: string): Promise<FlowRow | null> {
  const r = await tx
    .query<FlowRow>(`delete from app.flows where org_id = $1 and id = $2 returning ${COLUMNS}`, [tx.orgId, id])
    .catch(rethrowInUse('The flow is still used by other resources; remove those references first'));
  return r.rows[0] ?? null;
}
