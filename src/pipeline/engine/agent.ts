import type { FlowNodeOf } from '../../features/flows/flow-schema.js';
import type { AgentAction, EffectResult } from '../types.js';
import { messageChannel } from './action-nodes.js';
import { FREE } from './grammar.js';
import { awaitInput, endSession, handOff, renderIn, requestEffect, type Run } from './run.js';
import type { ActiveAgent } from './state.js';
import { stringify } from './templates.js';

type AgentTurnResult = Extract<EffectResult, { type: 'agent_turn_result' }>;

const waitForCaller = (run: Run, agent: ActiveAgent): void => awaitInput(run, { kind: 'agent', node_id: agent.node_id, attempts: 0 }, FREE);

/** A flow `agent` node: the agent takes over and is asked to open (the Session decides whether it greets). */
export function enterAgentNode(run: Run, node: FlowNodeOf<'agent'>): null {
  if (!run.ctx.agents.has(node.data.agent_id)) {
    // Deleted since the flow was saved: a person picks the conversation up rather than a dead end.
    handOff(run, { reason: 'The agent of this flow step is not available', node_id: node.id }, 'agent_unavailable');
    return null;
  }
  const context = node.data.context === undefined ? undefined : renderIn(run, node.data.context);
  const agent: ActiveAgent = { agent_id: node.data.agent_id, node_id: node.id, turns: 0, ...(context === undefined ? {} : { context }) };
  run.state.agent = agent;
  run.state.wait = null;
  requestEffect(run, { type: 'run_agent_turn', agent_id: agent.agent_id, input: null, ...(context === undefined ? {} : { context }), node_id: node.id });
  return null;
}

/** An agent-only session opens with the agent's greeting as is: no model call is needed for it. */
export function startAgentOnly(run: Run): void {
  const agent = run.ctx.agent_id === null ? undefined : run.ctx.agents.get(run.ctx.agent_id);
  if (agent === undefined) {
    endSession(run, 'error', 'the session has neither a flow nor a known agent');
    return;
  }
  const active: ActiveAgent = { agent_id: agent.id, node_id: null, turns: 0 };
  run.state.agent = active;
  if (agent.greeting.trim() !== '') run.outputs.push({ type: 'say', text: agent.greeting, interruptible: true, source: 'agent', agent_id: agent.id });
  waitForCaller(run, active);
}

/**
 * A release after a handoff: the agent that handed off takes the conversation back (a flow `agent`
 * node's agent keeps its node, context and turn count, so the flow goes on after it as before), else
 * the session's own agent. False when there is none (a flow handed off without an agent): nothing changes.
 */
export function resumeAfterHandoff(run: Run): boolean {
  const from = run.state.handed_off_from ?? null;
  const own = run.ctx.agent_id;
  const agent: ActiveAgent | null =
    from !== null && run.ctx.agents.has(from.agent_id) ? from : own !== null && run.ctx.agents.has(own) ? { agent_id: own, node_id: null, turns: 0 } : null;
  if (agent === null) return false;
  run.state.status = 'waiting_input';
  run.state.ended_reason = null;
  run.state.handed_off_from = null;
  run.state.agent = agent;
  waitForCaller(run, agent);
  return true;
}

/** A caller turn while an agent owns the conversation. */
export function agentCallerTurn(run: Run, agent: ActiveAgent, text: string): void {
  agent.turns += 1;
  run.state.wait = null;
  requestEffect(run, {
    type: 'run_agent_turn',
    agent_id: agent.agent_id,
    input: text,
    ...(agent.context === undefined ? {} : { context: agent.context }),
    ...(agent.node_id === null ? {} : { node_id: agent.node_id }),
  });
}

/** The flow continues after the agent (its node's next edge), or the session ends with `reason`. */
function leaveAgent(run: Run, agent: ActiveAgent, reason: 'completed' | 'max_turns', detail?: string): string | null {
  const next = agent.node_id === null ? null : run.flow!.next(agent.node_id);
  run.state.agent = null;
  if (next === null) endSession(run, reason, detail);
  return next;
}

/** Caller turns after which the agent's part ends: the node's `max_turns`, else the agent's own when it owns the rest. */
function turnLimit(run: Run, agent: ActiveAgent): number | null {
  if (agent.node_id !== null) {
    const node = run.flow!.node(agent.node_id) as FlowNodeOf<'agent'>;
    if (node.data.max_turns !== undefined) return node.data.max_turns;
    if (run.flow!.next(agent.node_id) !== null) return null;
  }
  return run.ctx.agents.get(agent.agent_id)?.max_turns ?? null;
}

/** Applies one action; returns `{ next }` when it ended the session or left the agent (next: the node to run), else null. */
function applyAction(run: Run, agent: ActiveAgent, action: AgentAction): { next: string | null } | null {
  const node_id = agent.node_id ?? undefined;
  const at = node_id === undefined ? {} : { node_id };
  const caller = stringify(run.state.variables.caller_number).trim();
  switch (action.type) {
    case 'end_call':
      return { next: leaveAgent(run, agent, 'completed', action.reason) };
    case 'human_handoff':
      handOff(run, { ...(action.queue === undefined ? {} : { queue: action.queue }), ...(action.reason === undefined ? {} : { reason: action.reason }), ...at });
      return { next: null };
    case 'transfer_call':
      run.outputs.push({ type: 'transfer', ...(action.phone_number === undefined ? {} : { phone_number: action.phone_number }), ...(action.queue === undefined ? {} : { queue: action.queue }), ...at });
      endSession(run, 'transferred');
      return { next: null };
    case 'send_message': {
      const to = action.to ?? caller;
      if (to !== '') run.outputs.push({ type: 'send_message', channel: action.channel ?? messageChannel(run), to, text: action.text, ...at });
      return null;
    }
    case 'schedule_callback': {
      const phone = action.phone ?? caller;
      if (phone !== '') run.outputs.push({ type: 'schedule_callback', phone, at: action.at, ...(action.note === undefined ? {} : { note: action.note }), ...at });
      return null;
    }
  }
}

/** The agent's reply: say it, apply its actions in order, then wait for the caller or move on. */
export function agentTurnDone(run: Run, agent: ActiveAgent, result: AgentTurnResult): string | null {
  if (result.text.trim() !== '') {
    run.outputs.push({ type: 'say', text: result.text, interruptible: true, source: 'agent', agent_id: agent.agent_id, ...(agent.node_id === null ? {} : { node_id: agent.node_id }) });
  }
  for (const action of result.actions) {
    const stop = applyAction(run, agent, action);
    if (stop !== null) return stop.next;
  }
  const limit = turnLimit(run, agent);
  if (limit !== null && agent.turns >= limit) return leaveAgent(run, agent, 'max_turns');
  waitForCaller(run, agent);
  return null;
}
