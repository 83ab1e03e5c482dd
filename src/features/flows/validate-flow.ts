import { parseFlowGraph } from './flow-graph.js';
import { FlowBody } from './flow-schema.js';
import { checkGraph } from './flow-graph-rules.js';
import type { FlowProblem } from './flow-problems.js';
import { checkVariables } from './flow-variable-rules.js';

export type { FlowProblem, FlowProblemCode } from './flow-problems.js';

/** What validation needs from the organization: the ids that api_call and agent nodes may name. */
export interface FlowValidationContext {
  toolIds: ReadonlySet<string>;
  agentIds: ReadonlySet<string>;
}

export type FlowValidationResult = { ok: true } | { ok: false; problems: FlowProblem[] };

/** A cap on the report, not on the checks: a 500-node flow cannot make the response unbounded. */
export const MAX_REPORTED_PROBLEMS = 1000;

/**
 * Validates a flow body as written by a client (POST, PUT, or a PATCH merged with the stored flow).
 * Takes the raw body so that schema problems inside a node also name the node; reports every
 * problem found, not just the first. Pure: no I/O, the caller supplies the org's tool and agent ids.
 *
 * @example
 * const result = validateFlow(body, { toolIds: new Set(toolIds), agentIds: new Set(agentIds) });
 * if (!result.ok) throw errors.validation('The flow does not validate', result.problems);
 */
export function validateFlow(flow: unknown, ctx: FlowValidationContext): FlowValidationResult {
  const problems: FlowProblem[] = [];
  const report = (p: FlowProblem): void => {
    if (problems.length < MAX_REPORTED_PROBLEMS) problems.push(p);
    else if (problems.length === MAX_REPORTED_PROBLEMS) {
      problems.push({ code: 'too_many_problems', path: '', message: `more than ${MAX_REPORTED_PROBLEMS} problems; fix these first` });
    }
  };
  const graph = parseFlowGraph(flow, report);
  if (graph !== undefined) {
    checkGraph(graph, ctx, report);
    checkVariables(graph, report);
  }
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}

/**
 * `validateFlow`, then the typed (trimmed) flow to store. For services: one call on the raw body.
 *
 * @example
 * const parsed = parseFlow({ ...stored, ...patch }, ctx);
 * if (!parsed.ok) throw errors.validation('The flow does not validate', parsed.problems);
 */
export function parseFlow(flow: unknown, ctx: FlowValidationContext): { ok: true; flow: FlowBody } | { ok: false; problems: FlowProblem[] } {
  const result = validateFlow(flow, ctx);
  return result.ok ? { ok: true, flow: FlowBody.parse(flow) } : result;
}
