import type { Tx } from '../../platform/db/types.js';
import type { Cursor } from '../../platform/http/pagination.js';
import type { SecretCiphertexts, StoredHeaders } from '../tools/headers.js';

export interface McpServerRow {
  id: string;
  name: string;
  url: string;
  transport: 'streamable_http' | 'sse';
  headers: StoredHeaders;
  last_refreshed_at: Date | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface McpServerWithSecrets extends McpServerRow {
  secret_headers: SecretCiphertexts;
}

export interface McpServerFields {
  name: string;
  url: string;
  transport: McpServerRow['transport'];
  headers: StoredHeaders;
  secret_headers: SecretCiphertexts;
}

export interface McpToolRow {
  server_id: string;
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
  refreshed_at: Date;
}

export interface AgentServerRow extends McpServerRow {
  allowed_tools: string[] | null;
  assigned_at: Date;
  assignment_updated_at: Date;
}

const COLUMNS = 's.id, s.name, s.url, s.transport, s.headers, s.last_refreshed_at, s.last_error, s.created_at, s.updated_at';
const TOOL_COLUMNS = 'server_id, name, description, input_schema, refreshed_at';

// Every statement also filters on org_id = $1 (embedded mode has no RLS backstop; ISOLATION.md).

export async function insertServer(tx: Tx, id: string, f: McpServerFields): Promise<McpServerRow> {
  const r = await tx.query<McpServerRow>(
    `insert into app.mcp_servers as s (org_id, id, name, url, transport, headers, secret_headers) values ($1, $2, $3, $4, $5, $6, $7) returning ${COLUMNS}`,
    [tx.orgId, id, f.name, f.url, f.transport, JSON.stringify(f.headers), JSON.stringify(f.secret_headers)],
  );
  return r.rows[0]!;
}

export async function getServer(tx: Tx, id: string): Promise<McpServerRow | null> {
  const r = await tx.query<McpServerRow>(`select ${COLUMNS} from app.mcp_servers s where s.org_id = $1 and s.id = $2`, [tx.orgId, id]);
  return r.rows[0] ?? null;
}

export async function getServerWithSecrets(tx: Tx, id: string, opts: { lock?: boolean } = {}): Promise<McpServerWithSecrets | null> {
  const r = await tx.query<McpServerWithSecrets>(
    `select ${COLUMNS}, s.secret_headers from app.mcp_servers s where s.org_id = $1 and s.id = $2${opts.lock ? ' for update' : ''}`,
    [tx.orgId, id],
  );
  return r.rows[0] ?? null;
}

export async function listServers(tx: Tx, opts: { cursor: Cursor | null; limit: number }): Promise<McpServerRow[]> {
  const r = await tx.query<McpServerRow>(
    `select ${COLUMNS} from app.mcp_servers s
      where s.org_id = $1 and ($2::timestamptz is null or (s.created_at, s.id) < ($2::timestamptz, $3::uuid))
      order by s.created_at desc, s.id desc limit $4`,
    [tx.orgId, opts.cursor?.t ?? null, opts.cursor?.id ?? null, opts.limit + 1],
  );
  return r.rows;
}

export async function updateServer(tx: Tx, id: string, f: McpServerFields): Promise<McpServerRow | null> {
  const r = await tx.query<McpServerRow>(
    `update app.mcp_servers as s set name = $3, url = $4, transport = $5, headers = $6, secret_headers = $7, updated_at = now()
      where s.org_id = $1 and s.id = $2 returning ${COLUMNS}`,
    [tx.orgId, id, f.name, f.url, f.transport, JSON.stringify(f.headers), JSON.stringify(f.secret_headers)],
  );
  return r.rows[0] ?? null;
}

export async function deleteServer(tx: Tx, id: string): Promise<McpServerRow | null> {
  const r = await tx.query<McpServerRow>(`delete from app.mcp_servers s where s.org_id = $1 and s.id = $2 returning ${COLUMNS}`, [tx.orgId, id]);
  return r.rows[0] ?? null;
}

export async function recordRefresh(tx: Tx, id: string, result: { error: string | null }): Promise<void> {
  await tx.query(
    `update app.mcp_servers set last_refreshed_at = case when $3::text is null then now() else last_refreshed_at end, last_error = $3
      where org_id = $1 and id = $2`,
    [tx.orgId, id, result.error],
  );
}

/** Replaces the server's discovered tools with `tools` (one refresh = one consistent list). */
export async function replaceTools(tx: Tx, serverId: string, tools: Array<{ name: string; description: string; input_schema: Record<string, unknown> }>): Promise<void> {
  await tx.query('delete from app.mcp_server_tools where org_id = $1 and server_id = $2', [tx.orgId, serverId]);
  if (tools.length === 0) return;
  await tx.query(
    `insert into app.mcp_server_tools (org_id, server_id, name, description, input_schema)
     select $1, $2, t.name, t.description, t.input_schema
       from jsonb_to_recordset($3::jsonb) as t(name text, description text, input_schema jsonb)`,
    [tx.orgId, serverId, JSON.stringify(tools)],
  );
}

export async function listTools(tx: Tx, serverId: string): Promise<McpToolRow[]> {
  const r = await tx.query<McpToolRow>(`select ${TOOL_COLUMNS} from app.mcp_server_tools where org_id = $1 and server_id = $2 order by name`, [tx.orgId, serverId]);
  return r.rows;
}

export async function getAssignment(tx: Tx, agentId: string, serverId: string): Promise<{ allowed_tools: string[] | null } | null> {
  const r = await tx.query<{ allowed_tools: string[] | null }>(
    'select allowed_tools from app.agent_mcp_servers where org_id = $1 and agent_id = $2 and server_id = $3 for update',
    [tx.orgId, agentId, serverId],
  );
  return r.rows[0] ?? null;
}

export async function insertAssignment(tx: Tx, agentId: string, serverId: string, allowed: string[] | null): Promise<void> {
  await tx.query('insert into app.agent_mcp_servers (org_id, agent_id, server_id, allowed_tools) values ($1, $2, $3, $4)', [tx.orgId, agentId, serverId, allowed]);
}

export async function updateAssignment(tx: Tx, agentId: string, serverId: string, allowed: string[] | null): Promise<void> {
  await tx.query('update app.agent_mcp_servers set allowed_tools = $4, updated_at = now() where org_id = $1 and agent_id = $2 and server_id = $3', [tx.orgId, agentId, serverId, allowed]);
}

export async function deleteAssignment(tx: Tx, agentId: string, serverId: string): Promise<boolean> {
  const r = await tx.query('delete from app.agent_mcp_servers where org_id = $1 and agent_id = $2 and server_id = $3 returning server_id', [tx.orgId, agentId, serverId]);
  return r.rows.length > 0;
}

export async function listAgentServers(tx: Tx, agentId: string, opts: { cursor: Cursor | null; limit: number }): Promise<AgentServerRow[]> {
  const r = await tx.query<AgentServerRow>(
    `select ${COLUMNS}, a.allowed_tools, a.created_at as assigned_at, a.updated_at as assignment_updated_at
       from app.agent_mcp_servers a join app.mcp_servers s on s.org_id = a.org_id and s.id = a.server_id
      where a.org_id = $1 and a.agent_id = $2 and ($3::timestamptz is null or (s.created_at, s.id) < ($3::timestamptz, $4::uuid))
      order by s.created_at desc, s.id desc limit $5`,
    [tx.orgId, agentId, opts.cursor?.t ?? null, opts.cursor?.id ?? null, opts.limit + 1],
  );
  return r.rows;
}

/**
 * The server and the tool, only if the server is assigned to the agent, the tool was discovered on it
 * and the assignment's allow-list (if any) names it: the session pipeline's gate for MCP calls.
 */
export async function getCallableTool(tx: Tx, agentId: string, serverId: string, toolName: string): Promise<McpServerWithSecrets | null> {
  const r = await tx.query<McpServerWithSecrets>(
    `select ${COLUMNS}, s.secret_headers
       from app.agent_mcp_servers a
       join app.mcp_servers s on s.org_id = a.org_id and s.id = a.server_id
       join app.mcp_server_tools t on t.org_id = a.org_id and t.server_id = a.server_id
      where a.org_id = $1 and a.agent_id = $2 and a.server_id = $3 and t.name = $4
        and (a.allowed_tools is null or $4 = any (a.allowed_tools))`,
    [tx.orgId, agentId, serverId, toolName],
  );
  return r.rows[0] ?? null;
}
