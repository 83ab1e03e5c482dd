import { describeNode } from '../../features/flows/node-facts.js';
import type { FlowNode } from '../../features/flows/flow-schema.js';
import type { EngineFlow } from '../types.js';

/** Lookups over a validated flow, built once per flow object (the context is immutable). */
export interface FlowIndex {
  entryId: string;
  node(id: string): FlowNode;
  /** The target of an edge by id. */
  target(edgeId: string): string;
  /** The target of the node's next edge (the one its data does not name), or null (an open agent). */
  next(nodeId: string): string | null;
}

const cache = new WeakMap<EngineFlow, FlowIndex>();

export function indexFlow(flow: EngineFlow): FlowIndex {
  const cached = cache.get(flow);
  if (cached !== undefined) return cached;
  const nodes = new Map(flow.nodes.map((n) => [n.id, n]));
  const edges = new Map(flow.edges.map((e) => [e.id, e]));
  const outgoing = new Map<string, EngineFlow['edges'][number][]>();
  for (const e of flow.edges) outgoing.set(e.source, [...(outgoing.get(e.source) ?? []), e]);
  const nextTargets = new Map<string, string>();
  for (const node of flow.nodes) {
    const facts = describeNode(node);
    if (facts.kind !== 'linear' && facts.kind !== 'open') continue;
    const named = new Set(facts.edgeRefs.map((r) => r.value));
    const next = outgoing.get(node.id)?.find((e) => !named.has(e.id));
    if (next !== undefined) nextTargets.set(node.id, next.target);
  }
  const entry = flow.nodes.find((n) => n.type === 'entry');
  if (entry === undefined) throw new Error('flow has no entry node (the engine runs validated flows only)');
  const index: FlowIndex = {
    entryId: entry.id,
    node(id) {
      const node = nodes.get(id);
      if (node === undefined) throw new Error(`unknown node "${id}"`);
      return node;
    },
    target(edgeId) {
      const edge = edges.get(edgeId);
      if (edge === undefined) throw new Error(`unknown edge "${edgeId}"`);
      return edge.target;
    },
    next: (nodeId) => nextTargets.get(nodeId) ?? null,
  };
  cache.set(flow, index);
  return index;
}
