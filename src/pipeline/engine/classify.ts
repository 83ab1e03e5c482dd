import type { AiClassifyData } from '../../features/flows/node-data-schemas.js';
import type { FlowNodeOf } from '../../features/flows/flow-schema.js';
import { classifyGrammar } from './grammar.js';
import { awaitInput, renderIn, requestEffect, say, setVariable, type Run } from './run.js';
import { wordsOf } from './words.js';

type ClassifyNode = FlowNodeOf<'ai_classify'>;

const containsPhrase = (words: readonly string[], phrase: readonly string[]): boolean => {
  if (phrase.length === 0 || phrase.length > words.length) return false;
  for (let i = 0; i + phrase.length <= words.length; i++) {
    if (phrase.every((w, j) => words[i + j] === w)) return true;
  }
  return false;
};

/**
 * The offline classifier: a class matches when its label or one of its examples occurs in the text
 * as whole words (case and punctuation ignored). The longest matching phrase wins, so "not
 * interested" beats "interested"; ties go to the earlier class. Null when nothing matches.
 */
export function matchKeywords(data: Pick<AiClassifyData, 'classes'>, text: string): string | null {
  const words = wordsOf(text);
  let best: { label: string; length: number } | null = null;
  for (const c of data.classes) {
    for (const keyword of [c.label, ...(c.examples ?? [])]) {
      const phrase = wordsOf(keyword);
      if (containsPhrase(words, phrase) && (best === null || phrase.length > best.length)) best = { label: c.label, length: phrase.length };
    }
  }
  return best?.label ?? null;
}

/** Takes the class's edge (stores its label) or the default edge (stores ''). */
export function chooseClass(run: Run, node: ClassifyNode, label: string | null): string {
  const chosen = label === null ? undefined : node.data.classes.find((c) => c.label.toLowerCase() === label.trim().toLowerCase());
  if (node.data.variable !== undefined) setVariable(run, node.data.variable, chosen?.label ?? '');
  return run.flow!.target(chosen?.edge_id ?? node.data.default_edge_id);
}

/** Classifies `text`: with a model through a `classify` effect, else by keywords right away. */
export function classifyText(run: Run, node: ClassifyNode, text: string): string | null {
  if (text.trim() === '') return chooseClass(run, node, null);
  if (!run.ctx.can_classify_with_model) return chooseClass(run, node, matchKeywords(node.data, text));
  const d = node.data;
  requestEffect(run, {
    type: 'classify',
    node_id: node.id,
    text,
    classes: d.classes.map((c) => ({ label: c.label, ...(c.description === undefined ? {} : { description: c.description }), ...(c.examples === undefined ? {} : { examples: [...c.examples] }) })),
    ...(d.instructions === undefined ? {} : { instructions: renderIn(run, d.instructions) }),
  });
  return null;
}

/** With a prompt: ask and wait for the reply. Without: classify the most recent utterance. */
export function enterClassify(run: Run, node: ClassifyNode): string | null {
  if (node.data.prompt === undefined) {
    const last = run.state.variables.last_utterance;
    return classifyText(run, node, typeof last === 'string' ? last : '');
  }
  say(run, node.data.prompt, { node_id: node.id });
  awaitInput(run, { kind: 'ai_classify', node_id: node.id, attempts: 0 }, classifyGrammar(node.data));
  return null;
}
