/**
 * The AgentTurn interface (RUNTIME.md): one agent reply to one caller input. The model-backed turn
 * (./agent-turn.ts) and the offline responder `converse-local` (./local-responder.ts) implement it.
 */
import type { AgentAction } from '../types.js';
import type { ContextAgent, SessionContext } from '../context/types.js';

export interface HistoryEntry {
  role: 'caller' | 'agent';
  text: string;
}

export interface AgentTurnRequest {
  ctx: SessionContext;
  agent: ContextAgent;
  /** The caller's words; null asks the agent to open the conversation (greeting). */
  input: string | null;
  /** Extra instructions from a flow `agent` node (rendered). */
  extraContext?: string | undefined;
  history: readonly HistoryEntry[];
  variables: Readonly<Record<string, unknown>>;
  /** Streamed text as it is produced (the transport renders it). */
  onDelta: (text: string) => void;
}

export interface ToolCallRecord {
  kind: 'http' | 'mcp' | 'knowledge' | 'builtin' | 'flow_api_call';
  name: string;
  tool_id: string | null;
  /** Secret-named fields redacted. */
  arguments: unknown;
  status: 'ok' | 'error' | 'rejected';
  latency_ms: number;
  error: string | null;
  at: Date;
}

export interface HitRecord {
  document_id: string;
  chunk_id: string;
  score: number;
  at: Date;
}

export interface AgentTurnOutcome {
  text: string;
  actions: AgentAction[];
  /** The turn failed (model down, timeout) and `text` is the fallback line. */
  failed: boolean;
  tool_calls: ToolCallRecord[];
  hits: HitRecord[];
  model_ttft_ms: number | null;
  tool_ms: number;
  responder: 'model' | 'converse-local';
}

export interface AgentResponder {
  respond(req: AgentTurnRequest): Promise<AgentTurnOutcome>;
}

export const FALLBACK_LINE = "Sorry, I'm having trouble right now. Please try again in a moment.";
