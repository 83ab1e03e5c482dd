import { z } from 'zod';
import { EdgeId, FLOW_LIMITS, NodeId, ShortText, Text, VariableName } from './flow-primitives.js';
import {
  AgentData,
  AiClassifyData,
  ApiCallData,
  CollectData,
  ConditionData,
  DtmfMenuData,
  EndCallData,
  EntryData,
  HumanHandoffData,
  ListenData,
  ScheduleCallbackData,
  SendMessageData,
  SpeakData,
  TransferData,
} from './node-data-schemas.js';

export * from './node-data-schemas.js';
export { BUILT_IN_VARIABLES, FLOW_LIMITS } from './flow-primitives.js';

/** The data schema of each node type; the keys are the node types of the API contract. */
export const NODE_DATA_SCHEMAS = {
  entry: EntryData,
  speak: SpeakData,
  listen: ListenData,
  collect: CollectData,
  dtmf_menu: DtmfMenuData,
  condition: ConditionData,
  ai_classify: AiClassifyData,
  api_call: ApiCallData,
  agent: AgentData,
  transfer: TransferData,
  human_handoff: HumanHandoffData,
  schedule_callback: ScheduleCallbackData,
  send_message: SendMessageData,
  end_call: EndCallData,
} as const;

export type NodeType = keyof typeof NODE_DATA_SCHEMAS;
export const NODE_TYPES = Object.keys(NODE_DATA_SCHEMAS) as NodeType[];
export const isNodeType = (v: unknown): v is NodeType => typeof v === 'string' && Object.hasOwn(NODE_DATA_SCHEMAS, v);

const nodeOf = <T extends NodeType>(type: T) => z.strictObject({ id: NodeId, type: z.literal(type), data: NODE_DATA_SCHEMAS[type] });

export const FlowNode = z.discriminatedUnion('type', [
  nodeOf('entry'),
  nodeOf('speak'),
  nodeOf('listen'),
  nodeOf('collect'),
  nodeOf('dtmf_menu'),
  nodeOf('condition'),
  nodeOf('ai_classify'),
  nodeOf('api_call'),
  nodeOf('agent'),
  nodeOf('transfer'),
  nodeOf('human_handoff'),
  nodeOf('schedule_callback'),
  nodeOf('send_message'),
  nodeOf('end_call'),
]);
export type FlowNode = z.infer<typeof FlowNode>;
export type FlowNodeOf<T extends NodeType> = Extract<FlowNode, { type: T }>;

export const FlowEdge = z.strictObject({
  id: EdgeId,
  source: NodeId,
  target: NodeId,
  /** Display text for editors; the runtime never reads it (branches point at edges by id). */
  label: ShortText.optional(),
});
export type FlowEdge = z.infer<typeof FlowEdge>;

/** A session variable the flow expects from the session starter (`POST /sessions {variables}`). */
export const FlowVariable = z.strictObject({
  name: VariableName,
  default: z.string().max(FLOW_LIMITS.maxTextLength).optional(),
  description: Text.optional(),
});
export type FlowVariable = z.infer<typeof FlowVariable>;

const FlowVariables = z
  .array(FlowVariable)
  .max(FLOW_LIMITS.maxFlowVariables)
  .superRefine((vars, ctx) => {
    const seen = new Set<string>();
    vars.forEach((v, i) => {
      if (seen.has(v.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `variable "${v.name}" is declared twice` });
      seen.add(v.name);
    });
  });

const FlowName = z.string().trim().min(1).max(200);

/** Create (POST) and full replace (PUT). Structure only: graph rules live in `validateFlow`. */
export const FlowBody = z.strictObject({
  name: FlowName,
  nodes: z.array(FlowNode).max(FLOW_LIMITS.maxNodes),
  edges: z.array(FlowEdge).max(FLOW_LIMITS.maxEdges),
  variables: FlowVariables.optional(),
});
export type FlowBody = z.infer<typeof FlowBody>;

/**
 * Partial update: each present field replaces the stored one (nodes and edges are whole arrays).
 * The service merges with the stored flow and runs `validateFlow` on the result.
 */
export const FlowPatchBody = FlowBody.partial().refine((b) => Object.keys(b).length > 0, 'at least one field is required');
export type FlowPatchBody = z.infer<typeof FlowPatchBody>;

/**
 * FlowBody with nodes and edges left unparsed, so `validateFlow` can parse each one on its own and
 * name the offending node or edge id in every problem.
 */
export const FlowEnvelope = FlowBody.extend({
  nodes: z.array(z.unknown()).max(FLOW_LIMITS.maxNodes),
  edges: z.array(z.unknown()).max(FLOW_LIMITS.maxEdges),
});
