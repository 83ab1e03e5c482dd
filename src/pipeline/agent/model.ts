/**
 * Which language model an agent's turns use: the agent's own provider (`llm_provider_id`), else the
 * server's default provider from configuration (CONVERSE_LLM_*), else none (the offline responder
 * `converse-local`). Resolution may decrypt provider credentials (the vault): never call it inside a
 * transaction. The org comes from the session context, never from anything a model produced.
 */
import type { LanguageModel } from 'ai';
import type { Deps } from '../../deps.js';
import { resolveAgentModel } from '../../features/providers/public.js';
import type { ContextAgent, SessionContext } from '../context/types.js';

export type ModelResolver = (deps: Deps, ctx: SessionContext, agent: ContextAgent | null) => Promise<LanguageModel | null>;

export const resolveModel: ModelResolver = async (deps, ctx, agent) => {
  const resolved = await resolveAgentModel(deps, { orgId: ctx.org_id }, { provider_id: agent?.llm_provider_id ?? null, model: agent?.llm_model ?? null });
  return resolved?.model ?? null;
};
