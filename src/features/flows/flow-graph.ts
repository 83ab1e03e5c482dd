import type { z } from 'zod';
import { FlowEdge, FlowEnvelope, FlowNode, isNodeType, type NodeType } from './flow-schema.js';
import { describeNode, type NodeFacts } from './node-facts.js';
import type { ReportProblem } from './flow-problems.js';

/** A node with a usable id and type. `node`/`facts` are absent when its data failed to parse. */
export interface GraphNode {
  index: number;
  id: string;
  type: NodeType;
  node?: FlowNode;
  facts?: NodeFacts;
}

export interface GraphEdge {
  index: number;
  id: string;
  source: string;
  target: string;
}

/** A best-effort view of a flow, built even when parts of it are invalid, so every rule can run. */
export interface FlowGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** First node with each id (duplicates are reported separately). */
  nodeById: Map<string, GraphNode>;
  edgeById: Map<string, GraphEdge>;
  outgoing: Map<string, GraphEdge[]>;
  declaredVariables: string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const stringField = (v: unknown, key: string): string | undefined => (isRecord(v) && typeof v[key] === 'string' ? v[key] : undefined);

const joinPath = (prefix: string, path: readonly PropertyKey[]): string =>
  [prefix, ...path.map(String)].filter((p) => p !== '').join('.');

function reportIssues(issues: readonly z.core.$ZodIssue[], prefix: string, ids: { node_id?: string; edge_id?: string }, report: ReportProblem): void {
  for (const issue of issues) {
    report({ code: 'invalid_field', ...ids, path: joinPath(prefix, issue.path), message: issue.message });
  }
}

/**
 * Parses the envelope, then each node and edge on its own so that schema problems carry the node or
 * edge id. Returns no graph when the node or edge arrays themselves are unusable (absent, not arrays,
 * or over the size limits — checking a graph over the limits would be wasted work).
 */
export function parseFlowGraph(input: unknown, report: ReportProblem): FlowGraph | undefined {
  if (!isRecord(input)) {
    report({ code: 'invalid_field', path: '', message: 'flow must be a JSON object' });
    return undefined;
  }
  const envelope = FlowEnvelope.safeParse(input);
  if (!envelope.success) {
    reportIssues(envelope.error.issues, '', {}, report);
    const arraysUnusable = envelope.error.issues.some((i) => i.path.length === 1 && (i.path[0] === 'nodes' || i.path[0] === 'edges'));
    if (arraysUnusable) return undefined;
  }
  const rawNodes = input.nodes as unknown[];
  const rawEdges = input.edges as unknown[];
  if (!Array.isArray(rawNodes) || !Array.isArray(rawEdges)) return undefined;

  const graph: FlowGraph = { nodes: [], edges: [], nodeById: new Map(), edgeById: new Map(), outgoing: new Map(), declaredVariables: [] };

  rawNodes.forEach((raw, index) => {
    const id = stringField(raw, 'id');
    const type = stringField(raw, 'type');
    const parsed = FlowNode.safeParse(raw);
    if (!parsed.success) reportIssues(parsed.error.issues, `nodes.${index}`, id === undefined ? {} : { node_id: id }, report);
    if (id === undefined || !isNodeType(type)) return;
    const node: GraphNode = parsed.success ? { index, id, type, node: parsed.data, facts: describeNode(parsed.data) } : { index, id, type };
    graph.nodes.push(node);
    if (!graph.nodeById.has(id)) graph.nodeById.set(id, node);
  });

  rawEdges.forEach((raw, index) => {
    const id = stringField(raw, 'id');
    const parsed = FlowEdge.safeParse(raw);
    if (!parsed.success) reportIssues(parsed.error.issues, `edges.${index}`, id === undefined ? {} : { edge_id: id }, report);
    const source = stringField(raw, 'source');
    const target = stringField(raw, 'target');
    if (id === undefined || source === undefined || target === undefined) return;
    const edge: GraphEdge = { index, id, source, target };
    graph.edges.push(edge);
    if (!graph.edgeById.has(id)) graph.edgeById.set(id, edge);
    const list = graph.outgoing.get(source);
    if (list) list.push(edge);
    else graph.outgoing.set(source, [edge]);
  });

  if (Array.isArray(input.variables)) {
    for (const v of input.variables) {
      const name = stringField(v, 'name');
      if (name !== undefined) graph.declaredVariables.push(name);
    }
  }
  return graph;
}
