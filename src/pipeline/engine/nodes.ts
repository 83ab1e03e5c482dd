import type { FlowNode } from '../../features/flows/flow-schema.js';
import { runEndCall, runHumanHandoff, runScheduleCallback, runSendMessage, runTransfer } from './action-nodes.js';
import { enterAgentNode } from './agent.js';
import { enterApiCall } from './api-call.js';
import { enterClassify } from './classify.js';
import { runCondition } from './condition.js';
import { enterDtmfMenu } from './dtmf-menu.js';
import { enterCollect, enterListen } from './input-nodes.js';
import { endSession, say, type Run } from './run.js';

/** Executes one node; returns the node to run next, or null when it waits or ended the session. */
function enterNode(run: Run, node: FlowNode): string | null {
  const next = (): string | null => run.flow!.next(node.id);
  switch (node.type) {
    case 'entry':
      return next();
    case 'speak':
      say(run, node.data.text, { node_id: node.id });
      return next();
    case 'listen':
      return enterListen(run, node);
    case 'collect':
      return enterCollect(run, node);
    case 'dtmf_menu':
      return enterDtmfMenu(run, node);
    case 'condition':
      return runCondition(run, node);
    case 'ai_classify':
      return enterClassify(run, node);
    case 'api_call':
      return enterApiCall(run, node);
    case 'agent':
      return enterAgentNode(run, node);
    case 'transfer':
      return runTransfer(run, node);
    case 'human_handoff':
      return runHumanHandoff(run, node);
    case 'schedule_callback':
      return runScheduleCallback(run, node, next());
    case 'send_message':
      return runSendMessage(run, node, next());
    case 'end_call':
      return runEndCall(run, node);
  }
}

/**
 * Runs nodes from `nodeId` until one waits (for the caller or an effect) or the session ends. More
 * than `max_nodes_per_event` nodes for one event ends the session with `node_limit`.
 */
export function runFrom(run: Run, nodeId: string | null): void {
  let id = nodeId;
  while (id !== null) {
    if (run.executed >= run.ctx.limits.max_nodes_per_event) {
      endSession(run, 'node_limit', `more than ${run.ctx.limits.max_nodes_per_event} nodes without waiting for the caller`);
      return;
    }
    run.executed += 1;
    run.state.wait = null;
    id = enterNode(run, run.flow!.node(id));
  }
}
