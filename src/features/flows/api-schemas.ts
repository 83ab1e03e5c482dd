import { z } from 'zod';
import { toIso } from '../../platform/http/schemas.js';
import { FLOW_LIMITS, FlowEdge, FlowEnvelope, FlowNode, FlowVariable } from './flow-schema.js';
import type { FlowRow } from './repo.js';

/** A zod schema as a plain JSON Schema fragment, for OpenAPI descriptions only (never for validation). */
const jsonSchemaOf = (schema: z.ZodType): Record<string, unknown> => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest;
};

/**
 * Nodes and edges pass the route schema unparsed and are checked one by one by `parseFlow`, so every
 * problem names its node or edge id (the API contract). The OpenAPI document still shows their shape.
 */
const NodeItem = z.unknown().meta({ ...jsonSchemaOf(FlowNode), description: 'A flow node (docs/flows.md "Node types")' });
const EdgeItem = z.unknown().meta({ ...jsonSchemaOf(FlowEdge), description: 'A flow edge' });

/** POST and PUT. PUT is a full replace: an omitted `variables` becomes `[]`. */
export const FlowWriteBody = FlowEnvelope.extend({
  nodes: z.array(NodeItem).max(FLOW_LIMITS.maxNodes),
  edges: z.array(EdgeItem).max(FLOW_LIMITS.maxEdges),
});
export type FlowWriteBody = z.infer<typeof FlowWriteBody>;

/** PATCH: each field given replaces the stored one whole (nodes and edges are whole arrays). */
export const FlowPatchWriteBody = FlowWriteBody.partial().refine((b) => Object.keys(b).length > 0, 'at least one field is required');
export type FlowPatchWriteBody = z.infer<typeof FlowPatchWriteBody>;

export const FlowOut = z.object({
  id: z.string(),
  name: z.string(),
  nodes: z.array(NodeItem),
  edges: z.array(EdgeItem),
  variables: z.array(z.unknown().meta(jsonSchemaOf(FlowVariable))),
  version: z.number().int().describe('Starts at 1; every replace or update adds 1'),
  created_at: z.string(),
  updated_at: z.string(),
});
export type FlowOut = z.infer<typeof FlowOut>;

export const presentFlow = (f: FlowRow): FlowOut => ({
  id: f.id,
  name: f.name,
  nodes: f.nodes,
  edges: f.edges,
  variables: f.variables,
  version: f.version,
  created_at: toIso(f.created_at)!,
  updated_at: toIso(f.updated_at)!,
});
