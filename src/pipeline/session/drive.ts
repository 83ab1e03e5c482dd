/**
 * Drives one caller event through the engine: engine step → outputs to the transport → the step's
 * effect performed (outside any transaction) → its result back into the engine → … until the engine
 * waits for the caller or ends. Collects what the turn's one write transaction records.
 */
import type { MessageRow } from '../../features/calls/store.js';
import type { EngineContext, EngineEvent, EngineState, Output, StepResult } from '../types.js';
import { performEffect, type EffectEnv, type TurnAccumulator } from './effects.js';
import type { SessionSink } from './transport.js';

export interface Engine {
  start(ctx: EngineContext, init: { variables: Record<string, unknown>; at: number }): StepResult;
  step(state: EngineState, event: EngineEvent, ctx: EngineContext): StepResult;
}

export type TranscriptEntry = Omit<MessageRow, 'seq' | 'turn'>;

export interface DriveResult extends TurnAccumulator {
  state: EngineState;
  outputs: Output[];
  transcript: TranscriptEntry[];
  engine_ms: number;
}

export function actionText(o: Output): string | null {
  switch (o.type) {
    case 'transfer':
      return `Transfer to ${o.phone_number ?? `queue ${o.queue ?? ''}`}`.trim();
    case 'handoff':
      return `Handed off to a person${o.queue ? ` (queue ${o.queue})` : ''}${o.reason ? `: ${o.reason}` : ''}`;
    case 'send_message':
      return `${o.channel === 'whatsapp' ? 'WhatsApp' : 'SMS'} to ${o.to}: ${o.text}`;
    case 'schedule_callback':
      return `Callback to ${o.phone} at ${o.at}${o.note ? `: ${o.note}` : ''}`;
    default:
      return null;
  }
}

export async function drive(
  engine: Engine,
  engineCtx: EngineContext,
  first: () => StepResult,
  env: Omit<EffectEnv, 'onDelta' | 'variables'>,
  sink: SessionSink,
): Promise<DriveResult> {
  const acc: TurnAccumulator = { tool_calls: [], hits: [], tool_ms: 0, model_ttft_ms: null };
  const transcript: TranscriptEntry[] = [];
  const outputs: Output[] = [];
  let engineMs = 0;
  let message = 0;
  let streamedAgentText = false;
  const timed = (fn: () => StepResult): StepResult => {
    const t = performance.now();
    const r = fn();
    engineMs += performance.now() - t;
    return r;
  };
  let step = timed(first);
  // Bounded by the engine: every effect comes from a node, and nodes per event are capped (limits).
  for (;;) {
    for (const o of step.outputs) {
      outputs.push(o);
      if (o.type === 'say') {
        // An agent turn's reply was streamed as deltas already; any other line goes out as one piece.
        if (!(o.source === 'agent' && streamedAgentText)) sink.onDelta?.(o.text, message);
        // A support agent's message (source human) is the person's line in the transcript, not the agent's.
        if (o.text.trim()) transcript.push({ role: o.source === 'human' ? 'human' : 'agent', text: o.text, at: new Date(), interrupted: false, node_id: o.node_id ?? null, agent_id: o.agent_id ?? null });
        message++;
      } else {
        const text = actionText(o);
        if (text) transcript.push({ role: 'system', text, at: new Date(), interrupted: false, node_id: 'node_id' in o && o.node_id ? o.node_id : null, agent_id: null });
      }
      sink.onOutput?.(o);
    }
    streamedAgentText = false;
    const effect = step.effects[0];
    if (!effect || step.state.status !== 'waiting_effect') break;
    const history = [...env.history, ...transcript.filter((t) => t.role === 'caller' || t.role === 'agent').map((t) => ({ role: t.role as 'caller' | 'agent', text: t.text }))];
    const result = await performEffect(
      { ...env, history, variables: step.state.variables, onDelta: (text) => sink.onDelta?.(text, message) },
      effect,
      acc,
    );
    streamedAgentText = result.type === 'agent_turn_result';
    step = timed(() => engine.step(step.state, { ...result, at: Date.now() }, engineCtx));
  }
  return { ...acc, state: step.state, outputs, transcript, engine_ms: engineMs };
}
