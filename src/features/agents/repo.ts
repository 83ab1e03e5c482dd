import type { Tx } from '../../platform/db/types.js';
import { cursorAt, type Cursor } from '../../platform/http/pagination.js';
import { rethrowInUse } from '../../platform/db/in-use.js';

export interface AgentRow {
  id: string;
  name: string;
  system_prompt: string;
  llm_model: string | null;
  language: string;
  greeting: string | null;
  voice: string | null;
  flow_id: string | null;
  settings: Record<string, unknown>;
  llm_provider_id: string | null;
  stt_provider_id: string | null;
  stt_model: string | null;
  tts_provider_id: string | null;
  tts_voice: string | null;
  tools_builtin: string[];
  max_turns: number | null;
  max_duration_seconds: number | null;
  created_at: Date;
  updated_at: Date;
}

/** The stored fields a create or full replace writes. */
export interface AgentFields {
  name: string;
  system_prompt: string;
  llm_model: string | null;
  language: string;
  greeting: string | null;
  voice: string | null;
  flow_id: string | null;
  settings: Record<string, unknown>;
  llm_provider_id: string | null;
  stt_provider_id: string | null;
  stt_model: string | null;
  tts_provider_id: string | null;
  tts_voice: string | null;
  tools_builtin: string[];
  max_turns: number | null;
  max_duration_seconds: number | null;
}

const COLUMNS = `id, name, system_prompt, llm_model, language, greeting, voice, flow_id, settings, llm_provider_id, stt_provider_id,
  stt_model, tts_provider_id, tts_voice, tools_builtin, max_turns, max_duration_seconds, created_at, updated_at`;

/** Parameters $3… of insert and update, in the order of both statements. */
const values = (a: AgentFields) => [
  a.name, a.system_prompt, a.llm_model, a.language, a.greeting, a.voice, a.flow_id, JSON.stringify(a.settings),
  a.llm_provider_id, a.stt_provider_id, a.stt_model, a.tts_provider_id, a.tts_voice, a.tools_builtin, a.max_turns, a.max_duration_seconds,
];

// Every statement also filters on org_id = $1: RLS is the boundary in PostgreSQL mode, and this filter
// is what holds in embedded mode (ISOLATION.md "Embedded mode").

export async function insertAgent(tx: Tx, id: string, a: AgentFields): Promise<AgentRow> {
  const r = await tx.query<AgentRow>(
    `insert into app.agents (org_id, id, name, system_prompt, llm_model, language, greeting, voice, flow_id, settings, llm_provider_id,
            stt_provider_id, stt_model, tts_provider_id, tts_voice, tools_builtin, max_turns, max_duration_seconds)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16::text[], $17, $18) returning ${COLUMNS}`,
    [tx.orgId, id, ...values(a)],
  );
  return r.rows[0]!;
}

export async function getAgent(tx: Tx, id: string, opts: { lock?: boolean } = {}): Promise<AgentRow | null> {
  const r = await tx.query<AgentRow>(`select ${COLUMNS} from app.agents where org_id = $1 and id = $2${opts.lock ? ' for update' : ''}`, [tx.orgId, id]);
  return r.rows[0] ?? null;
}

/**
 * Whether `flow_id` names a flow of this org: the agent's own reference check (the composite foreign key
 * is the backstop). Here rather than behind the flows feature, which depends on agents (flow nodes name
 * agents), so the two features do not import each other.
 */
export async function flowExists(tx: Tx, id: string): Promise<boolean> {
  const r = await tx.query('select 1 from app.flows where org_id = $1 and id = $2', [tx.orgId, id]);
  return r.rowCount > 0;
}

/** One page (limit + 1 rows, for `page()`), each with its full-precision `cursor_at`. */
export async function listAgents(tx: Tx, opts: { cursor: Cursor | null; limit: number }): Promise<Array<AgentRow & { cursor_at: string }>> {
  const r = await tx.query<AgentRow & { cursor_at: string }>(
    `select ${COLUMNS}, ${cursorAt()} from app.agents
      where org_id = $1 and ($2::timestamptz is null or (created_at, id) < ($2::timestamptz, $3::uuid))
      order by created_at desc, id desc limit $4`,
    [tx.orgId, opts.cursor?.t ?? null, opts.cursor?.id ?? null, opts.limit + 1],
  );
  return r.rows;
}

/** Writes every field (PUT, and PATCH after merging with the stored row). Null when 0 rows matched. */
export async function updateAgent(tx: Tx, id: string, a: AgentFields): Promise<AgentRow | null> {
  const r = await tx.query<AgentRow>(
    `update app.agents set name = $3, system_prompt = $4, llm_model = $5, language = $6, greeting = $7, voice = $8,
            flow_id = $9, settings = $10, llm_provider_id = $11, stt_provider_id = $12, stt_model = $13, tts_provider_id = $14,
            tts_voice = $15, tools_builtin = $16::text[], max_turns = $17, max_duration_seconds = $18, updated_at = now()
      where org_id = $1 and id = $2 returning ${COLUMNS}`,
    [tx.orgId, id, ...values(a)],
  );
  return r.rows[0] ?? null;
}

/**
 * Null when 0 rows matched. A table of a later feature that references agents without ON DELETE makes
 * the delete fail with 23503; that is "still in use" (409), not the data layer's default 404.
 */
export async function deleteAgent(tx: Tx, id: string): Promise<AgentRow | null> {
  const r = await tx
    .query<AgentRow>(`delete from app.agents where org_id = $1 and id = $2 returning ${COLUMNS}`, [tx.orgId, id])
    .catch(rethrowInUse('The agent is still used by other resources; remove those references first'));
  return r.rows[0] ?? null;
}

/** Every agent id of the org: what a flow's `agent` nodes may name. */
export async function listAgentIds(tx: Tx): Promise<Set<string>> {
  const r = await tx.query<{ id: string }>('select id from app.agents where org_id = $1', [tx.orgId]);
  return new Set(r.rows.map((row) => row.id));
}

/**
 * Detaches a flow from every agent that uses it (before the flow is deleted) and returns their ids for
 * the audit log. Done here rather than left to the foreign key's SET NULL so `updated_at` moves too.
 */
export async function detachFlowFromAgents(tx: Tx, flowId: string): Promise<string[]> {
  const r = await tx.query<{ id: string }>(
    'update app.agents set flow_id = null, updated_at = now() where org_id = $1 and flow_id = $2 returning id',
    [tx.orgId, flowId],
  );
  return r.rows.map((row) => row.id).sort();
}
