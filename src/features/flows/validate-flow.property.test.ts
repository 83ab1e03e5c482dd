import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateFlow } from './validate-flow.js';

const ctx = { toolIds: new Set(['tool-1']), agentIds: new Set(['agent-1']) };

type Node = { id: string; type: string; data: Record<string, unknown> };
type Edge = { id: string; source: string; target: string };
type Flow = { name: string; nodes: Node[]; edges: Edge[] };

/** Data for a node that continues along one edge; `n` keeps variable names unique per position. */
const middleData = (n: number): fc.Arbitrary<Omit<Node, 'id'>> =>
  fc.oneof(
    fc.constant({ type: 'speak', data: { text: 'Hello {{caller_number}}' } }),
    fc.constant({ type: 'listen', data: { variable: `heard_${n}` } }),
    fc.constantFrom('digits', 'email', 'yes_no', 'free_text').map((validation) => ({ type: 'collect', data: { variable: `v_${n}`, prompt: 'Tell me', validation } })),
    fc.constant({ type: 'api_call', data: { tool_id: 'tool-1', arguments: { q: '{{channel}}' }, result_variable: `r_${n}` } }),
    fc.integer({ min: 1, max: 1440 }).map((delay_minutes) => ({ type: 'schedule_callback', data: { delay_minutes } })),
    fc.constantFrom('sms', 'whatsapp').map((channel) => ({ type: 'send_message', data: { channel, text: 'Thanks' } })),
  );

const lastData = fc.constantFrom<Omit<Node, 'id'>>(
  { type: 'end_call', data: { message: 'Bye' } },
  { type: 'transfer', data: { phone_number: '+14155552671' } },
  { type: 'human_handoff', data: { queue: 'support' } },
  { type: 'agent', data: { agent_id: 'agent-1' } },
);

/**
 * A valid chain entry → m1 → … → last, with unique random ids and the node and edge arrays shuffled
 * (order in the arrays carries no meaning). Each middle node may read what the node before it set.
 */
const validChain: fc.Arbitrary<Flow> = fc
  .integer({ min: 0, max: 25 })
  .chain((count) =>
    fc.tuple(
      fc.tuple(...Array.from({ length: count }, (_, i) => middleData(i))),
      lastData,
      fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/), { minLength: count + 2, maxLength: count + 2 }),
      fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/), { minLength: count + 1, maxLength: count + 1 }),
      fc.integer(),
    ),
  )
  .map(([middle, last, nodeIds, edgeIds, seed]) => {
    const chain = [{ type: 'entry', data: {} }, ...middle, last].map((n, i) => ({ ...n, id: nodeIds[i]! }) as Node);
    const set: string[] = [];
    for (const n of chain) {
      if (n.type === 'speak') n.data = { text: ['Hello {{caller_number}}', ...set.map((v) => `{{${v}}}`)].join(' ') };
      for (const key of ['variable', 'result_variable']) if (typeof n.data[key] === 'string') set.push(n.data[key] as string);
    }
    const edges = chain.slice(1).map((n, i) => ({ id: edgeIds[i]!, source: chain[i]!.id, target: n.id }));
    const shuffle = <T>(xs: T[]): T[] => xs.map((x, i) => [((i + 1) * (seed | 1)) % 9973, x] as const).sort((a, b) => a[0] - b[0]).map(([, x]) => x);
    return { name: 'chain', nodes: shuffle(chain), edges: shuffle(edges) };
  });

const problemsOf = (f: unknown) => {
  const r = validateFlow(f, ctx);
  return r.ok ? [] : r.problems;
};

describe('validateFlow properties', () => {
  it('accepts every valid chain', () => {
    fc.assert(fc.property(validChain, (flow) => {
        expect(problemsOf(flow)).toEqual([]);
      }));
  });

  it('rejects a chain without its entry node', () => {
    fc.assert(
      fc.property(validChain, (flow) => {
        const nodes = flow.nodes.filter((n) => n.type !== 'entry');
        expect(problemsOf({ ...flow, nodes }).map((p) => p.code)).toContain('missing_entry');
      }),
    );
  });

  it('rejects a chain missing any one edge, naming a node next to the gap', () => {
    fc.assert(
      fc.property(validChain, fc.nat(), (flow, pick) => {
        const removed = flow.edges[pick % flow.edges.length]!;
        const problems = problemsOf({ ...flow, edges: flow.edges.filter((e) => e !== removed) });
        expect(problems.length).toBeGreaterThan(0);
        expect(problems.some((p) => p.node_id === removed.source || p.node_id === removed.target)).toBe(true);
      }),
    );
  });

  it('rejects a second entry node, naming it', () => {
    fc.assert(
      fc.property(validChain, (flow) => {
        const extra = { id: 'second_entry_node', type: 'entry', data: {} };
        const problems = problemsOf({ ...flow, nodes: [...flow.nodes, extra] });
        expect(problems).toContainEqual(expect.objectContaining({ code: 'multiple_entries', node_id: 'second_entry_node' }));
      }),
    );
  });

  it('rejects an edge leaving a terminal node, naming the node', () => {
    fc.assert(
      fc.property(validChain, (flow) => {
        const last = flow.nodes.find((n) => ['end_call', 'transfer', 'human_handoff'].includes(n.type));
        fc.pre(last !== undefined);
        const entry = flow.nodes.find((n) => n.type === 'entry')!;
        const problems = problemsOf({ ...flow, edges: [...flow.edges, { id: 'extra_edge', source: last!.id, target: entry.id }] });
        expect(problems).toContainEqual(expect.objectContaining({ code: 'terminal_has_edges', node_id: last!.id }));
      }),
    );
  });

  it('rejects duplicate dtmf digits, naming the menu', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom(...'0123456789*#'), { minLength: 1, maxLength: 12 }), fc.nat(), (digits, pick) => {
        const options = digits.map((digit) => ({ digit, edge_id: 'e_out' }));
        const menu = (opts: typeof options) => ({
          name: 'menu',
          nodes: [{ id: 'start', type: 'entry', data: {} }, { id: 'menu', type: 'dtmf_menu', data: { prompt: 'Press', options: opts } }, { id: 'end', type: 'end_call', data: {} }],
          edges: [{ id: 'e_in', source: 'start', target: 'menu' }, { id: 'e_out', source: 'menu', target: 'end' }],
        });
        expect(problemsOf(menu(options))).toEqual([]);
        const dup = [...options, options[pick % options.length]!];
        fc.pre(dup.length <= 12);
        expect(problemsOf(menu(dup)).map((p) => p.node_id)).toEqual(['menu']);
      }),
    );
  });

  it('never throws and never accepts arbitrary JSON', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
        expect(validateFlow(value, ctx).ok).toBe(false);
      }));
  });

  it('never throws on flows with arbitrary nodes and edges', () => {
    const anyNode = fc.record({ id: fc.constantFrom('a', 'b', 'c', 'start'), type: fc.constantFrom('entry', 'speak', 'dtmf_menu', 'end_call', 'x'), data: fc.jsonValue() });
    const anyEdge = fc.record({ id: fc.constantFrom('e1', 'e2'), source: fc.constantFrom('a', 'b', 'start'), target: fc.constantFrom('a', 'b', 'c') });
    fc.assert(
      fc.property(fc.array(anyNode, { maxLength: 8 }), fc.array(anyEdge, { maxLength: 8 }), (nodes, edges) => {
        const result = validateFlow({ name: 'fuzz', nodes, edges }, ctx);
        if (!result.ok) for (const p of result.problems) expect(typeof p.message).toBe('string');
      }),
    );
  });
});
