import type { Tx } from '../../platform/db/types.js';
import type { Cursor } from '../../platform/http/pagination.js';
import { rethrowInUse } from '../../platform/db/in-use.js';
import type { SecretCiphertexts } from './headers.js';
import type { StoredToolConfig } from './schemas.js';

export interface ToolRow {
  id: string;
  name: string;
  description: string;
  type: 'http' | 'webhook';
  parameters: Record<string, unknown>;
  config: StoredToolConfig;
  created_at: Date;
  updated_at: Date;
}

/** A row with its secret ciphertexts: only for the outbound path and header merges, never presented. */
export interface ToolWithSecrets extends ToolRow {
  secret_headers: SecretCiphertexts;
}

export interface ToolFields {
  name: string;
  description: string;
  type: 'http' | 'webhook';
  parameters: Record<string, unknown>;
  config: StoredToolConfig;
  secret_headers: SecretCiphertexts;
}

const COLUMNS = 't.id, t.name, t.description, t.type, t.parameters, t.config, t.created_at, t.updated_at';

// Every statement also filters on org_id = $1: RLS is the boundary in PostgreSQL mode, and this filter
// is what holds in embedded mode (ISOLATION.md "Embedded mode").

export async function insertTool(tx: Tx, id: string, f: ToolFields): Promise<ToolRow> {
  const r = await tx.query<ToolRow>(
    `insert into app.tools as t (org_id, id, name, description, type, parameters, config, secret_headers)
     values ($1, $2, $3, $4, $5, $6, $7, $8) returning ${COLUMNS}`,
    [tx.orgId, id, f.name, f.description, f.type, JSON.stringify(f.parameters), JSON.stringify(f.config), JSON.stringify(f.secret_headers)],
  );
  return r.rows[0]!;
}

export async function getTool(tx: Tx, id: string): Promise<ToolRow | null> {
  const r = await tx.query<ToolRow>(`select ${COLUMNS} from app.tools t where t.org_id = $1 and t.id = $2`, [tx.orgId, id]);
  return r.rows[0] ?? null;
}

export async function getToolWithSecrets(tx: Tx, id: string, opts: { lock?: boolean } = {}): Promise<ToolWithSecrets | null> {
  const r = await tx.query<ToolWithSecrets>(
    `select ${COLUMNS}, t.secret_headers from app.tools t where t.org_id = $1 and t.id = $2${opts.lock ? ' for update' : ''}`,
    [tx.orgId, id],
  );
  return r.rows[0] ?? null;
}

export async function listTools(tx: Tx, opts: { cursor: Cursor | null; limit: number }): Promise<ToolRow[]> {
  const r = await tx.query<ToolRow>(
    `select ${COLUMNS} from app.tools t
      where t.org_id = $1 and ($2::timestamptz is null or (t.created_at, t.id) < ($2::timestamptz, $3::uuid))
      order by t.created_at desc, t.id desc limit $4`,
    [tx.orgId, opts.cursor?.t ?? null, opts.cursor?.id ?? null, opts.limit + 1],
  );
  return r.rows;
}

export async function updateTool(tx: Tx, id: string, f: ToolFields): Promise<ToolRow | null> {
  const r = await tx.query<ToolRow>(
    `update app.tools as t set name = $3, description = $4, type = $5, parameters = $6, config = $7, secret_headers = $8, updated_at = now()
      where t.org_id = $1 and t.id = $2 returning ${COLUMNS}`,
    [tx.orgId, id, f.name, f.description, f.type, JSON.stringify(f.parameters), JSON.stringify(f.config), JSON.stringify(f.secret_headers)],
  );
  return r.rows[0] ?? null;
}

export async function deleteTool(tx: Tx, id: string): Promise<ToolRow | null> {
  const r = await tx
    .query<ToolRow>(`delete from app.tools t where t.org_id = $1 and t.id = $2 returning ${COLUMNS}`, [tx.orgId, id])
    .catch(rethrowInUse('The tool is still used by other resources; remove those references first'));
  return r.rows[0] ?? null;
}

/** True when the assignment row was created, false when it already existed. */
export async function assignTool(tx: Tx, agentId: string, toolId: string): Promise<boolean> {
  const r = await tx.query(
    `insert into app.agent_tools (org_id, agent_id, tool_id) values ($1, $2, $3) on conflict (org_id, agent_id, tool_id) do nothing returning tool_id`,
    [tx.orgId, agentId, toolId],
  );
  return r.rows.length > 0;
}

export async function unassignTool(tx: Tx, agentId: string, toolId: string): Promise<boolean> {
  const r = await tx.query('delete from app.agent_tools where org_id = $1 and agent_id = $2 and tool_id = $3 returning tool_id', [tx.orgId, agentId, toolId]);
  return r.rows.length > 0;
}

export async function listAgentTools(tx: Tx, agentId: string, opts: { cursor: Cursor | null; limit: number }): Promise<ToolRow[]> {
  const r = await tx.query<ToolRow>(
    `select ${COLUMNS} from app.agent_tools a join app.tools t on t.org_id = a.org_id and t.id = a.tool_id
      where a.org_id = $1 and a.agent_id = $2 and ($3::timestamptz is null or (t.created_at, t.id) < ($3::timestamptz, $4::uuid))
      order by t.created_at desc, t.id desc limit $5`,
    [tx.orgId, agentId, opts.cursor?.t ?? null, opts.cursor?.id ?? null, opts.limit + 1],
  );
  return r.rows;
}

/** The tool only if it is assigned to that agent (of this org): the session pipeline's gate. */
export async function getAssignedTool(tx: Tx, agentId: string, toolId: string): Promise<ToolWithSecrets | null> {
  const r = await tx.query<ToolWithSecrets>(
    `select ${COLUMNS}, t.secret_headers from app.agent_tools a join app.tools t on t.org_id = a.org_id and t.id = a.tool_id
      where a.org_id = $1 and a.agent_id = $2 and a.tool_id = $3`,
    [tx.orgId, agentId, toolId],
  );
  return r.rows[0] ?? null;
}

/** Every tool id of the org: what a flow's `api_call` nodes may name (exposed in tools/public.ts). */
export async function listToolIds(tx: Tx): Promise<Set<string>> {
  const r = await tx.query<{ id: string }>('select id from app.tools where org_id = $1', [tx.orgId]);
  return new Set(r.rows.map((row) => row.id));
}
