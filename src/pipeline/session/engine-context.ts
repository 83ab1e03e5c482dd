import type { SessionContext } from '../context/types.js';
import type { EngineAgent, EngineContext } from '../types.js';

/** The engine's projection of the SessionContext (pure data; rebuilt from the stored snapshot on any process). */
export function engineContextOf(ctx: SessionContext, canClassifyWithModel: boolean): EngineContext {
  const agents = new Map<string, EngineAgent>();
  for (const a of Object.values(ctx.agents)) {
    agents.set(a.id, { id: a.id, greeting: a.greeting?.trim() || `Hello, this is ${a.name}. How can I help you?`, max_turns: a.max_turns });
  }
  return {
    flow: ctx.flow ? { id: ctx.flow.id, nodes: ctx.flow.nodes, edges: ctx.flow.edges, variables: ctx.flow.variables } : null,
    agent_id: ctx.agent_id,
    agents,
    channel: ctx.channel,
    limits: ctx.limits,
    can_classify_with_model: canClassifyWithModel,
  };
}
