import { describe, expect, it } from 'vitest';
import { MAX_REPORTED_PROBLEMS, validateFlow, type FlowProblem } from './validate-flow.js';

type NodeSpec = { id: string; type: string; data?: Record<string, unknown> };
const flow = (nodes: NodeSpec[], edges: Array<[string, string, string]>) => ({
  name: 'test',
  nodes: nodes.map((n) => ({ data: {}, ...n })),
  edges: edges.map(([id, source, target]) => ({ id, source, target })),
});
const ctx = { toolIds: new Set(['tool-1']), agentIds: new Set(['agent-1']) };
const problemsOf = (f: unknown): FlowProblem[] => {
  const r = validateFlow(f, ctx);
  return r.ok ? [] : r.problems;
};
/** [code, node_id or edge_id] pairs, the shape most assertions need. */
const found = (f: unknown) => problemsOf(f).map((p) => [p.code, p.node_id ?? p.edge_id]);

const entry: NodeSpec = { id: 'start', type: 'entry' };
const end: NodeSpec = { id: 'end', type: 'end_call' };
const speak = (id: string): NodeSpec => ({ id, type: 'speak', data: { text: `I am ${id}` } });

describe('validateFlow: graph shape', () => {
  it('accepts the smallest flow: entry → end_call', () => {
    expect(validateFlow(flow([entry, end], [['e1', 'start', 'end']]), ctx)).toEqual({ ok: true });
  });

  it('requires an entry node', () => {
    expect(found(flow([speak('a'), end], [['e1', 'a', 'end']]))).toEqual([['missing_entry', undefined]]);
  });

  it('rejects more than one entry, naming each', () => {
    const f = flow([entry, { id: 'start2', type: 'entry' }, end], [['e1', 'start', 'end'], ['e2', 'start2', 'end']]);
    expect(found(f)).toEqual([['multiple_entries', 'start'], ['multiple_entries', 'start2'], ['unreachable_node', 'start2']]);
  });

  it('rejects duplicate node and edge ids', () => {
    const f = flow([entry, speak('a'), speak('a'), end], [['e1', 'start', 'a'], ['e1', 'a', 'end']]);
    const problems = problemsOf(f);
    expect(problems).toContainEqual(expect.objectContaining({ code: 'duplicate_node_id', node_id: 'a', path: 'nodes.2.id' }));
    expect(problems).toContainEqual(expect.objectContaining({ code: 'duplicate_edge_id', edge_id: 'e1', path: 'edges.1.id' }));
  });

  it('rejects edges whose endpoints do not exist', () => {
    const f = flow([entry, end], [['e1', 'start', 'end'], ['e2', 'ghost', 'end'], ['e3', 'end', 'nowhere']]);
    expect(found(f)).toEqual(expect.arrayContaining([['unknown_edge_source', 'e2'], ['unknown_edge_target', 'e3']]));
  });

  it('reports every node unreachable from the entry', () => {
    const f = flow([entry, end, speak('island'), { id: 'lost', type: 'end_call' }], [['e1', 'start', 'end'], ['e2', 'island', 'lost']]);
    expect(found(f)).toEqual([['unreachable_node', 'island'], ['unreachable_node', 'lost']]);
  });

  it('rejects outgoing edges on terminal nodes', () => {
    for (const terminal of [{ type: 'end_call', data: {} }, { type: 'transfer', data: { queue: 'q' } }, { type: 'human_handoff', data: {} }]) {
      const f = flow([entry, { id: 't', ...terminal }, end], [['e1', 'start', 't'], ['e2', 't', 'end']]);
      expect(problemsOf(f)).toEqual([expect.objectContaining({ code: 'terminal_has_edges', node_id: 't', edge_id: 'e2' })]);
    }
  });

  it('requires a next edge on nodes that continue, but not on an agent', () => {
    expect(found(flow([entry, speak('a')], [['e1', 'start', 'a']]))).toEqual([['missing_next_edge', 'a']]);
    expect(found(flow([entry], []))).toEqual([['missing_next_edge', 'start']]);
    const agent = { id: 'ag', type: 'agent', data: { agent_id: 'agent-1' } };
    expect(found(flow([entry, agent], [['e1', 'start', 'ag']]))).toEqual([]);
    expect(found(flow([entry, agent, end], [['e1', 'start', 'ag'], ['e2', 'ag', 'end']]))).toEqual([]);
  });

  it('rejects a second next edge on a linear node', () => {
    const f = flow([entry, speak('a'), end, { id: 'end2', type: 'end_call' }], [['e1', 'start', 'a'], ['e2', 'a', 'end'], ['e3', 'a', 'end2']]);
    expect(problemsOf(f)).toEqual([expect.objectContaining({ code: 'ambiguous_next_edge', node_id: 'a', edge_id: 'e3' })]);
  });

  it('does not count an exit edge (failure_edge_id) as the next edge', () => {
    const collect = { id: 'c', type: 'collect', data: { variable: 'n', prompt: 'Number?', validation: 'number', failure_edge_id: 'e_fail' } };
    expect(found(flow([entry, collect, end], [['e1', 'start', 'c'], ['e_fail', 'c', 'end']]))).toEqual([['missing_next_edge', 'c']]);
    expect(found(flow([entry, collect, end], [['e1', 'start', 'c'], ['e_fail', 'c', 'end'], ['e2', 'c', 'end']]))).toEqual([]);
  });

  it('rejects loops that never wait for the caller, naming every node on them', () => {
    const f = flow([entry, speak('a'), speak('b')], [['e1', 'start', 'a'], ['e2', 'a', 'b'], ['e3', 'b', 'a']]);
    expect(found(f)).toEqual([['loop_without_input', 'a'], ['loop_without_input', 'b']]);
    const listen = { id: 'l', type: 'listen', data: {} };
    expect(found(flow([entry, speak('a'), listen], [['e1', 'start', 'a'], ['e2', 'a', 'l'], ['e3', 'l', 'a']]))).toEqual([]);
  });
});

describe('validateFlow: edge references in node data', () => {
  const menu = (options: Array<[string, string]>, extra: Record<string, unknown> = {}): NodeSpec => ({
    id: 'menu',
    type: 'dtmf_menu',
    data: { prompt: 'Press a key', options: options.map(([digit, edge_id]) => ({ digit, edge_id })), ...extra },
  });

  it('rejects references to edges that do not exist or leave another node', () => {
    const f = flow([entry, menu([['1', 'e_one'], ['2', 'e1']]), end], [['e1', 'start', 'menu'], ['e_one', 'menu', 'end']]);
    expect(problemsOf(f)).toEqual([
      expect.objectContaining({ code: 'edge_ref_not_outgoing', node_id: 'menu', edge_id: 'e1', path: 'nodes.1.data.options.1.edge_id' }),
    ]);
    const g = flow([entry, menu([['1', 'e_missing']]), end], [['e1', 'start', 'menu'], ['e_one', 'menu', 'end']]);
    expect(found(g)).toEqual([['unknown_edge_ref', 'menu'], ['unreferenced_edge', 'menu']]);
  });

  it('rejects outgoing edges of a branching node that nothing names', () => {
    const f = flow([entry, menu([['1', 'e_one']]), end], [['e1', 'start', 'menu'], ['e_one', 'menu', 'end'], ['e_two', 'menu', 'end']]);
    expect(problemsOf(f)).toEqual([expect.objectContaining({ code: 'unreferenced_edge', node_id: 'menu', edge_id: 'e_two' })]);
  });

  it('lets several options share one edge and accepts a no-input edge', () => {
    const f = flow([entry, menu([['1', 'e_one'], ['#', 'e_one']], { no_input_edge_id: 'e_none' }), end], [['e1', 'start', 'menu'], ['e_one', 'menu', 'end'], ['e_none', 'menu', 'end']]);
    expect(found(f)).toEqual([]);
  });

  it('checks condition and ai_classify defaults like any other reference', () => {
    const cond = { id: 'cond', type: 'condition', data: { branches: [{ when: { variable: 'channel', op: 'eq', value: 'sms' }, edge_id: 'e_sms' }], default_edge_id: 'e_other' } };
    expect(found(flow([entry, cond, end], [['e1', 'start', 'cond'], ['e_sms', 'cond', 'end']]))).toEqual([['unknown_edge_ref', 'cond']]);
    const ai = { id: 'ai', type: 'ai_classify', data: { prompt: 'How can I help?', classes: [{ label: 'billing', edge_id: 'e_bill' }], default_edge_id: 'e_bill' } };
    expect(found(flow([entry, ai, end], [['e1', 'start', 'ai'], ['e_bill', 'ai', 'end']]))).toEqual([]);
  });
});

describe('validateFlow: node data and organization references', () => {
  it('names the node when its data is missing a required field', () => {
    const f = flow([entry, { id: 'hello', type: 'speak', data: {} }, end], [['e1', 'start', 'hello'], ['e2', 'hello', 'end']]);
    expect(problemsOf(f)).toEqual([expect.objectContaining({ code: 'invalid_field', node_id: 'hello', path: 'nodes.1.data.text' })]);
  });

  it('names the node for duplicate or invalid dtmf digits', () => {
    const menu = { id: 'menu', type: 'dtmf_menu', data: { prompt: 'Press', options: [{ digit: '1', edge_id: 'e2' }, { digit: '1', edge_id: 'e2' }, { digit: 'A', edge_id: 'e2' }] } };
    const problems = problemsOf(flow([entry, menu, end], [['e1', 'start', 'menu'], ['e2', 'menu', 'end']]));
    expect(problems.map((p) => [p.node_id, p.path])).toEqual([['menu', 'nodes.1.data.options.2.digit'], ['menu', 'nodes.1.data.options.1.digit']]);
    const dup = { ...menu, data: { ...menu.data, options: menu.data.options.slice(0, 2) } };
    expect(problemsOf(flow([entry, dup, end], [['e1', 'start', 'menu'], ['e2', 'menu', 'end']])).map((p) => [p.node_id, p.path])).toEqual([['menu', 'nodes.1.data.options.1.digit']]);
  });

  it('requires a condition default and at least one branch', () => {
    const cond = { id: 'cond', type: 'condition', data: { branches: [] } };
    const problems = problemsOf(flow([entry, cond, end], [['e1', 'start', 'cond'], ['e2', 'cond', 'end']]));
    expect(problems.map((p) => [p.node_id, p.path])).toEqual([['cond', 'nodes.1.data.branches'], ['cond', 'nodes.1.data.default_edge_id']]);
  });

  it('checks tool and agent ids against the organization', () => {
    const call = { id: 'call', type: 'api_call', data: { tool_id: 'other-org-tool' } };
    const agent = { id: 'ag', type: 'agent', data: { agent_id: 'agent-2' } };
    const f = flow([entry, call, agent], [['e1', 'start', 'call'], ['e2', 'call', 'ag']]);
    expect(problemsOf(f)).toEqual([
      expect.objectContaining({ code: 'unknown_tool', node_id: 'call', path: 'nodes.1.data.tool_id' }),
      expect.objectContaining({ code: 'unknown_agent', node_id: 'ag', path: 'nodes.2.data.agent_id' }),
    ]);
  });

  it('requires an E.164 number or a queue on transfer', () => {
    const transfer = (data: Record<string, unknown>) => flow([entry, { id: 'xfer', type: 'transfer', data }], [['e1', 'start', 'xfer']]);
    expect(found(transfer({ phone_number: '+14155552671' }))).toEqual([]);
    expect(found(transfer({ queue: 'sales' }))).toEqual([]);
    for (const bad of [{ phone_number: '4155552671' }, { phone_number: '+15555555555' }, { phone_number: '+1 415 555 2671' }, {}, { phone_number: '+14155552671', queue: 'sales' }]) {
      expect(found(transfer(bad))).toEqual([['invalid_field', 'xfer']]);
    }
  });

  it('rejects org_id and organization_id wherever they appear, naming the node or edge', () => {
    const call = { id: 'call', type: 'api_call', data: { tool_id: 'tool-1', arguments: { nested: [{ org_id: 'x' }] } } };
    const f = { ...flow([entry, { ...end, org_id: 'x' } as NodeSpec, call], [['e1', 'start', 'call'], ['e2', 'call', 'end']]), organization_id: 'x' };
    f.edges[0] = { ...f.edges[0]!, org_id: 'x' } as (typeof f.edges)[number];
    const problems = problemsOf(f).map((p) => [p.node_id ?? p.edge_id, p.path]);
    expect(problems).toEqual([[undefined, ''], ['end', 'nodes.1'], ['call', 'nodes.2.data.arguments.nested.0.org_id'], ['e1', 'edges.0']]);
  });

  it('does not pile follow-up errors onto a node whose data failed to parse', () => {
    const broken = { id: 'ask', type: 'collect', data: { variable: 'n', prompt: 'Number?', validation: 'roman_numerals' } };
    const f = flow([entry, broken, { id: 'say', type: 'speak', data: { text: 'You said {{n}}' } }, end], [['e1', 'start', 'ask'], ['e2', 'ask', 'say'], ['e3', 'say', 'end']]);
    expect(found(f)).toEqual([['invalid_field', 'ask']]);
  });
});

describe('validateFlow: reporting', () => {
  it('reports every problem at once, each with its node id', () => {
    const f = flow(
      [entry, { id: 'a', type: 'speak', data: {} }, { id: 'b', type: 'api_call', data: { tool_id: 'nope' } }, { id: 'c', type: 'end_call' }, speak('d')],
      [['e1', 'start', 'a'], ['e2', 'a', 'b'], ['e3', 'b', 'c'], ['e4', 'c', 'd']],
    );
    expect(found(f)).toEqual([['invalid_field', 'a'], ['terminal_has_edges', 'c'], ['missing_next_edge', 'd'], ['unknown_tool', 'b']]);
  });

  it('rejects bodies that are not flows without throwing', () => {
    for (const body of [null, 42, 'flow', [], { name: 'x' }, { name: 'x', nodes: {}, edges: [] }]) {
      expect(validateFlow(body, ctx).ok).toBe(false);
    }
  });

  it('enforces the size limits and skips graph checks on oversized flows', () => {
    const many = Array.from({ length: 501 }, (_, i) => speak(`n${i}`));
    expect(problemsOf(flow(many, []))).toEqual([expect.objectContaining({ code: 'invalid_field', path: 'nodes' })]);
    const edges = Array.from({ length: 2001 }, (_, i): [string, string, string] => [`e${i}`, 'start', 'end']);
    expect(problemsOf(flow([entry, end], edges))).toEqual([expect.objectContaining({ code: 'invalid_field', path: 'edges' })]);
    const long = flow([entry, { id: 'a', type: 'speak', data: { text: 'x'.repeat(4001) } }, end], [['e1', 'start', 'a'], ['e2', 'a', 'end']]);
    expect(problemsOf(long)).toEqual([expect.objectContaining({ node_id: 'a', path: 'nodes.1.data.text' })]);
  });

  it(`caps the report at ${MAX_REPORTED_PROBLEMS} problems`, () => {
    const nodes = Array.from({ length: 500 }, (_, i) => ({ id: `n${i}`, type: 'speak', data: {} }));
    const edges = Array.from({ length: 2000 }, (_, i): [string, string, string] => [`e${i}`, `x${i}`, `y${i}`]);
    const problems = problemsOf(flow(nodes, edges));
    expect(problems).toHaveLength(MAX_REPORTED_PROBLEMS + 1);
    expect(problems.at(-1)?.code).toBe('too_many_problems');
  });
});
