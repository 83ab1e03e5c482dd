import type { FlowNodeOf } from '../../features/flows/flow-schema.js';
import { menuGrammar } from './grammar.js';
import type { Utterance } from './input.js';
import { DEFAULT_MAX_ATTEMPTS } from './input-nodes.js';
import { awaitInput, endSession, say, type Run } from './run.js';
import type { Wait } from './state.js';
import { digitsOf } from './words.js';

type MenuNode = FlowNodeOf<'dtmf_menu'>;

const ask = (run: Run, node: MenuNode, attempts: number): null => {
  say(run, node.data.prompt, { node_id: node.id });
  awaitInput(run, { kind: 'dtmf_menu', node_id: node.id, attempts }, menuGrammar(node.data), node.data.timeout_ms);
  return null;
};

export const enterDtmfMenu = (run: Run, node: MenuNode): null => ask(run, node, 0);

/** The key of a turn: a key press, a text that is only keys, or (voice) a spoken key ("two", "star"). */
function keyOf(run: Run, utterance: Utterance): string | null {
  const keys = utterance.keys ?? (run.ctx.channel === 'voice' ? digitsOf(utterance.text, true) : null);
  return keys === null || keys.length !== 1 ? null : keys;
}

/** A key (or silence, `utterance` null): a listed key takes its edge; anything else is an attempt. */
export function answerDtmfMenu(run: Run, node: MenuNode, wait: Wait, utterance: Utterance | null): string | null {
  const d = node.data;
  const key = utterance === null ? null : keyOf(run, utterance);
  const option = d.options.find((o) => o.digit === key);
  if (option !== undefined) return run.flow!.target(option.edge_id);
  const attempts = wait.attempts + 1;
  if (attempts >= (d.max_attempts ?? DEFAULT_MAX_ATTEMPTS)) {
    if (d.no_input_edge_id !== undefined) return run.flow!.target(d.no_input_edge_id);
    endSession(run, 'no_input');
    return null;
  }
  if (utterance !== null) say(run, d.invalid_prompt, { node_id: node.id });
  return ask(run, node, attempts);
}
