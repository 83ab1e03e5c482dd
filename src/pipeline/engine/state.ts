import type { EngineState } from '../types.js';

/** What the engine waits for at a node (or, for an agent, at its turn loop). */
export interface Wait {
  kind: 'listen' | 'collect' | 'dtmf_menu' | 'ai_classify' | 'agent';
  /** The waiting node; null for the agent of an agent-only session. */
  node_id: string | null;
  /** Invalid answers (or silences) so far at a collect or dtmf_menu. */
  attempts: number;
}

/** The agent that currently owns the conversation (a flow `agent` node or the session's agent). */
export interface ActiveAgent {
  agent_id: string;
  /** The flow `agent` node; null in an agent-only session. */
  node_id: string | null;
  /** Caller turns the agent has answered since it took over. */
  turns: number;
  /** The node's rendered `context`, sent with every turn. */
  context?: string;
}

/** The engine's full state: the Session-facing fields plus the engine's own (all plain JSON). */
export interface MachineState extends EngineState {
  /** Counter behind deterministic effect ids (`fx1`, `fx2`, …). */
  effect_seq: number;
  wait: Wait | null;
  agent: ActiveAgent | null;
  /**
   * After a handoff: the agent that owned the conversation then (null when a flow node handed off), so a
   * release gives the conversation back to it. Absent in states stored before releases existed.
   */
  handed_off_from?: ActiveAgent | null;
}

/** A deep copy: the engine works on its own copy, so inputs are never mutated. */
export const cloneState = (state: EngineState): MachineState => structuredClone(state) as MachineState;

export function initialState(variables: Record<string, unknown>, at: number): MachineState {
  return {
    v: 1,
    status: 'waiting_input',
    variables,
    turns: 0,
    started_at: at,
    pending_effect: null,
    ended_reason: null,
    effect_seq: 0,
    wait: null,
    agent: null,
  };
}
