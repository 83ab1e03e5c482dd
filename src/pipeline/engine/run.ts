import type { Effect, EndReason, EngineContext, InputGrammar, Output } from '../types.js';
import { indexFlow, type FlowIndex } from './flow-index.js';
import type { MachineState, Wait } from './state.js';
import { render, type Scope } from './templates.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type EffectRequest = DistributiveOmit<Effect, 'id'>;

/** One step in progress: the engine's own copy of the state plus what it emits. */
export interface Run {
  ctx: EngineContext;
  flow: FlowIndex | null;
  state: MachineState;
  at: number;
  outputs: Output[];
  effects: Effect[];
  /** Nodes executed for this event (bounded by `limits.max_nodes_per_event`). */
  executed: number;
}

export const newRun = (ctx: EngineContext, state: MachineState, at: number): Run => ({
  ctx,
  flow: ctx.flow === null ? null : indexFlow(ctx.flow),
  state,
  at,
  outputs: [],
  effects: [],
  executed: 0,
});

export const scopeOf = (run: Run): Scope => ({ variables: run.state.variables, channel: run.ctx.channel, at: run.at });
export const renderIn = (run: Run, text: string): string => render(text, scopeOf(run));

export function say(run: Run, text: string | undefined, opts: { node_id?: string; interruptible?: boolean } = {}): void {
  if (text === undefined) return;
  const rendered = renderIn(run, text).trim();
  if (rendered === '') return;
  run.outputs.push({ type: 'say', text: rendered, interruptible: opts.interruptible ?? true, source: 'flow', ...(opts.node_id === undefined ? {} : { node_id: opts.node_id }) });
}

/** `digits` for key presses; otherwise what the channel carries (speech on voice, text elsewhere). */
export function inputKind(run: Run, grammar: InputGrammar): 'text' | 'digits' | 'speech' {
  if (grammar.kind === 'dtmf' || grammar.kind === 'digits') return 'digits';
  return run.ctx.channel === 'voice' ? 'speech' : 'text';
}

export function awaitInput(run: Run, wait: Wait, grammar: InputGrammar, timeout_ms?: number): void {
  run.state.status = 'waiting_input';
  run.state.wait = wait;
  run.outputs.push({
    type: 'await_input',
    kind: inputKind(run, grammar),
    grammar,
    ...(timeout_ms === undefined ? {} : { timeout_ms }),
    ...(wait.node_id === null ? {} : { node_id: wait.node_id }),
  });
}

/** Emits the one effect of this step; its id comes from a counter in the state (deterministic). */
export function requestEffect(run: Run, request: EffectRequest): void {
  run.state.effect_seq += 1;
  const effect = { ...request, id: `fx${run.state.effect_seq}` } as Effect;
  run.state.status = 'waiting_effect';
  run.state.pending_effect = effect;
  run.effects.push(effect);
}

export function endSession(run: Run, reason: EndReason, detail?: string): void {
  run.state.status = 'ended';
  run.state.ended_reason = reason;
  run.state.pending_effect = null;
  run.state.wait = null;
  run.state.agent = null;
  run.outputs.push({ type: 'end', reason, ...(detail === undefined ? {} : { detail }) });
}

/** Hands the conversation to a person: the `handoff` output, then the `handed_off` end (the agent is kept for a release). */
export function handOff(run: Run, handoff: Omit<Extract<Output, { type: 'handoff' }>, 'type'>, detail?: string): void {
  run.outputs.push({ type: 'handoff', ...handoff });
  const from = run.state.agent;
  endSession(run, 'handed_off', detail);
  run.state.handed_off_from = from;
}

export function setVariable(run: Run, name: string, value: unknown): void {
  run.state.variables[name] = value;
}

export function unsetVariable(run: Run, name: string): void {
  delete run.state.variables[name];
}
