import { describe, expect, it } from 'vitest';
import { connect, disconnect, fromDoc, removeEdges, removeNodes, renameNode, setConfig, setStart, startOf, toDoc, type FlowDoc } from './graph';
import { autoLayout } from './layout';
import { TEMPLATES } from './templates';
import { validateFlow } from '../../../../src/features/flows/validate-flow';

const ctx = { toolIds: new Set<string>(), agentIds: new Set<string>() };
const menu: FlowDoc = {
  name: 'Menu',
  variables: [],
  nodes: [
    { id: 'start', type: 'entry', data: {} },
    { id: 'menu', type: 'dtmf_menu', data: { prompt: 'Press 1 or 2', options: [{ digit: '1', edge_id: '' }, { digit: '2', edge_id: '' }] } },
    { id: 'sales', type: 'transfer', data: { queue: 'sales' } },
    { id: 'bye', type: 'end_call', data: {} },
  ],
  edges: [],
};
const node = (doc: FlowDoc, id: string) => doc.nodes.find((n) => n.id === id)!;

/** The editor's graph edits keep the flow document's rules: branches name their edges by id. */
describe('flow editor graph', () => {
  it('connecting a DTMF key writes the new edge id into that option, and the result validates', () => {
    let g = fromDoc(menu);
    g = setStart(g, 'menu');
    g = connect(g, 'menu', 'options.0', 'sales');
    g = connect(g, 'menu', 'options.1', 'bye');
    const doc = toDoc('Menu', [], g);
    const options = (node(doc, 'menu').data as { options: Array<{ edge_id: string }> }).options;
    expect(options.map((o) => doc.edges.find((e) => e.id === o.edge_id)?.target)).toEqual(['sales', 'bye']);
    expect(g.edges.find((e) => e.target === 'sales')?.sourceHandle).toBe('options.0');
    expect(startOf(g)).toBe('menu');
    expect(validateFlow(doc, ctx)).toEqual({ ok: true });
  });

  it('reconnecting a slot replaces its edge; deleting an edge clears the slot', () => {
    let g = connect(setStart(fromDoc(menu), 'menu'), 'menu', 'options.0', 'sales');
    g = connect(g, 'menu', 'options.0', 'bye');
    expect(g.edges.filter((e) => e.source === 'menu').map((e) => e.target)).toEqual(['bye']);
    g = connect(g, 'menu', 'no_input_edge_id', 'bye');
    const noInput = (toDoc('x', [], g).nodes[1]!.data as { no_input_edge_id?: string }).no_input_edge_id!;
    g = removeEdges(g, new Set([noInput]));
    expect(toDoc('x', [], g).nodes[1]!.data).not.toHaveProperty('no_input_edge_id');
    g = removeNodes(g, new Set(['bye']));
    expect((toDoc('x', [], g).nodes[1]!.data as { options: Array<{ edge_id: string }> }).options[0]!.edge_id).toBe('');
  });

  it('a linear node has one next edge; removing a DTMF option from the form drops its edge', () => {
    let g = setStart(fromDoc(menu), 'sales');
    g = setStart(g, 'menu');
    expect(g.edges.filter((e) => e.source === 'start').map((e) => e.target)).toEqual(['menu']);
    g = connect(connect(g, 'menu', 'options.0', 'sales'), 'menu', 'options.1', 'bye');
    const data = toDoc('x', [], g).nodes[1]!.data as { prompt: string; options: Array<{ digit: string; edge_id: string }> };
    g = setConfig(g, 'menu', { ...data, options: [data.options[1]!] });
    expect(g.edges.filter((e) => e.source === 'menu').map((e) => [e.target, e.sourceHandle])).toEqual([['bye', 'options.0']]);
  });

  it('disconnecting a handle removes its edge and clears what named it', () => {
    let g = connect(connect(setStart(fromDoc(menu), 'menu'), 'menu', 'options.0', 'sales'), 'menu', 'options.1', 'bye');
    g = disconnect(g, 'menu', 'options.1');
    expect(g.edges.filter((e) => e.source === 'menu').map((e) => e.target)).toEqual(['sales']);
    expect((toDoc('x', [], g).nodes[1]!.data as { options: Array<{ edge_id: string }> }).options[1]!.edge_id).toBe('');
    g = disconnect(g, 'start', 'next');
    expect(startOf(g)).toBeUndefined();
  });

  it('renaming a node rewires its edges', () => {
    const g = renameNode(setStart(fromDoc(menu), 'menu'), 'menu', 'main_menu');
    expect(toDoc('x', [], g).edges).toEqual([{ id: 'e_start_menu', source: 'start', target: 'main_menu' }]);
  });

  it('every template survives the editor unchanged, with shared edges (two branches on one edge) kept', () => {
    for (const t of TEMPLATES) {
      const doc = { ...t.flow, variables: t.flow.variables ?? [] };
      expect(toDoc(doc.name, doc.variables, fromDoc(doc))).toEqual(doc);
    }
  });

  it('lays a flow out the same way every time, entry first, no two cards on one spot', () => {
    const flow = TEMPLATES.find((t) => t.id === 'appointment-booking')!.flow;
    const a = autoLayout(flow.nodes, flow.edges);
    expect(autoLayout(flow.nodes, flow.edges)).toEqual(a);
    expect(a.start).toEqual({ x: 0, y: 0 });
    expect(new Set(Object.values(a).map((p) => `${p.x},${p.y}`)).size).toBe(flow.nodes.length);
  });
});
