/**
 * Which language model answers for an agent: the pipeline's one entry point into providers.
 *
 * @example
 * const resolved = await resolveAgentModel(deps, { orgId: ctx.org_id }, { provider_id: agent.llm_provider_id, model: agent.llm_model });
 * if (!resolved) return offlineResponder(...);      // no provider and no server default: converse-local
 * streamText({ model: resolved.model, ... });
 */
import type { Config } from '../../config.js';
import type { Deps } from '../../deps.js';
import { withOrg, type OrgScope } from '../../platform/db/with-org.js';
import { errors } from '../../platform/errors.js';
import { createLanguageModel, createLlmFetch, type LanguageModel, type LlmFetch, type LlmKind } from '../../platform/llm/index.js';
import { decryptCredentials } from './credentials.js';
import * as repo from './repo.js';
import { isLlmProviderKind } from './schemas.js';

export interface ResolvedModel {
  model: LanguageModel;
  kind: LlmKind;
  model_id: string;
  /** The org's provider, or null for the server default. */
  provider_id: string | null;
}

/** Used when neither the agent nor the provider names a model (openai_compatible has no such default). */
export const FALLBACK_MODELS: Record<Exclude<LlmKind, 'openai_compatible'>, string> = {
  openai: 'gpt-4o-mini',
  anthropic: 'claude-3-5-haiku-latest',
  google: 'gemini-2.0-flash',
};

const fetches = new WeakMap<Config, LlmFetch>();
let operatorFetch: LlmFetch | undefined;

/**
 * The server default's URL comes from the operator, not a tenant, so it may be on the private network
 * (Ollama next to the server) without CONVERSE_ALLOW_PRIVATE_NETWORK opening it to every tenant's
 * tools. Metadata addresses stay blocked and each request is still resolved, checked and pinned.
 */
function defaultModelFetch(): LlmFetch {
  operatorFetch ??= createLlmFetch({ allowPrivateNetwork: true });
  return operatorFetch;
}

/** The guarded fetch for model calls, one per configuration (allowPrivateNetwork decides loopback). */
export function llmFetchFor(deps: Pick<Deps, 'config'>): LlmFetch {
  let fetch = fetches.get(deps.config);
  if (!fetch) {
    fetch = createLlmFetch({ allowPrivateNetwork: deps.config.allowPrivateNetwork });
    fetches.set(deps.config, fetch);
  }
  return fetch;
}

function modelIdFor(kind: LlmKind, ...candidates: Array<string | null | undefined>): string {
  const named = candidates.find((c): c is string => typeof c === 'string' && c.length > 0);
  if (named) return named;
  if (kind === 'openai_compatible') throw errors.unprocessable('No model is set: give the agent an llm_model or the provider a default_model');
  return FALLBACK_MODELS[kind];
}

/**
 * `provider_id` null: the server default from configuration (CONVERSE_LLM_*), or null when there is none
 * (the caller then uses the offline responder). A `provider_id` that is not this org's is a not_found
 * AppError, never a fallback to the default. The key is decrypted after the transaction has closed.
 */
export async function resolveAgentModel(deps: Deps, scope: OrgScope, ref: { provider_id: string | null; model: string | null }): Promise<ResolvedModel | null> {
  if (ref.provider_id === null) {
    const d = deps.config.defaultLlm;
    if (!d) return null;
    const model_id = modelIdFor(d.kind, ref.model, d.model);
    const model = createLanguageModel({ kind: d.kind, base_url: d.baseUrl, api_key: d.apiKey, model: model_id }, { fetch: defaultModelFetch() });
    return { model, kind: d.kind, model_id, provider_id: null };
  }
  const fetch = llmFetchFor(deps);
  const row = await withOrg(deps.db, scope, (tx) => repo.getProvider(tx, ref.provider_id!));
  if (!row) throw errors.notFound('provider');
  if (!isLlmProviderKind(row.kind)) throw errors.unprocessable(`Provider ${row.id} is a speech provider, not a language model`);
  const creds = await decryptCredentials(deps, scope.orgId, row.id, row.credentials);
  const model_id = modelIdFor(row.kind, ref.model, row.default_model);
  return {
    model: createLanguageModel({ kind: row.kind, base_url: row.base_url, api_key: creds.api_key, model: model_id }, { fetch }),
    kind: row.kind,
    model_id,
    provider_id: row.id,
  };
}
