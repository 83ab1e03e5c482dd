/**
 * Import and export of a flow as a JSON file: the document the API takes (`{name, nodes, edges,
 * variables}`), so an exported file can be posted to `/api/v1/flows` as is. An import must have that
 * envelope (the editor cannot draw anything else); the rest is checked by the API's own validation
 * code (src/features/flows), run here against the organization's tools and agents, and the problems
 * are shown on the nodes they name before anything is saved. The API validates again on save.
 */
import type { ErrorDetail } from '../../api/errors';
import { validateFlow } from '../../../../src/features/flows/validate-flow';
import { PALETTE } from './catalog';
import type { FlowDoc } from './graph';

/** The API's default body limit; a bigger file could never be saved. */
export const MAX_IMPORT_BYTES = 1024 * 1024;

export function exportFileName(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'flow';
  return `${slug}.flow.json`;
}

/** Offers the flow as a file download (a blob URL: nothing leaves the browser). */
export function downloadFlow(doc: FlowDoc): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(doc, null, 2) + '\n'], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = exportFileName(doc.name);
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const types: ReadonlySet<string> = new Set(PALETTE);

/** The envelope the editor needs, or why the file is not a flow. Extra top-level fields (an API response's id, version…) are dropped. */
export function parseFlowFile(text: string): FlowDoc {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('The file is not JSON.');
  }
  if (!isObject(json) || !Array.isArray(json.nodes) || !Array.isArray(json.edges)) throw new Error('The file is not a flow: it needs "nodes" and "edges" arrays.');
  const nodes = json.nodes.map((n, i) => {
    if (!isObject(n) || typeof n.id !== 'string' || !types.has(n.type as string) || !isObject(n.data)) throw new Error(`nodes.${i}: each node needs an "id", one of the 14 node types and a "data" object.`);
    return n;
  });
  const edges = json.edges.map((e, i) => {
    if (!isObject(e) || typeof e.id !== 'string' || typeof e.source !== 'string' || typeof e.target !== 'string') throw new Error(`edges.${i}: each edge needs "id", "source" and "target".`);
    return e;
  });
  if (json.variables !== undefined && !Array.isArray(json.variables)) throw new Error('"variables" must be an array.');
  return {
    name: typeof json.name === 'string' && json.name.trim() ? json.name : 'Imported flow',
    nodes: nodes as FlowDoc['nodes'],
    edges: edges as FlowDoc['edges'],
    variables: (json.variables ?? []) as FlowDoc['variables'],
  };
}

/**
 * What the API would say about `doc`, given the organization's tool and agent ids. Without them (the
 * lists have not loaded) tool and agent ids are left for the API to judge on save.
 */
export function checkFlow(doc: FlowDoc, ids: { toolIds: string[]; agentIds: string[] } | null): ErrorDetail[] {
  const result = validateFlow(doc, { toolIds: new Set(ids?.toolIds), agentIds: new Set(ids?.agentIds) });
  if (result.ok) return [];
  return ids ? result.problems : result.problems.filter((p) => p.code !== 'unknown_tool' && p.code !== 'unknown_agent');
}

export async function readFlowFile(file: File): Promise<FlowDoc> {
  if (file.size > MAX_IMPORT_BYTES) throw new Error(`The file is larger than ${MAX_IMPORT_BYTES / 1024} KiB.`);
  return parseFlowFile(await file.text());
}
