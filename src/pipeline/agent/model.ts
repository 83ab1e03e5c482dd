/**
 * Which language model an agent's turns use: the agent's own provider (`llm_provider_id`), else the
 * server's default provider from configuration, else none (the offline responder `converse-local`).
 * Resolution may decrypt provider credentials (the vault): never call it inside a transaction.
 */
import type { LanguageModel } from 'ai';
import type { Deps } from '../../deps.js';
import type { ContextAgent, SessionContext } from '../context/types.js';

export type ModelResolver = (deps: Deps, ctx: SessionContext, agent: ContextAgent | null) => Promise<LanguageModel | null>;

/** The providers feature plugs in here (resolveAgentModel); until it does, every agent is offline. */
export const resolveModel: ModelResolver = async () => null;
