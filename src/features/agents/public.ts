/**
 * What other features may use of agents (they never import agents/repo.ts). Each runs in the caller's
 * tenant transaction.
 */
import type { Tx } from '../../platform/db/types.js';
import * as repo from './repo.js';

export { listAgentIds, detachFlowFromAgents } from './repo.js';

/** Whether `id` names an agent of the transaction's org. */
export async function agentExists(tx: Tx, id: string): Promise<boolean> {
  return (await repo.getAgent(tx, id)) !== null;
}
