import type { FlowNodeOf } from '../../features/flows/flow-schema.js';
import type { EffectResult } from '../types.js';
import { requestEffect, scopeOf, setVariable, unsetVariable, type Run } from './run.js';
import { readPath, renderDeep } from './templates.js';

type ApiCallNode = FlowNodeOf<'api_call'>;
type ToolResult = Extract<EffectResult, { type: 'tool_result' }>;

/** Asks the Session to call the tool with the arguments' templates rendered. */
export function enterApiCall(run: Run, node: ApiCallNode): null {
  const args = renderDeep(node.data.arguments ?? {}, scopeOf(run)) as Record<string, unknown>;
  requestEffect(run, {
    type: 'run_tool',
    node_id: node.id,
    tool_id: node.data.tool_id,
    arguments: args,
    ...(node.data.timeout_ms === undefined ? {} : { timeout_ms: node.data.timeout_ms }),
  });
  return null;
}

/** Stores the response (whole and mapped fields); on failure unsets them and takes error_edge_id if set. */
export function apiCallDone(run: Run, node: ApiCallNode, result: ToolResult): string | null {
  const { result_variable, response_mapping = {}, error_edge_id } = node.data;
  const names = [...(result_variable === undefined ? [] : [result_variable]), ...Object.keys(response_mapping)];
  names.forEach((name) => unsetVariable(run, name));
  if (!result.ok) return error_edge_id === undefined ? run.flow!.next(node.id) : run.flow!.target(error_edge_id);
  if (result_variable !== undefined && result.value !== undefined) setVariable(run, result_variable, result.value);
  for (const [name, path] of Object.entries(response_mapping)) {
    const value = readPath(result.value, path.split('.'));
    if (value !== undefined) setVariable(run, name, value);
  }
  return run.flow!.next(node.id);
}
