/**
 * The editor's graph: React Flow nodes and edges that carry the API's flow document, and the edits on
 * it. Pure functions (no React), so every edit keeps the document's own rules in step: a branch points
 * at its edge by id (connecting a key, branch or class writes the new edge's id into the node's data;
 * deleting an edge clears it), a linear node has one "next" edge, and each edge's source handle is
 * derived from the data that names it.
 */
import type { Edge, Node } from '@xyflow/react';
import { getIn, NEXT, NODE_TYPES, setIn, slotsOf, type ApiEdge, type ApiNode, type FlowBody, type NodeData, type NodeType } from './catalog';
import { autoLayout, type XY } from './layout';

export interface CardData extends Record<string, unknown> {
  type: NodeType;
  config: NodeData;
  /** A branching or terminal node with outgoing edges its data does not name (the API refuses them). */
  unnamedOut?: boolean;
}
export type CardNode = Node<CardData, 'flow'>;
export type FlowEdge = Edge<{ label?: string }>;

export interface Graph {
  nodes: CardNode[];
  edges: FlowEdge[];
}

/** A flow the editor can hold: what the API stores and what an export file contains. */
export type FlowDoc = Pick<FlowBody, 'name' | 'nodes' | 'edges'> & { variables: NonNullable<FlowBody['variables']> };

const asApi = (n: CardNode): ApiNode => ({ id: n.id, type: n.data.type, data: n.data.config }) as ApiNode;

/** The handle an edge leaves from: the first slot of its source's data that names it, else "next". */
export function handleOf(node: CardNode | undefined, edgeId: string): string {
  if (!node) return NEXT;
  const slot = slotsOf(asApi(node)).find((s) => s.handle !== NEXT && getIn(node.data.config, s.path) === edgeId);
  return slot?.handle ?? NEXT;
}

/** Recomputes every edge's source handle after the data changed (list items shift when one is removed). */
export function withHandles(nodes: CardNode[], edges: FlowEdge[]): Graph {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const routed = edges.map((e) => ({ ...e, sourceHandle: handleOf(byId.get(e.source), e.id) }));
  const unnamed = new Set(routed.filter((e) => e.sourceHandle === NEXT && !hasNext(byId.get(e.source))).map((e) => e.source));
  const marked = nodes.map((n) => (Boolean(n.data.unnamedOut) === unnamed.has(n.id) ? n : { ...n, data: { ...n.data, unnamedOut: unnamed.has(n.id) } }));
  return { nodes: marked, edges: routed };
}

const hasNext = (n: CardNode | undefined) => n !== undefined && ['linear', 'open'].includes(NODE_TYPES[n.data.type].shape);

export function fromDoc(doc: Pick<FlowDoc, 'nodes' | 'edges'>, positions: Record<string, XY> = autoLayout(doc.nodes, doc.edges)): Graph {
  const nodes: CardNode[] = doc.nodes.map((n) => ({ id: n.id, type: 'flow', position: positions[n.id] ?? { x: 0, y: 0 }, data: { type: n.type, config: n.data } }));
  const edges: FlowEdge[] = doc.edges.map((e) => ({ id: e.id, source: e.source, target: e.target, data: e.label === undefined ? {} : { label: e.label } }));
  return withHandles(nodes, edges);
}

export function toDoc(name: string, variables: FlowDoc['variables'], g: Graph): FlowDoc {
  return {
    name,
    nodes: g.nodes.map(asApi),
    edges: g.edges.map((e): ApiEdge => ({ id: e.id, source: e.source, target: e.target, ...(e.data?.label === undefined ? {} : { label: e.data.label }) })),
    variables,
  };
}

/** `base`, `base_2`, `base_3`, … : the first one not taken. */
function freshId(base: string, taken: Set<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

export function addNode(g: Graph, type: NodeType, position: XY): { graph: Graph; id: string } {
  const id = freshId(type === 'entry' ? 'start' : type, new Set(g.nodes.map((n) => n.id)));
  const config = structuredClone(NODE_TYPES[type].blank);
  return { graph: { ...g, nodes: [...g.nodes, { id, type: 'flow', position, data: { type, config } }] }, id };
}

/** Removes edges and clears the data slots that named them (a required slot keeps an empty id, which the API reports). */
export function removeEdges(g: Graph, ids: ReadonlySet<string>): Graph {
  if (ids.size === 0) return g;
  const nodes = g.nodes.map((n) => {
    let config = n.data.config;
    for (const slot of slotsOf(asApi(n))) {
      if (slot.handle === NEXT || !ids.has(getIn(config, slot.path) as string)) continue;
      config = setIn(config, slot.path, slot.required ? '' : undefined);
    }
    return config === n.data.config ? n : { ...n, data: { ...n.data, config } };
  });
  return withHandles(nodes, g.edges.filter((e) => !ids.has(e.id)));
}

export function removeNodes(g: Graph, ids: ReadonlySet<string>): Graph {
  const touching = new Set(g.edges.filter((e) => ids.has(e.source) || ids.has(e.target)).map((e) => e.id));
  const rest = removeEdges(g, touching);
  return { ...rest, nodes: rest.nodes.filter((n) => !ids.has(n.id)) };
}

/**
 * Connects `source`'s handle to `target`. "next" replaces the node's previous next edge; a slot gets a
 * new edge whose id goes into the data, replacing the edge it named (unless another slot shares it).
 */
export function connect(g: Graph, source: string, handle: string, target: string): Graph {
  const node = g.nodes.find((n) => n.id === source);
  if (!node || !g.nodes.some((n) => n.id === target)) return g;
  const id = freshId(`e_${source}_${target}`, new Set(g.edges.map((e) => e.id)));
  const edge: FlowEdge = { id, source, target, sourceHandle: handle, data: {} };
  if (handle === NEXT) {
    const old = new Set(g.edges.filter((e) => e.source === source && e.sourceHandle === NEXT).map((e) => e.id));
    const rest = removeEdges(g, old);
    return withHandles(rest.nodes, [...rest.edges, edge]);
  }
  const slots = slotsOf(asApi(node));
  const slot = slots.find((s) => s.handle === handle);
  if (!slot) return g;
  const previous = getIn(node.data.config, slot.path);
  const shared = slots.some((s) => s !== slot && s.handle !== NEXT && getIn(node.data.config, s.path) === previous);
  const config = setIn(node.data.config, slot.path, id);
  const nodes = g.nodes.map((n) => (n === node ? { ...n, data: { ...n.data, config } } : n));
  const edges = [...g.edges.filter((e) => shared || e.id !== previous), edge];
  return withHandles(nodes, edges);
}

/** Removes the edge that leaves `source` from `handle` (and clears the slot that named it). */
export function disconnect(g: Graph, source: string, handle: string): Graph {
  const node = g.nodes.find((n) => n.id === source);
  const slot = node && slotsOf(asApi(node)).find((s) => s.handle === handle);
  if (!node || !slot) return g;
  const edge = g.edges.find((e) => e.source === source && (handle === NEXT ? e.sourceHandle === NEXT : e.id === getIn(node.data.config, slot.path)));
  return edge ? removeEdges(g, new Set([edge.id])) : g;
}

/** New data for a node (from its form). Edges its old data named and the new data no longer names are removed. */
export function setConfig(g: Graph, id: string, config: NodeData): Graph {
  const node = g.nodes.find((n) => n.id === id);
  if (!node) return g;
  const named = (data: NodeData) => new Set(slotsOf({ type: node.data.type, data }).filter((s) => s.handle !== NEXT).map((s) => getIn(data, s.path)));
  const before = named(node.data.config);
  const after = named(config);
  const dropped = new Set(g.edges.filter((e) => e.source === id && before.has(e.id) && !after.has(e.id)).map((e) => e.id));
  const nodes = g.nodes.map((n) => (n === node ? { ...n, data: { ...n.data, config } } : n));
  return withHandles(nodes, g.edges.filter((e) => !dropped.has(e.id)));
}

export function renameNode(g: Graph, from: string, to: string): Graph {
  const rename = (x: string) => (x === from ? to : x);
  return {
    nodes: g.nodes.map((n) => (n.id === from ? { ...n, id: to } : n)),
    edges: g.edges.map((e) => (e.source === from || e.target === from ? { ...e, source: rename(e.source), target: rename(e.target) } : e)),
  };
}

/** Makes `target` the first step: the entry node (added when missing) gets one next edge, to it. */
export function setStart(g: Graph, target: string): Graph {
  let graph = g;
  let entry = graph.nodes.find((n) => n.data.type === 'entry');
  if (!entry) {
    const at = graph.nodes.find((n) => n.id === target)?.position ?? { x: 0, y: 0 };
    const added = addNode(graph, 'entry', { x: at.x - 340, y: at.y });
    graph = added.graph;
    entry = graph.nodes.find((n) => n.id === added.id)!;
  }
  return connect(graph, entry.id, NEXT, target);
}

/** The node the entry leads to, if any. */
export const startOf = (g: Graph): string | undefined => {
  const entry = g.nodes.find((n) => n.data.type === 'entry');
  return entry && g.edges.find((e) => e.source === entry.id)?.target;
};
