/**
 * The boundary types of the session runtime (shared design: RUNTIME.md). Every transport (HTTP/SSE,
 * widget WebSocket, SMS/WhatsApp threads, phone media streams) turns what it receives into
 * `CallerEvent`s and renders `Output`s; the flow engine is a pure function over these types; the
 * Session performs `Effect`s (tool calls, agent turns, classification) and feeds their results back as
 * `EffectResult` events. Nothing here does I/O.
 */
import type { FlowEdge, FlowNode, FlowVariable } from '../features/flows/flow-schema.js';

export type SessionChannel = 'text' | 'web' | 'voice' | 'sms' | 'whatsapp';
export type SessionMode = 'live' | 'test';

/** Why a session ended; stored on the call as `ended_reason`. */
export type EndReason =
  | 'completed' // an end_call node, the agent's end_call tool, or the caller saying goodbye to an agent
  | 'caller_hangup' // hangup event / POST /sessions/{id}/end
  | 'transferred'
  | 'handed_off' // human_handoff: the session waits in the escalation queue
  | 'closed_by_support' // a support agent closed the escalated session (POST /escalations/{id}/close)
  | 'no_input' // dtmf_menu without a valid key after max_attempts and no no_input edge
  | 'max_turns'
  | 'max_duration'
  | 'node_limit' // more than max_nodes_per_turn nodes without waiting for the caller
  | 'idle_timeout' // an SMS/WhatsApp thread without messages for the channel's thread_idle_minutes
  | 'opted_out' // the person replied STOP (or another opt-out keyword) on an SMS/WhatsApp thread
  // A phone call that ended before it was answered (provider status callbacks; src/pipeline/voice/):
  | 'no_answer'
  | 'busy'
  | 'failed'
  | 'voicemail' // answering-machine detection: a machine picked up
  | 'error'; // an unrecoverable runtime error (recorded with a reason)

// ---------------------------------------------------------------------------------------------------
// Events into the engine. `at` is the session clock (ms since the epoch): the engine never reads a clock.

export type CallerEvent =
  | { type: 'started' }
  | { type: 'text'; text: string }
  | { type: 'dtmf'; digits: string }
  | { type: 'speech_final'; text: string; confidence: number }
  | { type: 'speech_partial'; text: string }
  | { type: 'silence'; ms: number }
  | { type: 'hangup'; reason?: 'idle_timeout' | 'opted_out' }
  | { type: 'human_message'; text: string }
  /** A support agent gives a handed-off session back to the agent it came from (POST /escalations/{id}/release). */
  | { type: 'release' }
  /** A support agent closes the session (POST /escalations/{id}/close). */
  | { type: 'close' }
  | { type: 'timer'; name: string };

/** An action an agent turn asked for through a built-in tool (or the offline responder's rules). */
export type AgentAction =
  | { type: 'end_call'; reason?: string }
  | { type: 'human_handoff'; queue?: string; reason?: string }
  | { type: 'transfer_call'; phone_number?: string; queue?: string }
  | { type: 'send_message'; text: string; to?: string; channel?: 'sms' | 'whatsapp' }
  | { type: 'schedule_callback'; at: string; phone?: string; note?: string };

/** The result of an effect, delivered back to the engine with the effect's id. */
export type EffectResult =
  | { type: 'tool_result'; effect_id: string; ok: true; value: unknown }
  | { type: 'tool_result'; effect_id: string; ok: false; error: string }
  | {
      type: 'agent_turn_result';
      effect_id: string;
      /** The agent's reply (may be empty when it only acted). Already streamed to the caller as deltas. */
      text: string;
      /** Built-in actions the agent took this turn, in order. */
      actions: AgentAction[];
      /** The turn failed (model down, timeout) and `text` is the fallback line. */
      failed?: boolean;
    }
  | { type: 'classify_result'; effect_id: string; label: string | null };

export type EngineEvent = (CallerEvent | EffectResult) & { at: number };

// ---------------------------------------------------------------------------------------------------
// What the engine emits.

/** What the next caller input should look like: lets voice constrain recognition per prompt. */
export type InputGrammar =
  | { kind: 'free' }
  | { kind: 'digits'; min?: number; max?: number }
  | { kind: 'yes_no' }
  | { kind: 'number' }
  | { kind: 'email' }
  | { kind: 'phone' }
  | { kind: 'date' }
  | { kind: 'choices'; choices: Array<{ label: string; examples: string[] }> }
  | { kind: 'dtmf'; keys: string[] };

export type Output =
  | {
      type: 'say';
      text: string;
      interruptible: boolean;
      /** `agent`: produced by an agent turn (already streamed as deltas); `flow`: a node's text; `human`: a support agent's message. */
      source: 'flow' | 'agent' | 'system' | 'human';
      node_id?: string;
      agent_id?: string;
    }
  | { type: 'await_input'; kind: 'text' | 'digits' | 'speech'; grammar: InputGrammar; timeout_ms?: number; node_id?: string }
  | { type: 'transfer'; phone_number?: string; queue?: string; node_id?: string }
  | { type: 'handoff'; queue?: string; reason?: string; node_id?: string }
  | { type: 'send_message'; channel: 'sms' | 'whatsapp'; to: string; text: string; node_id?: string }
  | { type: 'schedule_callback'; phone: string; at: string; note?: string; node_id?: string }
  | { type: 'set_variables'; variables: Record<string, unknown> }
  | { type: 'end'; reason: EndReason; detail?: string };

/** Work the engine asks the Session to do; the result comes back as an `EffectResult` event. */
export type Effect =
  | { type: 'run_tool'; id: string; node_id: string; tool_id: string; arguments: Record<string, unknown>; timeout_ms?: number }
  | {
      type: 'run_agent_turn';
      id: string;
      agent_id: string;
      /** The caller's input for this turn; null asks the agent to open (greeting). */
      input: string | null;
      /** Extra instructions from a flow `agent` node's `context` (templates rendered). */
      context?: string;
      node_id?: string;
    }
  | {
      type: 'classify';
      id: string;
      node_id: string;
      text: string;
      classes: Array<{ label: string; description?: string; examples?: string[] }>;
      instructions?: string;
    };

// ---------------------------------------------------------------------------------------------------
// What the engine needs to know (a projection of the SessionContext; frozen, no secrets).

export interface EngineFlow {
  id: string;
  nodes: readonly FlowNode[];
  edges: readonly FlowEdge[];
  variables: readonly FlowVariable[];
}

export interface EngineAgent {
  id: string;
  greeting: string;
  /** Caller turns after which an agent owning the conversation ends it (`max_turns` on the agent). */
  max_turns: number | null;
}

export interface EngineLimits {
  /** Caller turns per session. */
  max_turns: number;
  /** Session duration, measured on event `at` from the `started` event. */
  max_duration_ms: number;
  /** Nodes executed for one event before the engine stops with `node_limit`. */
  max_nodes_per_event: number;
}

export interface EngineContext {
  /** A flow session; null for an agent-only session. */
  flow: EngineFlow | null;
  /** The agent of an agent-only session (also the default agent of a flow session started with one). */
  agent_id: string | null;
  /** Every agent the session may reach (the session's agent and the flow's `agent` nodes'). */
  agents: ReadonlyMap<string, EngineAgent>;
  channel: SessionChannel;
  limits: EngineLimits;
  /** Whether a language model is available for ai_classify (else examples are keywords). */
  can_classify_with_model: boolean;
}

export const DEFAULT_ENGINE_LIMITS: EngineLimits = {
  max_turns: 200,
  max_duration_ms: 60 * 60 * 1000,
  max_nodes_per_event: 100,
};

// ---------------------------------------------------------------------------------------------------
// The engine's contract (src/pipeline/engine/): pure functions over a JSON-serializable state.
//
//   startEngine(ctx, { variables, at })        → StepResult   (the `started` step: greeting / first nodes)
//   stepEngine(state, event, ctx)              → StepResult
//
// At most one effect per StepResult; while it is pending (`status: 'waiting_effect'`) the Session
// delivers only that effect's result. The state is persisted as JSON after every step, so a session
// resumes on any process. Fields below are what the Session reads; the engine may add its own.

export interface EngineState {
  v: 1;
  status: 'waiting_input' | 'waiting_effect' | 'ended';
  variables: Record<string, unknown>;
  /** Caller turns taken so far (text, dtmf, speech_final). */
  turns: number;
  /** `at` of the started step. */
  started_at: number;
  pending_effect: Effect | null;
  ended_reason: EndReason | null;
  [engineField: string]: unknown;
}

export interface StepResult {
  state: EngineState;
  outputs: Output[];
  effects: Effect[];
}
