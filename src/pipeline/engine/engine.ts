import type { EngineContext, EngineEvent, EngineState, EffectResult, Output, StepResult } from '../types.js';
import { resumeAfterHandoff, startAgentOnly } from './agent.js';
import { handleCaller, handleEffectResult } from './dispatch.js';
import { runFrom } from './nodes.js';
import { endSession, newRun, type Run } from './run.js';
import { cloneState, initialState, type MachineState } from './state.js';

/** Built-ins computed from the context and the clock; a starter cannot set them. */
const COMPUTED = new Set(['now', 'channel', 'last_utterance']);

/** `set_variables` with what this step changed (null for unset); `last_utterance` is not repeated. */
function variableChanges(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  const changed: Record<string, unknown> = {};
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (name === 'last_utterance') continue;
    if (JSON.stringify(before[name]) !== JSON.stringify(after[name])) changed[name] = after[name] ?? null;
  }
  return changed;
}

function finish(run: Run, before: Record<string, unknown>): StepResult {
  if (run.state.status === 'waiting_input' && run.state.wait === null) endSession(run, 'error', 'the flow stopped without waiting or ending');
  const changed = variableChanges(before, run.state.variables);
  if (Object.keys(changed).length > 0) run.outputs.push({ type: 'set_variables', variables: changed });
  return { state: run.state, outputs: run.outputs, effects: run.state.status === 'waiting_effect' ? run.effects : [] };
}

/** A step that could not run (a broken context): the session ends with `error` instead of throwing. */
function failed(state: MachineState, ctx: EngineContext, at: number, err: unknown): StepResult {
  const run = newRunSafe(ctx, state, at);
  endSession(run, 'error', err instanceof Error ? err.message : String(err));
  return { state: run.state, outputs: run.outputs, effects: [] };
}
const newRunSafe = (ctx: EngineContext, state: MachineState, at: number): Run => ({ ctx, flow: null, state, at, outputs: [], effects: [], executed: 0 });

/** The first step of a session: defaults, then the flow from its entry (or the agent's greeting). */
export function startEngine(ctx: EngineContext, init: { variables: Record<string, unknown>; at: number }): StepResult {
  const variables: Record<string, unknown> = {};
  try {
    for (const v of ctx.flow?.variables ?? []) if (v.default !== undefined) variables[v.name] = v.default;
    for (const [name, value] of Object.entries(structuredClone(init.variables))) if (!COMPUTED.has(name) && value !== undefined) variables[name] = value;
    const before = { ...variables };
    const run = newRun(ctx, initialState(variables, init.at), init.at);
    if (run.flow === null) startAgentOnly(run);
    else runFrom(run, run.flow.entryId);
    return finish(run, before);
  } catch (err) {
    return failed(initialState({}, init.at), ctx, init.at, err);
  }
}

/** A support agent's message, passed to the caller as is. */
const humanSay = (text: string): Output[] => (text.trim() === '' ? [] : [{ type: 'say', text, interruptible: false, source: 'human' }]);

/**
 * After a handoff the session is ended `handed_off` but not over: the caller and a person go on talking
 * (the person's messages pass; the caller's are recorded by the Session, the engine ignores them), the
 * person may release it back to the agent or close it, and the caller may hang up. Any other ended
 * session ignores everything.
 */
function afterHandoff(s: MachineState, event: EngineEvent, ctx: EngineContext): StepResult {
  const run = newRun(ctx, s, event.at);
  if (event.type === 'human_message') run.outputs.push(...humanSay(event.text));
  else if (event.type === 'hangup') endSession(run, 'caller_hangup');
  else if (event.type === 'close') endSession(run, 'closed_by_support');
  else if (event.type === 'release') resumeAfterHandoff(run);
  return { state: run.state, outputs: run.outputs, effects: [] };
}

const isEffectResult = (e: EngineEvent): e is EffectResult & { at: number } =>
  e.type === 'tool_result' || e.type === 'agent_turn_result' || e.type === 'classify_result';

/** One event: a pure function of (state, event, context). Inputs are never mutated. */
export function stepEngine(state: EngineState, event: EngineEvent, ctx: EngineContext): StepResult {
  const s = cloneState(state);
  if (s.status === 'ended') return s.ended_reason === 'handed_off' ? afterHandoff(s, event, ctx) : { state: s, outputs: [], effects: [] };
  try {
    const run = newRun(ctx, s, event.at);
    const before = { ...s.variables };
    if (event.type === 'hangup') endSession(run, event.reason ?? 'caller_hangup');
    else if (event.type === 'close') endSession(run, 'closed_by_support');
    else if (event.at - s.started_at >= ctx.limits.max_duration_ms) endSession(run, 'max_duration');
    else if (event.type === 'human_message') run.outputs.push(...humanSay(event.text));
    else if (isEffectResult(event) ? !handleEffectResult(run, event) : !handleCaller(run, event)) {
      return { state: cloneState(state), outputs: [], effects: [] };
    }
    return finish(run, before);
  } catch (err) {
    return failed(cloneState(state), ctx, event.at, err);
  }
}
