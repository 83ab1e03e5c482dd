import type { FlowNodeOf } from '../../features/flows/flow-schema.js';
import { collectGrammar, FREE } from './grammar.js';
import type { Utterance } from './input.js';
import { awaitInput, say, setVariable, unsetVariable, type Run } from './run.js';
import type { Wait } from './state.js';
import { validateAnswer } from './validators.js';

export const DEFAULT_MAX_ATTEMPTS = 3;

// listen: waits for one utterance; silence takes no_input_edge_id or continues with an empty value.

export function enterListen(run: Run, node: FlowNodeOf<'listen'>): null {
  awaitInput(run, { kind: 'listen', node_id: node.id, attempts: 0 }, FREE, node.data.timeout_ms);
  return null;
}

export function answerListen(run: Run, node: FlowNodeOf<'listen'>, utterance: Utterance | null): string | null {
  const { variable, no_input_edge_id } = node.data;
  // Silence is an empty utterance: later nodes must not see the one before it as the latest.
  if (utterance === null) setVariable(run, 'last_utterance', '');
  if (utterance === null && no_input_edge_id !== undefined) return run.flow!.target(no_input_edge_id);
  if (variable !== undefined) setVariable(run, variable, utterance?.text ?? '');
  return run.flow!.next(node.id);
}

// collect: asks until the answer validates; after max_attempts, failure_edge_id or on with the variable unset.

const askCollect = (run: Run, node: FlowNodeOf<'collect'>, text: string, attempts: number): null => {
  say(run, text, { node_id: node.id });
  awaitInput(run, { kind: 'collect', node_id: node.id, attempts }, collectGrammar(node.data));
  return null;
};

export const enterCollect = (run: Run, node: FlowNodeOf<'collect'>): null => askCollect(run, node, node.data.prompt, 0);

/** An answer (or silence, `utterance` null) to a collect. */
export function answerCollect(run: Run, node: FlowNodeOf<'collect'>, wait: Wait, utterance: Utterance | null): string | null {
  const d = node.data;
  if (utterance !== null) {
    const result = validateAnswer(d, utterance.text, { at: run.at, caller_number: run.state.variables.caller_number });
    if (result.ok) {
      setVariable(run, d.variable, result.value);
      return run.flow!.next(node.id);
    }
  }
  const attempts = wait.attempts + 1;
  if (attempts < (d.max_attempts ?? DEFAULT_MAX_ATTEMPTS)) return askCollect(run, node, d.retry_prompt ?? d.prompt, attempts);
  unsetVariable(run, d.variable);
  return d.failure_edge_id === undefined ? run.flow!.next(node.id) : run.flow!.target(d.failure_edge_id);
}
