/**
 * Builds the SessionContext inside the org's transaction (ISOLATION.md layer 3). Everything comes
 * through the features' public functions, which read with `tx` (so with the org's RLS context): an id
 * that is not in the org (another org's agent, flow or tool, a deleted one) is their 404, which fails
 * the session start. Never a fallback to a default.
 */
import { getAgent } from '../../features/agents/service.js';
import { getFlow } from '../../features/flows/service.js';
import { listAgentDocuments } from '../../features/knowledge/assignments-service.js';
import { listAgentServers } from '../../features/mcp/assignments.js';
import { listServerTools } from '../../features/mcp/service.js';
import { listAgentTools } from '../../features/tools/assignments.js';
import { getTool } from '../../features/tools/service.js';
import type { Tx } from '../../platform/db/types.js';
import { AppError, errors } from '../../platform/errors.js';
import { decodeCursor, type Cursor } from '../../platform/http/pagination.js';
import { DEFAULT_ENGINE_LIMITS, type SessionChannel, type SessionMode } from '../types.js';
import { deepFreeze } from './freeze.js';
import { type ContextAgent, type ContextFlow, type ContextMcpTool, type SessionContext } from './types.js';

export interface LoadContextInput {
  agent_id?: string | undefined;
  flow_id?: string | undefined;
  channel: SessionChannel;
  mode: SessionMode;
}

/** Reads every page of one of the features' list functions. */
async function all<T>(list: (opts: { cursor: Cursor | null; limit: number }) => Promise<{ data: T[]; next_cursor: string | null }>): Promise<T[]> {
  const out: T[] = [];
  let cursor: Cursor | null = null;
  for (;;) {
    const pageOf: { data: T[]; next_cursor: string | null } = await list({ cursor, limit: 200 });
    out.push(...pageOf.data);
    if (!pageOf.next_cursor) return out;
    cursor = decodeCursor(pageOf.next_cursor);
  }
}

async function loadAgent(tx: Tx, id: string): Promise<ContextAgent & { flow_id?: string | null }> {
  const agent = await getAgent(tx, id);
  const documents = await all((o) => listAgentDocuments(tx, id, o));
  const tools = await all((o) => listAgentTools(tx, id, o));
  const servers = await all((o) => listAgentServers(tx, id, o));
  const mcpTools: ContextMcpTool[] = [];
  for (const server of servers) {
    const allowed = server.allowed_tools === null ? null : new Set(server.allowed_tools);
    for (const t of (await listServerTools(tx, server.id)).data) {
      if (allowed && !allowed.has(t.name)) continue;
      mcpTools.push({ server_id: server.id, server_name: server.name, name: t.name, description: t.description, input_schema: t.input_schema });
    }
  }
  return {
    id: agent.id,
    name: agent.name,
    system_prompt: agent.system_prompt,
    language: agent.language,
    greeting: agent.greeting,
    llm_model: agent.llm_model,
    llm_provider_id: agent.llm_provider_id,
    tools_builtin: [...agent.tools_builtin],
    max_turns: agent.max_turns,
    max_duration_seconds: agent.max_duration_seconds,
    document_ids: documents.map((d) => d.id).sort(),
    tools: tools.map((t) => ({ id: t.id, name: t.name, description: t.description, parameters: t.parameters })),
    mcp_tools: mcpTools,
    speech: {
      stt_provider_id: agent.stt.provider_id,
      stt_model: agent.stt.model,
      tts_provider_id: agent.tts.provider_id,
      voice: agent.tts.voice ?? agent.voice,
      settings: isRecord(agent.settings.voice) ? agent.settings.voice : {},
    },
    flow_id: agent.flow_id,
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A flow node naming an agent or tool that is not in the org (deleted since the flow was saved; flows
 * are validated against the org on write) is still a hard error at start, but a 422 naming the node:
 * a 404 would read as if the flow itself were missing.
 */
async function brokenReference<T>(nodeId: string, field: string, what: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'not_found') throw err;
    throw errors.unprocessable(`The flow's node "${nodeId}" names ${what} that is not in this organization (deleted?): fix the flow`, [
      { path: `flow.nodes.${nodeId}.data.${field}`, message: 'not found in this organization' },
    ]);
  }
}

/**
 * In the org's transaction. Throws AppError 404 for the session's agent or flow when not in the org, 422 for a
 * flow node's agent or tool not in the org; 400 when neither
 * or both of agent_id / flow_id are given.
 */
export async function loadSessionContext(tx: Tx, input: LoadContextInput): Promise<SessionContext> {
  if ((input.agent_id === undefined) === (input.flow_id === undefined)) throw errors.validation('Give exactly one of agent_id or flow_id');
  const agents: Record<string, ContextAgent> = {};
  let agentId: string | null = null;
  let flowId = input.flow_id ?? null;
  if (input.agent_id !== undefined) {
    const { flow_id: agentFlow, ...agent } = await loadAgent(tx, input.agent_id);
    agents[agent.id] = agent;
    agentId = agent.id;
    // An agent with a flow runs that flow, with itself as the session's default agent.
    flowId = agentFlow ?? null;
  }
  let flow: ContextFlow | null = null;
  const flowTools: SessionContext['flow_tools'] = {};
  if (flowId !== null) {
    const f = await getFlow(tx, flowId);
    flow = { id: f.id, name: f.name, version: f.version, nodes: f.nodes as ContextFlow['nodes'], edges: f.edges as ContextFlow['edges'], variables: f.variables as ContextFlow['variables'] };
    for (const node of flow.nodes) {
      if (node.type === 'agent' && !agents[node.data.agent_id]) {
        const { flow_id: _ignored, ...agent } = await brokenReference(node.id, 'agent_id', 'an agent', () => loadAgent(tx, node.data.agent_id));
        agents[agent.id] = agent;
      }
      if (node.type === 'api_call' && !flowTools[node.data.tool_id]) {
        const tool = await brokenReference(node.id, 'tool_id', 'a tool', () => getTool(tx, node.data.tool_id));
        flowTools[tool.id] = { id: tool.id, name: tool.name };
      }
    }
  }
  const owner = agentId ? agents[agentId] : undefined;
  const limits = {
    ...DEFAULT_ENGINE_LIMITS,
    ...(owner?.max_turns ? { max_turns: owner.max_turns } : {}),
    ...(owner?.max_duration_seconds ? { max_duration_ms: owner.max_duration_seconds * 1000 } : {}),
  };
  return deepFreeze({ v: 1, org_id: tx.orgId, channel: input.channel, mode: input.mode, agent_id: agentId, flow, agents, flow_tools: flowTools, limits });
}
