/**
 * The SessionContext (RUNTIME.md): everything a session may use, loaded ONCE at start inside the org's
 * transaction, frozen, and stored on the call (`calls.context`) so any process continues the session
 * from it without re-reading the configuration. Plain JSON (no Maps) and no secrets: tool definitions,
 * MCP tool schemas and provider ids only; credentials are decrypted at the moment of use.
 */
import type { FlowEdge, FlowNode, FlowVariable } from '../../features/flows/flow-schema.js';
import type { EngineLimits, SessionChannel, SessionMode } from '../types.js';

import type { BuiltinTool } from '../../features/agents/runtime-fields.js';

export type { BuiltinTool } from '../../features/agents/runtime-fields.js';

/** An HTTP/webhook tool assigned to the agent: its definition, never its secret headers. */
export interface ContextTool {
  id: string;
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** One allowed tool of an MCP server assigned to the agent, with the schema found at the last refresh. */
export interface ContextMcpTool {
  server_id: string;
  server_name: string;
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
}

export interface ContextAgent {
  id: string;
  name: string;
  system_prompt: string;
  language: string;
  greeting: string | null;
  llm_model: string | null;
  /** The org's provider for this agent; null: the server default, else the offline responder. */
  llm_provider_id: string | null;
  tools_builtin: BuiltinTool[];
  max_turns: number | null;
  max_duration_seconds: number | null;
  /** Documents assigned to the agent when the session started: its knowledge tool searches only these. */
  document_ids: string[];
  tools: ContextTool[];
  mcp_tools: ContextMcpTool[];
  /**
   * Speech (voice sessions): the agent's `stt`/`tts` providers (null: the offline engines), its
   * recognition model (`stt.model`; null: the provider's default), its voice, and `settings.voice`
   * (endpointing thresholds, silence, recording; read by src/pipeline/voice/).
   * Optional: contexts stored before voice calls existed have none; `stt_model` is absent from
   * contexts frozen before it was added (read as null).
   */
  speech?: { stt_provider_id: string | null; stt_model?: string | null; tts_provider_id: string | null; voice: string | null; settings: Record<string, unknown> };
}

export interface ContextFlow {
  id: string;
  name: string;
  version: number;
  nodes: FlowNode[];
  edges: FlowEdge[];
  variables: FlowVariable[];
}

export interface SessionContext {
  v: 1;
  org_id: string;
  channel: SessionChannel;
  mode: SessionMode;
  /** The agent the session was started with (or the flow's default); null for a flow without one. */
  agent_id: string | null;
  flow: ContextFlow | null;
  /** Every agent the session may reach: the session's agent and those of the flow's `agent` nodes. */
  agents: Record<string, ContextAgent>;
  /** Tools named by the flow's `api_call` nodes (verified to be in the org at start). */
  flow_tools: Record<string, { id: string; name: string }>;
  limits: EngineLimits;
}
