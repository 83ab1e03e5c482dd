/**
 * The 14 node types as the editor shows them: palette label, what each does, its shape (how it
 * continues, docs/flows.md "How nodes continue"), the data a new node starts with, and its edge slots:
 * the places in its data that name one of its outgoing edges (a DTMF key, a condition branch, an AI
 * class, a default or an exit). Each slot is a source handle on the canvas.
 */
import type { PostBody } from '../../api/client';

export type FlowBody = PostBody<'/api/v1/flows'>;
export type ApiNode = FlowBody['nodes'][number];
export type ApiEdge = FlowBody['edges'][number];
export type NodeType = ApiNode['type'];
export type NodeData = ApiNode['data'];
export type DataOf<T extends NodeType> = Extract<ApiNode, { type: T }>['data'];

export type Shape = 'linear' | 'open' | 'branching' | 'terminal';

/** A place in node data that names an outgoing edge. `handle` is the canvas handle id. */
export interface Slot {
  handle: string;
  label: string;
  /** Where the edge id sits inside `data`. */
  path: Array<string | number>;
  /** The data must name an edge here (an option, branch, class or default); the others are optional exits. */
  required?: boolean;
}

/** The plain way on of linear nodes (and the agent's optional one): an edge the data does not name. */
export const NEXT = 'next';

interface TypeInfo {
  label: string;
  description: string;
  shape: Shape;
  blank: NodeData;
  /** The slots the data defines; linear and open nodes also get the NEXT handle. */
  slots: (data: never) => Slot[];
  /** One line for the canvas card. */
  summary: (data: never) => string;
}

const exit = (key: string, label: string, required = false): Slot => ({ handle: key, label, path: [key], required });

const describeTest = (when: DataOf<'condition'>['branches'][number]['when']): string =>
  when.op === 'within_hours' ? `within ${when.start}–${when.end} ${when.timezone}` : `${when.variable} ${when.op}${when.value === undefined ? '' : ` ${String(when.value)}`}`;

function info<T extends NodeType>(t: { label: string; description: string; shape: Shape; blank: DataOf<T>; slots?: (d: DataOf<T>) => Slot[]; summary: (d: DataOf<T>) => string }): TypeInfo {
  return { ...t, slots: (t.slots ?? (() => [])) as (data: never) => Slot[], summary: t.summary as (data: never) => string };
}

export const NODE_TYPES: Record<NodeType, TypeInfo> = {
  entry: info<'entry'>({ label: 'Start', description: 'Where the flow starts (exactly one)', shape: 'linear', blank: {}, summary: () => 'The flow starts here' }),
  speak: info<'speak'>({ label: 'Speak', description: 'Say or send a text', shape: 'linear', blank: { text: 'Hello!' }, summary: (d) => d.text }),
  listen: info<'listen'>({
    label: 'Listen',
    description: "Wait for the caller's next utterance",
    shape: 'linear',
    blank: {},
    slots: () => [exit('no_input_edge_id', 'No input')],
    summary: (d) => (d.variable ? `Stores the answer in ${d.variable}` : 'Waits for the caller'),
  }),
  collect: info<'collect'>({
    label: 'Collect',
    description: 'Ask for a value until it validates',
    shape: 'linear',
    blank: { variable: 'answer', prompt: 'What is your answer?', validation: 'free_text' },
    slots: () => [exit('failure_edge_id', 'Failed')],
    summary: (d) => `${d.variable} (${d.validation}): ${d.prompt}`,
  }),
  dtmf_menu: info<'dtmf_menu'>({
    label: 'Key menu (DTMF)',
    description: 'Play a menu and branch on a key press',
    shape: 'branching',
    blank: { prompt: 'For sales press 1.', options: [{ digit: '1', edge_id: '' }] },
    slots: (d) => [...d.options.map((o, i): Slot => ({ handle: `options.${i}`, label: `Key ${o.digit}`, path: ['options', i, 'edge_id'], required: true })), exit('no_input_edge_id', 'No input')],
    summary: (d) => d.prompt,
  }),
  condition: info<'condition'>({
    label: 'Condition',
    description: 'Branch on variables or opening hours',
    shape: 'branching',
    blank: { branches: [{ when: { variable: 'answer', op: 'exists' }, edge_id: '' }], default_edge_id: '' },
    slots: (d) => [...d.branches.map((b, i): Slot => ({ handle: `branches.${i}`, label: `If ${describeTest(b.when)}`, path: ['branches', i, 'edge_id'], required: true })), exit('default_edge_id', 'Otherwise', true)],
    summary: (d) => `${d.branches.length} branch${d.branches.length === 1 ? '' : 'es'}, tried in order`,
  }),
  ai_classify: info<'ai_classify'>({
    label: 'AI classify',
    description: 'Route by what the caller means',
    shape: 'branching',
    blank: { prompt: 'How can I help you today?', classes: [{ label: 'billing', edge_id: '' }], default_edge_id: '' },
    slots: (d) => [...d.classes.map((c, i): Slot => ({ handle: `classes.${i}`, label: c.label, path: ['classes', i, 'edge_id'], required: true })), exit('default_edge_id', 'Otherwise', true)],
    summary: (d) => d.prompt ?? 'Classifies the last utterance',
  }),
  api_call: info<'api_call'>({
    label: 'API call',
    description: "Call one of the organization's tools",
    shape: 'linear',
    blank: { tool_id: '' },
    slots: () => [exit('error_edge_id', 'Error')],
    summary: (d) => (d.tool_id ? `Tool ${d.tool_id.slice(0, 8)}` : 'Choose a tool'),
  }),
  agent: info<'agent'>({ label: 'Agent', description: 'Hand the conversation to an AI agent', shape: 'open', blank: { agent_id: '' }, summary: (d) => (d.agent_id ? `Agent ${d.agent_id.slice(0, 8)}` : 'Choose an agent') }),
  transfer: info<'transfer'>({ label: 'Transfer', description: 'Transfer the call (ends the flow)', shape: 'terminal', blank: { queue: 'front_desk' }, summary: (d) => d.phone_number ?? `Queue ${d.queue ?? ''}` }),
  human_handoff: info<'human_handoff'>({ label: 'Human handoff', description: 'Escalate to a support agent (ends the flow)', shape: 'terminal', blank: {}, summary: (d) => `Queue ${d.queue ?? 'default'}` }),
  schedule_callback: info<'schedule_callback'>({
    label: 'Schedule callback',
    description: 'Book a call back later',
    shape: 'linear',
    blank: { delay_minutes: 60 },
    summary: (d) => (d.delay_minutes !== undefined ? `In ${d.delay_minutes} min` : `At {{${d.time_variable ?? ''}}}`),
  }),
  send_message: info<'send_message'>({ label: 'Send message', description: 'Send an SMS or WhatsApp message', shape: 'linear', blank: { text: 'Thanks for calling!' }, summary: (d) => d.text }),
  end_call: info<'end_call'>({ label: 'End', description: 'Say goodbye and end the call or chat', shape: 'terminal', blank: {}, summary: (d) => d.message ?? 'Ends the conversation' }),
};

export const PALETTE = Object.keys(NODE_TYPES) as NodeType[];

/** Every handle of a node, in display order: its data slots, then NEXT for linear and open nodes. */
export function slotsOf(node: { type: NodeType; data: NodeData }): Slot[] {
  const info = NODE_TYPES[node.type];
  const slots = info.slots(node.data as never);
  return info.shape === 'linear' || info.shape === 'open' ? [{ handle: NEXT, label: 'Next', path: [] }, ...slots] : slots;
}

export const summaryOf = (node: { type: NodeType; data: NodeData }): string => NODE_TYPES[node.type].summary(node.data as never);

/** The value at `path` inside `data`. */
export function getIn(data: unknown, path: Array<string | number>): unknown {
  let cur: unknown = data;
  for (const key of path) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[key] : undefined;
  return cur;
}

/** A copy of `data` with `value` at `path` (`undefined` removes the key). */
export function setIn<T>(data: T, path: Array<string | number>, value: unknown): T {
  if (path.length === 0) return value as T;
  const [key, ...rest] = path;
  const copy = (Array.isArray(data) ? [...data] : { ...(data as object) }) as Record<string | number, unknown>;
  const next = setIn(copy[key!], rest, value);
  if (next === undefined && rest.length === 0 && !Array.isArray(copy)) delete copy[key!];
  else copy[key!] = next;
  return copy as T;
}
