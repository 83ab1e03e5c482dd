import type { FlowGraph } from './flow-graph.js';
import type { ReportProblem } from './flow-problems.js';
import { BUILT_IN_VARIABLES, VARIABLE_REF_PATTERN } from './flow-primitives.js';
import { reachableFrom } from './flow-graph-rules.js';
import { isCyclic, stronglyConnectedComponents } from './cycles.js';

const TEMPLATE = /\{\{([^{}]*)\}\}/g;
/** Stands for "anything": set by a node whose data failed to parse, so what it sets is unknown. */
const UNKNOWN = '\u0000unknown';

/** The `{{...}}` references in a text, trimmed; malformed ones are returned too, for reporting. */
export function templateRefs(text: string): string[] {
  return [...text.matchAll(TEMPLATE)].map((m) => (m[1] ?? '').trim());
}

const rootOf = (ref: string): string => ref.split('.')[0] ?? ref;

/** Variable names as bit positions; bit 0 is UNKNOWN. */
type Bits = Uint32Array;
const hasBit = (bits: Bits, i: number): boolean => ((bits[i >>> 5]! >>> (i & 31)) & 1) === 1;
const orInto = (target: Bits, source: Bits): void => source.forEach((word, i) => (target[i]! |= word));

/**
 * Variables each reachable node may read: those set by a node that precedes it on some path from the
 * entry ("may be set", not "must be set": the runtime renders an unset variable as an empty string).
 * Within a strongly connected component every node precedes every other one, so the components are
 * walked once in topological order: O((nodes + edges) × variables / 32).
 */
function availableBefore(graph: FlowGraph, reachable: readonly string[]): (nodeId: string) => ((name: string) => boolean) | undefined {
  const position = new Map(reachable.map((id, i) => [id, i]));
  const adjacency = reachable.map((id) => (graph.outgoing.get(id) ?? []).flatMap((e) => position.get(e.target) ?? []));
  const bitOf = new Map<string, number>([[UNKNOWN, 0]]);
  const setsOf = reachable.map((id) => {
    const facts = graph.nodeById.get(id)!.facts;
    return (facts === undefined ? [UNKNOWN] : facts.sets.map((s) => s.value)).map((name) => {
      if (!bitOf.has(name)) bitOf.set(name, bitOf.size);
      return bitOf.get(name)!;
    });
  });
  const words = Math.ceil(bitOf.size / 32);
  const components = stronglyConnectedComponents(adjacency).reverse();
  const componentOf = new Int32Array(reachable.length);
  components.forEach((component, c) => component.forEach((v) => (componentOf[v] = c)));
  const incoming = components.map(() => new Uint32Array(words));
  const visible = new Map<string, Bits>();
  components.forEach((component, c) => {
    const out = incoming[c]!.slice();
    for (const v of component) for (const bit of setsOf[v]!) out[bit >>> 5]! |= 1 << (bit & 31);
    const seen = isCyclic(component, adjacency) ? out : incoming[c]!;
    for (const v of component) {
      visible.set(reachable[v]!, seen);
      for (const w of adjacency[v]!) if (componentOf[w] !== c) orInto(incoming[componentOf[w]!]!, out);
    }
  });
  return (nodeId) => {
    const bits = visible.get(nodeId);
    if (bits === undefined) return undefined;
    if (hasBit(bits, 0)) return () => true;
    return (name) => {
      const bit = bitOf.get(name);
      return bit !== undefined && hasBit(bits, bit);
    };
  };
}

/**
 * Checks every `{{variable}}` in node text and every plain variable reference (condition variables,
 * time_variable, ...) against built-ins, the flow's declared variables and what earlier nodes set.
 * Unreachable nodes are only checked for malformed templates (they are reported as unreachable).
 */
export function checkVariables(graph: FlowGraph, report: ReportProblem): void {
  const entry = graph.nodes.find((n) => n.type === 'entry');
  const isAvailable = availableBefore(graph, entry === undefined ? [] : [...reachableFrom(graph, entry.id)]);
  const always = new Set<string>([...BUILT_IN_VARIABLES, ...graph.declaredVariables]);

  for (const n of graph.nodes) {
    if (n.facts === undefined || graph.nodeById.get(n.id) !== n) continue;
    const known = isAvailable(n.id);
    const check = (ref: string, path: string, shown: string): void => {
      const root = rootOf(ref);
      if (known !== undefined && !always.has(root) && !known(root)) {
        report({ code: 'unknown_variable', node_id: n.id, path, message: `${shown} is not set by any earlier node, and is neither built in nor declared in the flow's variables` });
      }
    };
    for (const text of n.facts.texts) {
      const path = `nodes.${n.index}.data.${text.path}`;
      const seen = new Set<string>();
      for (const ref of templateRefs(text.value)) {
        if (seen.has(ref)) continue;
        seen.add(ref);
        if (!VARIABLE_REF_PATTERN.test(ref)) {
          report({ code: 'malformed_template', node_id: n.id, path, message: `"{{${ref}}}" is not a variable reference (use {{name}} or {{name.field}})` });
        } else check(ref, path, `{{${ref}}}`);
      }
    }
    for (const read of n.facts.reads) check(read.value, `nodes.${n.index}.data.${read.path}`, `variable "${read.value}"`);
  }
}
