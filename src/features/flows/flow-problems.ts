/**
 * One reason a flow does not validate. `path` is dotted from the flow root (`nodes.3.data.text`);
 * `node_id` / `edge_id` name the offending node or edge whenever there is one. The shape fits the
 * API error `details[]` entries as is.
 */
export interface FlowProblem {
  code: FlowProblemCode;
  node_id?: string;
  edge_id?: string;
  path: string;
  message: string;
}

export type FlowProblemCode =
  | 'invalid_field' // the schema of the flow, a node's data or an edge
  | 'missing_entry'
  | 'multiple_entries'
  | 'duplicate_node_id'
  | 'duplicate_edge_id'
  | 'unknown_edge_source'
  | 'unknown_edge_target'
  | 'unreachable_node'
  | 'unknown_edge_ref' // node data names an edge id that does not exist
  | 'edge_ref_not_outgoing' // node data names an edge that leaves another node
  | 'unreferenced_edge' // an outgoing edge of a branching node that no option/branch/class names
  | 'missing_next_edge'
  | 'ambiguous_next_edge'
  | 'terminal_has_edges'
  | 'loop_without_input'
  | 'unknown_tool'
  | 'unknown_agent'
  | 'unknown_variable'
  | 'malformed_template'
  | 'too_many_problems';

export type ReportProblem = (problem: FlowProblem) => void;
