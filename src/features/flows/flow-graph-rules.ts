import type { FlowGraph, GraphNode } from './flow-graph.js';
import type { ReportProblem } from './flow-problems.js';
import { TERMINAL_TYPES } from './node-facts.js';
import { verticesOnCycles } from './cycles.js';

export interface GraphRuleContext {
  toolIds: ReadonlySet<string>;
  agentIds: ReadonlySet<string>;
}

const nodePath = (n: GraphNode, rest = ''): string => `nodes.${n.index}${rest === '' ? '' : `.${rest}`}`;

function checkIdsAndEndpoints(graph: FlowGraph, report: ReportProblem): void {
  const entries = graph.nodes.filter((n) => n.type === 'entry');
  if (entries.length === 0) report({ code: 'missing_entry', path: 'nodes', message: 'the flow needs exactly one entry node' });
  if (entries.length > 1) {
    for (const n of entries) {
      report({ code: 'multiple_entries', node_id: n.id, path: nodePath(n, 'type'), message: `the flow has ${entries.length} entry nodes; exactly one is allowed` });
    }
  }
  for (const n of graph.nodes) {
    if (graph.nodeById.get(n.id) !== n) report({ code: 'duplicate_node_id', node_id: n.id, path: nodePath(n, 'id'), message: `node id "${n.id}" is used more than once` });
  }
  for (const e of graph.edges) {
    const where = `edges.${e.index}`;
    if (graph.edgeById.get(e.id) !== e) report({ code: 'duplicate_edge_id', edge_id: e.id, path: `${where}.id`, message: `edge id "${e.id}" is used more than once` });
    if (!graph.nodeById.has(e.source)) report({ code: 'unknown_edge_source', edge_id: e.id, path: `${where}.source`, message: `source node "${e.source}" does not exist` });
    if (!graph.nodeById.has(e.target)) report({ code: 'unknown_edge_target', edge_id: e.id, path: `${where}.target`, message: `target node "${e.target}" does not exist` });
  }
}

/** Ids of the nodes reachable from the (first) entry node, following edges. */
export function reachableFrom(graph: FlowGraph, startId: string): Set<string> {
  const seen = new Set<string>([startId]);
  const queue = [startId];
  while (queue.length > 0) {
    for (const e of graph.outgoing.get(queue.shift()!) ?? []) {
      if (graph.nodeById.has(e.target) && !seen.has(e.target)) {
        seen.add(e.target);
        queue.push(e.target);
      }
    }
  }
  return seen;
}

function checkReachability(graph: FlowGraph, report: ReportProblem): void {
  const entry = graph.nodes.find((n) => n.type === 'entry');
  if (entry === undefined) return;
  const reachable = reachableFrom(graph, entry.id);
  for (const n of graph.nodes) {
    if (graph.nodeById.get(n.id) === n && !reachable.has(n.id)) {
      report({ code: 'unreachable_node', node_id: n.id, path: nodePath(n), message: 'cannot be reached from the entry node' });
    }
  }
}

/** Edge references in data, the outgoing-edge shape of each node kind, and terminal nodes. */
function checkOutgoingEdges(graph: FlowGraph, report: ReportProblem): void {
  for (const n of graph.nodes) {
    if (graph.nodeById.get(n.id) !== n) continue; // a duplicate id: its edges are ambiguous, reported once
    const outgoing = graph.outgoing.get(n.id) ?? [];
    if (TERMINAL_TYPES.has(n.type)) {
      for (const e of outgoing) {
        report({ code: 'terminal_has_edges', node_id: n.id, edge_id: e.id, path: `edges.${e.index}.source`, message: `a ${n.type} node ends the flow and cannot have outgoing edges` });
      }
      continue;
    }
    if (n.facts === undefined) continue; // data did not parse: its references are unknown
    const referenced = new Set<string>();
    for (const ref of n.facts.edgeRefs) {
      referenced.add(ref.value);
      const edge = graph.edgeById.get(ref.value);
      const path = nodePath(n, `data.${ref.path}`);
      if (edge === undefined) report({ code: 'unknown_edge_ref', node_id: n.id, edge_id: ref.value, path, message: `edge "${ref.value}" does not exist` });
      else if (edge.source !== n.id) {
        report({ code: 'edge_ref_not_outgoing', node_id: n.id, edge_id: ref.value, path, message: `edge "${ref.value}" starts at node "${edge.source}", not at this node` });
      }
    }
    const unreferenced = outgoing.filter((e) => !referenced.has(e.id));
    if (n.facts.kind === 'branching') {
      for (const e of unreferenced) {
        report({ code: 'unreferenced_edge', node_id: n.id, edge_id: e.id, path: `edges.${e.index}`, message: `no option, branch or class of this ${n.type} node uses edge "${e.id}"` });
      }
    } else if (unreferenced.length === 0 && n.facts.kind === 'linear') {
      report({ code: 'missing_next_edge', node_id: n.id, path: nodePath(n), message: `a ${n.type} node needs an outgoing edge to continue (end with an end_call node)` });
    } else {
      for (const e of unreferenced.slice(1)) {
        report({ code: 'ambiguous_next_edge', node_id: n.id, edge_id: e.id, path: `edges.${e.index}`, message: `a ${n.type} node continues along one edge; "${e.id}" is extra` });
      }
    }
  }
}

/**
 * A cycle made only of nodes that never wait for the caller would spin forever (speak → condition →
 * speak). Nodes whose data failed to parse count as waiting, to avoid guessing.
 */
function checkLoopsWithoutInput(graph: FlowGraph, report: ReportProblem): void {
  const busy = graph.nodes.filter((n) => n.facts !== undefined && !n.facts.waitsForCaller && graph.nodeById.get(n.id) === n);
  const position = new Map(busy.map((n, i) => [n.id, i]));
  const adjacency = busy.map((n) => (graph.outgoing.get(n.id) ?? []).flatMap((e) => position.get(e.target) ?? []));
  const onCycle = verticesOnCycles(adjacency);
  busy.forEach((n, i) => {
    if (onCycle[i]) report({ code: 'loop_without_input', node_id: n.id, path: nodePath(n), message: 'is on a loop that never waits for the caller (add a listen, collect, dtmf_menu or agent node)' });
  });
}

function checkReferences(graph: FlowGraph, ctx: GraphRuleContext, report: ReportProblem): void {
  for (const n of graph.nodes) {
    const node = n.node;
    if (node?.type === 'api_call' && !ctx.toolIds.has(node.data.tool_id)) {
      report({ code: 'unknown_tool', node_id: n.id, path: nodePath(n, 'data.tool_id'), message: `tool "${node.data.tool_id}" does not exist in this organization` });
    }
    if (node?.type === 'agent' && !ctx.agentIds.has(node.data.agent_id)) {
      report({ code: 'unknown_agent', node_id: n.id, path: nodePath(n, 'data.agent_id'), message: `agent "${node.data.agent_id}" does not exist in this organization` });
    }
  }
}

export function checkGraph(graph: FlowGraph, ctx: GraphRuleContext, report: ReportProblem): void {
  checkIdsAndEndpoints(graph, report);
  checkReachability(graph, report);
  checkOutgoingEdges(graph, report);
  checkLoopsWithoutInput(graph, report);
  checkReferences(graph, ctx, report);
}
