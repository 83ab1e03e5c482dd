import type { FlowNode } from './flow-schema.js';

/**
 * How a node type behaves in the graph:
 * - `linear`: exactly one outgoing edge that data does not reference (the "next" edge), plus any
 *   optional exits it names (`failure_edge_id`, `error_edge_id`, `no_input_edge_id`).
 * - `open`: like linear, but the next edge is optional (an `agent` may own the rest of the call).
 * - `branching`: every outgoing edge is named by the data (options, branches, classes, default).
 * - `terminal`: no outgoing edges at all.
 */
export type NodeKind = 'linear' | 'open' | 'branching' | 'terminal';

/** A value inside node data, with its dotted path relative to the node's `data`. */
export interface Located<T> {
  value: T;
  path: string;
}

export interface NodeFacts {
  kind: NodeKind;
  /** Edge ids the data points at; each must be an outgoing edge of this node. */
  edgeRefs: Located<string>[];
  /** Variables this node may set for later nodes. */
  sets: Located<string>[];
  /** Variable references that are not templates (condition variables, time_variable, ...). */
  reads: Located<string>[];
  /** Strings that may hold `{{variable}}` templates. */
  texts: Located<string>[];
  /** Whether the node waits for the caller; a loop must pass through one such node. */
  waitsForCaller: boolean;
}

const at = <T>(value: T | undefined, path: string): Located<T>[] => (value === undefined ? [] : [{ value, path }]);

/** Every string inside tool arguments, with its path, so templates in arguments are checked too. */
function stringsIn(value: unknown, path: string): Located<string>[] {
  const out: Located<string>[] = [];
  const stack: Array<{ value: unknown; path: string }> = [{ value, path }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item.value === 'string') out.push({ value: item.value, path: item.path });
    else if (Array.isArray(item.value)) item.value.forEach((v, i) => stack.push({ value: v, path: `${item.path}.${i}` }));
    else if (item.value !== null && typeof item.value === 'object') {
      for (const [k, v] of Object.entries(item.value)) stack.push({ value: v, path: `${item.path}.${k}` });
    }
  }
  return out.reverse();
}

const facts = (kind: NodeKind, parts: Partial<Omit<NodeFacts, 'kind'>> = {}): NodeFacts => ({
  kind,
  edgeRefs: parts.edgeRefs ?? [],
  sets: parts.sets ?? [],
  reads: parts.reads ?? [],
  texts: parts.texts ?? [],
  waitsForCaller: parts.waitsForCaller ?? false,
});

export function describeNode(node: FlowNode): NodeFacts {
  switch (node.type) {
    case 'entry':
      return facts('linear');
    case 'speak':
      return facts('linear', { texts: at(node.data.text, 'text') });
    case 'listen':
      return facts('linear', {
        sets: at(node.data.variable, 'variable'),
        edgeRefs: at(node.data.no_input_edge_id, 'no_input_edge_id'),
        waitsForCaller: true,
      });
    case 'collect': {
      const d = node.data;
      return facts('linear', {
        sets: at(d.variable, 'variable'),
        texts: [...at(d.prompt, 'prompt'), ...at(d.retry_prompt, 'retry_prompt')],
        edgeRefs: at(d.failure_edge_id, 'failure_edge_id'),
        waitsForCaller: true,
      });
    }
    case 'dtmf_menu': {
      const d = node.data;
      return facts('branching', {
        texts: [...at(d.prompt, 'prompt'), ...at(d.invalid_prompt, 'invalid_prompt')],
        edgeRefs: [...d.options.map((o, i) => ({ value: o.edge_id, path: `options.${i}.edge_id` })), ...at(d.no_input_edge_id, 'no_input_edge_id')],
        waitsForCaller: true,
      });
    }
    case 'condition': {
      const d = node.data;
      return facts('branching', {
        edgeRefs: [...d.branches.map((b, i) => ({ value: b.edge_id, path: `branches.${i}.edge_id` })), { value: d.default_edge_id, path: 'default_edge_id' }],
        reads: d.branches.flatMap((b, i) => (b.when.op === 'within_hours' ? [] : [{ value: b.when.variable, path: `branches.${i}.when.variable` }])),
      });
    }
    case 'ai_classify': {
      const d = node.data;
      return facts('branching', {
        sets: at(d.variable, 'variable'),
        texts: [...at(d.prompt, 'prompt'), ...at(d.instructions, 'instructions')],
        edgeRefs: [...d.classes.map((c, i) => ({ value: c.edge_id, path: `classes.${i}.edge_id` })), { value: d.default_edge_id, path: 'default_edge_id' }],
        waitsForCaller: d.prompt !== undefined,
      });
    }
    case 'api_call': {
      const d = node.data;
      return facts('linear', {
        sets: [...at(d.result_variable, 'result_variable'), ...Object.keys(d.response_mapping ?? {}).map((k) => ({ value: k, path: `response_mapping.${k}` }))],
        texts: d.arguments === undefined ? [] : stringsIn(d.arguments, 'arguments'),
        edgeRefs: at(d.error_edge_id, 'error_edge_id'),
      });
    }
    case 'agent':
      return facts('open', { texts: at(node.data.context, 'context'), waitsForCaller: true });
    case 'transfer':
      return facts('terminal', { texts: at(node.data.message, 'message') });
    case 'human_handoff':
      return facts('terminal', { texts: [...at(node.data.message, 'message'), ...at(node.data.reason, 'reason')] });
    case 'schedule_callback': {
      const d = node.data;
      return facts('linear', {
        reads: [...at(d.time_variable, 'time_variable'), ...at(d.phone_variable, 'phone_variable')],
        texts: [...at(d.message, 'message'), ...at(d.note, 'note')],
      });
    }
    case 'send_message':
      return facts('linear', { texts: at(node.data.text, 'text'), reads: at(node.data.to_variable, 'to_variable') });
    case 'end_call':
      return facts('terminal', { texts: at(node.data.message, 'message') });
  }
}

/** Node types whose kind does not depend on data, for nodes whose data failed to parse. */
export const TERMINAL_TYPES: ReadonlySet<string> = new Set(['transfer', 'human_handoff', 'end_call']);
