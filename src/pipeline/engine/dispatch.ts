import type { FlowNodeOf } from '../../features/flows/flow-schema.js';
import type { CallerEvent, EffectResult } from '../types.js';
import { agentCallerTurn, agentTurnDone } from './agent.js';
import { apiCallDone } from './api-call.js';
import { chooseClass, classifyText } from './classify.js';
import { answerDtmfMenu } from './dtmf-menu.js';
import { utteranceOf, type Utterance } from './input.js';
import { answerCollect, answerListen } from './input-nodes.js';
import { runFrom } from './nodes.js';
import { endSession, type Run } from './run.js';

const RESULT_OF = { run_tool: 'tool_result', classify: 'classify_result', run_agent_turn: 'agent_turn_result' } as const;

/** The pending effect's result; false (ignored, nothing changes) for any other or a stale one. */
export function handleEffectResult(run: Run, result: EffectResult): boolean {
  const s = run.state;
  const pending = s.pending_effect;
  if (s.status !== 'waiting_effect' || pending === null || pending.id !== result.effect_id || RESULT_OF[pending.type] !== result.type) return false;
  s.pending_effect = null;
  s.status = 'waiting_input';
  if (result.type === 'agent_turn_result') {
    if (s.agent === null) return false;
    runFrom(run, agentTurnDone(run, s.agent, result));
  } else if (result.type === 'tool_result') {
    runFrom(run, apiCallDone(run, run.flow!.node((pending as { node_id: string }).node_id) as FlowNodeOf<'api_call'>, result));
  } else {
    runFrom(run, chooseClass(run, run.flow!.node((pending as { node_id: string }).node_id) as FlowNodeOf<'ai_classify'>, result.label));
  }
  return true;
}

/** A caller turn (`utterance`) or silence (null) at whatever the session waits for. */
function answer(run: Run, utterance: Utterance | null): void {
  const wait = run.state.wait!;
  run.state.wait = null;
  if (wait.kind === 'agent') {
    if (utterance !== null) agentCallerTurn(run, run.state.agent!, utterance.text);
    else run.state.wait = wait; // silence while an agent listens: keep waiting
    return;
  }
  const node = run.flow!.node(wait.node_id!);
  switch (wait.kind) {
    case 'listen':
      return runFrom(run, answerListen(run, node as FlowNodeOf<'listen'>, utterance));
    case 'collect':
      return runFrom(run, answerCollect(run, node as FlowNodeOf<'collect'>, wait, utterance));
    case 'dtmf_menu':
      return runFrom(run, answerDtmfMenu(run, node as FlowNodeOf<'dtmf_menu'>, wait, utterance));
    case 'ai_classify':
      return runFrom(run, classifyText(run, node as FlowNodeOf<'ai_classify'>, utterance?.text ?? ''));
  }
}

/** Caller events while waiting for input; false (ignored) for anything else. */
export function handleCaller(run: Run, event: CallerEvent): boolean {
  const s = run.state;
  if (s.status !== 'waiting_input' || s.wait === null) return false;
  // An empty final transcript is the recognizer hearing nothing: silence, not a turn.
  if (event.type === 'silence' || (event.type === 'speech_final' && event.text.trim() === '')) {
    answer(run, null);
    return true;
  }
  const utterance = utteranceOf(event, run.ctx.channel);
  if (utterance === null) return false;
  if (s.turns >= run.ctx.limits.max_turns) {
    endSession(run, 'max_turns');
    return true;
  }
  s.turns += 1;
  s.variables.last_utterance = utterance.text;
  answer(run, utterance);
  return true;
}
