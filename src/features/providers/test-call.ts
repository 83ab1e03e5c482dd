/**
 * POST /providers/{id}/test: one cheap real call with the stored credentials. Model lists where the API
 * has one (OpenAI and compatible servers, ElevenLabs, Deepgram's projects); a 1-token completion for
 * Anthropic and Google. The answer says only whether it worked, how long it took and, on failure,
 * what kind of failure (`classifyLlmError`): never the provider's own error text, which can quote the key.
 */
import { generateText, APICallError } from 'ai';
import type { Deps } from '../../deps.js';
import { scopeOf, type Principal } from '../../platform/auth/principal.js';
import { withOrg } from '../../platform/db/with-org.js';
import { errors } from '../../platform/errors.js';
import { classifyLlmError, createLanguageModel, DEFAULT_BASE_URLS, turnDeadline, type LlmFetch } from '../../platform/llm/index.js';
import { decryptCredentials, type PlainCredentials } from './credentials.js';
import { FALLBACK_MODELS, llmFetchFor } from './models.js';
import * as repo from './repo.js';
import type { ProviderRow } from './repo.js';
import type { ProviderKind, ProviderTestOut } from './schemas.js';

export const PROVIDER_TEST_TIMEOUT_MS = 15_000;

/** GET endpoints that prove a key works without spending tokens, with each API's auth header. */
const LIST_PROBES: Partial<Record<ProviderKind, { base: string; path: string; auth: (key: string) => Record<string, string> }>> = {
  openai: { base: DEFAULT_BASE_URLS.openai, path: '/models', auth: (k) => ({ authorization: `Bearer ${k}` }) },
  openai_compatible: { base: '', path: '/models', auth: (k) => ({ authorization: `Bearer ${k}` }) },
  openai_speech: { base: DEFAULT_BASE_URLS.openai, path: '/models', auth: (k) => ({ authorization: `Bearer ${k}` }) },
  deepgram: { base: 'https://api.deepgram.com/v1', path: '/projects', auth: (k) => ({ authorization: `Token ${k}` }) },
  elevenlabs: { base: 'https://api.elevenlabs.io/v1', path: '/models', auth: (k) => ({ 'xi-api-key': k }) },
};

async function listProbe(fetch: LlmFetch, row: ProviderRow, creds: PlainCredentials, signal: AbortSignal): Promise<void> {
  const probe = LIST_PROBES[row.kind]!;
  const url = `${row.base_url ?? probe.base}${probe.path}`;
  const res = await fetch(url, { headers: { accept: 'application/json', ...(creds.api_key ? probe.auth(creds.api_key) : {}) }, signal });
  if (!res.ok) {
    await res.body?.cancel();
    // Same error type as the SDK's, so one classifier words every failure.
    throw new APICallError({ message: `HTTP ${res.status}`, url, requestBodyValues: {}, statusCode: res.status });
  }
  const listed = modelIds(await res.json().catch(() => null));
  // A typo in default_model (Ollama's `llama3.2` vs `llama3.2:latest`) is the usual first failure.
  if (row.default_model && (row.kind === 'openai' || row.kind === 'openai_compatible') && listed && !listed.includes(row.default_model)) {
    throw new ModelNotListedError(row.default_model);
  }
}

/** `{data: [{id}]}` of an OpenAI-style model list, or null when the body is something else. */
function modelIds(body: unknown): string[] | null {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return null;
  return data.map((m) => (m as { id?: unknown }).id).filter((id): id is string => typeof id === 'string');
}

class ModelNotListedError extends Error {
  constructor(readonly model: string) {
    super(`the provider does not list the model "${model}" (check default_model)`);
  }
}

async function completionProbe(fetch: LlmFetch, row: ProviderRow, creds: PlainCredentials, signal: AbortSignal): Promise<void> {
  const kind = row.kind as 'anthropic' | 'google';
  const model = createLanguageModel({ kind, base_url: row.base_url, api_key: creds.api_key, model: row.default_model ?? FALLBACK_MODELS[kind] }, { fetch });
  await generateText({ model, prompt: 'Reply with one word.', maxOutputTokens: 1, maxRetries: 0, abortSignal: signal });
}

export async function testProvider(deps: Deps, principal: Principal, id: string): Promise<ProviderTestOut> {
  const row = await withOrg(deps.db, scopeOf(principal), (tx) => repo.getProvider(tx, id));
  if (!row) throw errors.notFound('provider');
  const creds = await decryptCredentials(deps, principal.orgId, row.id, row.credentials);
  const fetch = llmFetchFor(deps);
  const deadline = turnDeadline(PROVIDER_TEST_TIMEOUT_MS);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    if (LIST_PROBES[row.kind]) await listProbe(fetch, row, creds, deadline.signal);
    else await completionProbe(fetch, row, creds, deadline.signal);
    return { ok: true, latency_ms: elapsed() };
  } catch (err) {
    if (err instanceof ModelNotListedError) return { ok: false, latency_ms: elapsed(), error: err.message };
    const failure = classifyLlmError(err);
    deps.log.info({ provider_id: row.id, kind: row.kind, code: failure.code, status: failure.status }, 'provider test failed');
    return { ok: false, latency_ms: elapsed(), error: failure.message };
  } finally {
    deadline.dispose();
  }
}
