import { expect } from 'vitest';
import { FlowBody } from '../../src/features/flows/flow-schema.js';
import { validateFlow } from '../../src/features/flows/validate-flow.js';
import { startEngine, stepEngine } from '../../src/pipeline/engine/index.js';
import {
  DEFAULT_ENGINE_LIMITS,
  type EngineAgent,
  type EngineContext,
  type EngineEvent,
  type EngineState,
  type Output,
  type StepResult,
} from '../../src/pipeline/types.js';

/** Engine test kit: builds contexts from flows that pass `validateFlow`, and drives sessions. */

export const TOOL_ID = 'tool-1';
export const AGENT_ID = 'agent-1';
export const T0 = Date.UTC(2026, 11, 2, 12, 0, 0); // Wednesday 2 December 2026, 12:00 UTC

type NodeSpec = { id: string; type: string; data?: Record<string, unknown> };
export type EdgeSpec = [id: string, source: string, target: string];

/**
 * A flow from nodes and edges; `chain` node ids are linked in order with edges named `a:b`.
 * Throws (failing the test) unless the flow validates, so the engine only ever sees valid flows.
 */
export function buildFlow(spec: { nodes: NodeSpec[]; chain?: string[]; edges?: EdgeSpec[]; variables?: Array<{ name: string; default?: string }> }) {
  const chain = spec.chain ?? [];
  const edges = [
    ...chain.slice(1).map((target, i) => ({ id: `${chain[i]}:${target}`, source: chain[i]!, target })),
    ...(spec.edges ?? []).map(([id, source, target]) => ({ id, source, target })),
  ];
  const body = { name: 'test', nodes: spec.nodes.map((n) => ({ id: n.id, type: n.type, data: n.data ?? {} })), edges, variables: spec.variables ?? [] };
  const result = validateFlow(body, { toolIds: new Set([TOOL_ID]), agentIds: new Set([AGENT_ID, 'agent-2']) });
  if (!result.ok) throw new Error(`invalid test flow: ${JSON.stringify(result.problems)}`);
  const flow = FlowBody.parse(body);
  return { id: 'flow-1', nodes: flow.nodes, edges: flow.edges, variables: flow.variables ?? [] };
}

export const agent = (over: Partial<EngineAgent> = {}): EngineAgent => ({ id: AGENT_ID, greeting: 'Hi, how can I help?', max_turns: null, ...over });

export function makeCtx(over: Partial<EngineContext> = {}): EngineContext {
  const agents = [agent(), agent({ id: 'agent-2', greeting: '' })];
  return {
    flow: null,
    agent_id: null,
    agents: new Map(agents.map((a) => [a.id, a])),
    channel: 'text',
    limits: DEFAULT_ENGINE_LIMITS,
    can_classify_with_model: false,
    ...over,
  };
}

const json = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/**
 * Drives one session. Every step also runs on the state as persisted (JSON round trip) and must give
 * the same result, and must leave its input state untouched: resumability and purity on every step.
 */
export class Session {
  state: EngineState;
  last: StepResult;
  at: number;
  constructor(
    readonly ctx: EngineContext,
    variables: Record<string, unknown> = { caller_number: '+14155552671', called_number: '+14155550100' },
    at = T0,
  ) {
    this.at = at;
    this.last = startEngine(ctx, { variables, at });
    expect(json(this.last)).toEqual(this.last);
    this.state = this.last.state;
  }

  send(event: Record<string, unknown> & { type: string }, advanceMs = 1000): StepResult {
    this.at += advanceMs;
    const ev = { at: this.at, ...event } as EngineEvent;
    const before = json(this.state);
    const result = stepEngine(this.state, ev, this.ctx);
    expect(this.state).toEqual(before);
    expect(stepEngine(json(this.state), ev, this.ctx)).toEqual(result);
    expect(json(result)).toEqual(result);
    this.last = result;
    this.state = json(result.state);
    return result;
  }

  text = (text: string): StepResult => this.send({ type: 'text', text });
  /** Resolves the pending effect. */
  effect(result: Record<string, unknown> & { type: string }): StepResult {
    const id = this.state.pending_effect?.id;
    expect(id).toBeDefined();
    return this.send({ effect_id: id, ...result });
  }
}

export const says = (r: StepResult): string[] => r.outputs.flatMap((o) => (o.type === 'say' ? [o.text] : []));
export const ofType = <T extends Output['type']>(r: StepResult, type: T): Array<Extract<Output, { type: T }>> =>
  r.outputs.filter((o): o is Extract<Output, { type: T }> => o.type === type);
export const awaited = (r: StepResult) => ofType(r, 'await_input')[0];
export const ended = (r: StepResult) => ofType(r, 'end')[0]?.reason;
