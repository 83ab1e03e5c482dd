import { describe, expect, it } from 'vitest';
import { templateRefs } from './flow-variable-rules.js';
import { validateFlow, type FlowProblem } from './validate-flow.js';

type NodeSpec = { id: string; type: string; data?: Record<string, unknown> };
const ctx = { toolIds: new Set(['tool-1']), agentIds: new Set(['agent-1']) };

/** A straight line entry → ...nodes → end, so each test only writes the nodes that matter. */
const line = (nodes: NodeSpec[], extra: Record<string, unknown> = {}) => {
  const all = [{ id: 'start', type: 'entry', data: {} }, ...nodes.map((n) => ({ data: {}, ...n })), { id: 'end', type: 'end_call', data: {} }];
  const edges = all.slice(1).map((n, i) => ({ id: `e${i}`, source: all[i]!.id, target: n.id }));
  return { name: 'vars', nodes: all, edges, ...extra };
};
const problemsOf = (f: unknown): FlowProblem[] => {
  const r = validateFlow(f, ctx);
  return r.ok ? [] : r.problems;
};
const say = (id: string, text: string): NodeSpec => ({ id, type: 'speak', data: { text } });
const collect = (id: string, variable: string): NodeSpec => ({ id, type: 'collect', data: { variable, prompt: 'Tell me', validation: 'free_text' } });

describe('templateRefs', () => {
  it('finds every {{...}} reference, trimmed', () => {
    expect(templateRefs('Hi {{ name }}, {{order.status}} {{}} {{a b}} {single} {{x')).toEqual(['name', 'order.status', '', 'a b']);
  });
});

describe('validateFlow: {{variable}} references', () => {
  it('accepts built-ins and declared flow variables anywhere', () => {
    const f = line([say('a', 'From {{caller_number}} to {{called_number}} on {{channel}} at {{now}}: {{last_utterance}} {{campaign}}')], {
      variables: [{ name: 'campaign' }],
    });
    expect(problemsOf(f)).toEqual([]);
  });

  it('accepts a variable set by an earlier node, and names the node that reads it too early', () => {
    expect(problemsOf(line([collect('ask', 'name'), say('greet', 'Hi {{name}}')]))).toEqual([]);
    expect(problemsOf(line([say('greet', 'Hi {{ name }}'), collect('ask', 'name')]))).toEqual([
      expect.objectContaining({ code: 'unknown_variable', node_id: 'greet', path: 'nodes.1.data.text' }),
    ]);
  });

  it('does not let a node read the variable it sets itself, unless a loop brings it back', () => {
    const ask: NodeSpec = { id: 'ask', type: 'collect', data: { variable: 'n', prompt: 'Was it {{n}}?', validation: 'number' } };
    expect(problemsOf(line([ask])).map((p) => [p.code, p.node_id])).toEqual([['unknown_variable', 'ask']]);
    const loop = line([ask, { id: 'l', type: 'listen', data: {} }]);
    loop.edges.push({ id: 'back', source: 'l', target: 'ask' });
    loop.edges = loop.edges.filter((e) => e.source !== 'l' || e.id === 'back');
    loop.nodes = loop.nodes.filter((n) => n.id !== 'end');
    expect(problemsOf(loop)).toEqual([]);
  });

  it('only counts ancestors: a variable set on a sibling branch is unknown', () => {
    const f = {
      name: 'branches',
      nodes: [
        { id: 'start', type: 'entry', data: {} },
        { id: 'menu', type: 'dtmf_menu', data: { prompt: 'Press', options: [{ digit: '1', edge_id: 'e_1' }, { digit: '2', edge_id: 'e_2' }] } },
        { id: 'ask', type: 'collect', data: { variable: 'email', prompt: 'Email?', validation: 'email' } },
        { id: 'bye1', type: 'end_call', data: { message: 'Bye {{email}}' } },
        { id: 'bye2', type: 'end_call', data: { message: 'Bye {{email}}' } },
      ],
      edges: [
        { id: 'e0', source: 'start', target: 'menu' },
        { id: 'e_1', source: 'menu', target: 'ask' },
        { id: 'e_2', source: 'menu', target: 'bye2' },
        { id: 'e_ask', source: 'ask', target: 'bye1' },
      ],
    };
    expect(problemsOf(f).map((p) => [p.code, p.node_id])).toEqual([['unknown_variable', 'bye2']]);
  });

  it('knows what listen, ai_classify and api_call set, including dotted paths', () => {
    const f = line([
      { id: 'l', type: 'listen', data: { variable: 'heard' } },
      { id: 'ai', type: 'ai_classify', data: { variable: 'intent', classes: [{ label: 'x', edge_id: 'e_ai' }], default_edge_id: 'e_ai' } },
      { id: 'call', type: 'api_call', data: { tool_id: 'tool-1', arguments: { q: '{{heard}}' }, result_variable: 'order', response_mapping: { eta: 'delivery.eta' } } },
      say('s', '{{intent}}: {{order.status}} by {{eta}}'),
    ]);
    f.edges[2] = { id: 'e_ai', source: 'ai', target: 'call' };
    expect(problemsOf(f)).toEqual([]);
  });

  it('checks templates inside tool arguments and agent context', () => {
    const f = line([
      { id: 'call', type: 'api_call', data: { tool_id: 'tool-1', arguments: { filter: { q: ['{{missing}}'] } } } },
      { id: 'ag', type: 'agent', data: { agent_id: 'agent-1', context: 'Ticket {{ticket}}' } },
    ]);
    expect(problemsOf(f).map((p) => [p.node_id, p.path])).toEqual([
      ['call', 'nodes.1.data.arguments.filter.q.0'],
      ['ag', 'nodes.2.data.context'],
    ]);
  });

  it('checks plain variable references: condition, schedule_callback and send_message', () => {
    const f = line([
      { id: 'cond', type: 'condition', data: { branches: [{ when: { variable: 'score', op: 'gt', value: 5 }, edge_id: 'e1' }], default_edge_id: 'e1' } },
      { id: 'cb', type: 'schedule_callback', data: { time_variable: 'when' } },
      { id: 'sms', type: 'send_message', data: { text: 'Hi', to_variable: 'caller_number' } },
    ]);
    expect(problemsOf(f).map((p) => [p.code, p.node_id, p.path])).toEqual([
      ['unknown_variable', 'cond', 'nodes.1.data.branches.0.when.variable'],
      ['unknown_variable', 'cb', 'nodes.2.data.time_variable'],
    ]);
  });

  it('rejects malformed templates', () => {
    const problems = problemsOf(line([say('a', 'Hi {{ 1st }} and {{first name}} and {{}}')]));
    expect(problems.map((p) => [p.code, p.node_id])).toEqual([['malformed_template', 'a'], ['malformed_template', 'a'], ['malformed_template', 'a']]);
  });

  it('reports a repeated unknown reference once per field', () => {
    expect(problemsOf(line([say('a', '{{x}} {{x}} {{ x }}')]))).toHaveLength(1);
  });

  it('rejects setting a built-in or declaring a variable twice', () => {
    expect(problemsOf(line([collect('ask', 'channel')])).map((p) => [p.code, p.node_id, p.path])).toEqual([['invalid_field', 'ask', 'nodes.1.data.variable']]);
    const twice = line([], { variables: [{ name: 'lang' }, { name: 'lang' }] });
    expect(problemsOf(twice).map((p) => p.path)).toEqual(['variables.1.name']);
    expect(problemsOf(line([], { variables: [{ name: 'now' }] })).map((p) => p.path)).toEqual(['variables.0.name']);
  });

  it('leaves unreachable nodes to the reachability rule', () => {
    const f = line([]);
    f.nodes.push({ id: 'orphan', type: 'end_call', data: { message: '{{nobody_sets_this}}' } });
    expect(problemsOf(f).map((p) => p.code)).toEqual(['unreachable_node']);
  });
});
