/**
 * Performs the engine's effects OUTSIDE any transaction and turns their outcome into the EffectResult
 * the engine waits for: a flow's api_call through the tools feature, an agent turn through the model
 * responder or `converse-local`, a classification through the model.
 */
import { generateText, type LanguageModel } from 'ai';
import type { Deps } from '../../deps.js';
import { invokeOrgTool } from '../../features/tools/assignments.js';
import { AppError } from '../../platform/errors.js';
import { classifyLlmError, retryOnce, turnDeadline } from '../../platform/llm/index.js';
import { redact } from '../../platform/vault/redact.js';
import { createModelResponder, type ModelTurnOptions } from '../agent/agent-turn.js';
import { createLocalResponder } from '../agent/local-responder.js';
import { FALLBACK_LINE, type AgentTurnOutcome, type HistoryEntry, type HitRecord, type ToolCallRecord } from '../agent/types.js';
import type { SessionContext } from '../context/types.js';
import type { Effect, EffectResult } from '../types.js';

export interface TurnAccumulator {
  tool_calls: ToolCallRecord[];
  hits: HitRecord[];
  tool_ms: number;
  model_ttft_ms: number | null;
}

export interface EffectEnv {
  deps: Deps;
  ctx: SessionContext;
  modelFor(agentId: string | null): Promise<LanguageModel | null>;
  modelTurn: ModelTurnOptions;
  variables: Record<string, unknown>;
  history: HistoryEntry[];
  onDelta(text: string): void;
}

function parseBody(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

async function runFlowTool(env: EffectEnv, effect: Extract<Effect, { type: 'run_tool' }>, acc: TurnAccumulator): Promise<EffectResult> {
  const tool = env.ctx.flow_tools[effect.tool_id];
  const at = new Date();
  const record = (status: ToolCallRecord['status'], latency: number, error: string | null): ToolCallRecord => ({
    kind: 'flow_api_call', name: tool?.name ?? 'unknown', tool_id: effect.tool_id, arguments: redact(effect.arguments), status, latency_ms: latency, error, at,
  });
  if (!tool) {
    acc.tool_calls.push(record('rejected', 0, 'not a tool of this session'));
    return { type: 'tool_result', effect_id: effect.id, ok: false, error: 'not a tool of this session' };
  }
  const started = performance.now();
  try {
    const r = await invokeOrgTool(env.deps, { orgId: env.ctx.org_id, toolId: tool.id, args: effect.arguments, session: { variables: env.variables, channel: env.ctx.channel, mode: env.ctx.mode } });
    const latency = Math.round(performance.now() - started);
    acc.tool_ms += latency;
    acc.tool_calls.push(record(r.ok ? 'ok' : 'error', latency, r.error));
    return r.ok ? { type: 'tool_result', effect_id: effect.id, ok: true, value: parseBody(r.body) } : { type: 'tool_result', effect_id: effect.id, ok: false, error: r.error ?? 'the tool failed' };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const latency = Math.round(performance.now() - started);
    acc.tool_calls.push(record('error', latency, err.message.slice(0, 500)));
    return { type: 'tool_result', effect_id: effect.id, ok: false, error: err.message };
  }
}

async function runAgentTurn(env: EffectEnv, effect: Extract<Effect, { type: 'run_agent_turn' }>, acc: TurnAccumulator): Promise<EffectResult> {
  const agent = env.ctx.agents[effect.agent_id];
  if (!agent) {
    // The engine only names agents of the context; this is a broken state, not a fallback to another agent.
    env.onDelta(FALLBACK_LINE);
    return { type: 'agent_turn_result', effect_id: effect.id, text: FALLBACK_LINE, actions: [], failed: true };
  }
  let model: LanguageModel | null;
  try {
    model = await env.modelFor(agent.id);
  } catch (err) {
    // The agent's provider cannot be used (removed, misconfigured): the turn fails; no other model stands in.
    // Never the raw error: an SDK error carries the provider's body, which may quote the key.
    env.deps.log.warn({ reason: err instanceof AppError ? err.message : classifyLlmError(err).message, agent: agent.id, org: env.ctx.org_id }, 'agent model unavailable');
    env.onDelta(FALLBACK_LINE);
    return { type: 'agent_turn_result', effect_id: effect.id, text: FALLBACK_LINE, actions: [], failed: true };
  }
  const responder = model ? createModelResponder(env.deps, model, env.modelTurn) : createLocalResponder(env.deps);
  const out: AgentTurnOutcome = await responder.respond({
    ctx: env.ctx, agent, input: effect.input, extraContext: effect.context, history: env.history, variables: env.variables, onDelta: env.onDelta,
  });
  acc.tool_calls.push(...out.tool_calls);
  acc.hits.push(...out.hits);
  acc.tool_ms += out.tool_ms;
  if (out.model_ttft_ms !== null && acc.model_ttft_ms === null) acc.model_ttft_ms = out.model_ttft_ms;
  return { type: 'agent_turn_result', effect_id: effect.id, text: out.text, actions: out.actions, ...(out.failed ? { failed: true } : {}) };
}

/** With a model: ask for one label. Without one (or on failure): null, and the engine takes its fallback. */
async function classify(env: EffectEnv, effect: Extract<Effect, { type: 'classify' }>, acc: TurnAccumulator): Promise<EffectResult> {
  const model = await env.modelFor(env.ctx.agent_id).catch(() => null);
  if (!model) return { type: 'classify_result', effect_id: effect.id, label: null };
  const labels = effect.classes.map((c) => c.label);
  const started = performance.now();
  try {
    const deadline = turnDeadline(env.modelTurn.timeoutMs);
    const r = await retryOnce(() => generateText({
      model,
      maxRetries: 0,
      abortSignal: deadline.signal,
      system: 'Classify the caller\'s message. Answer with exactly one of the labels, or "none".',
      prompt: [
        effect.instructions ?? '',
        ...effect.classes.map((c) => `- ${c.label}${c.description ? `: ${c.description}` : ''}${c.examples?.length ? ` (e.g. ${c.examples.join('; ')})` : ''}`),
        `Message: ${effect.text}`,
      ].join('\n'),
    }), { signal: deadline.signal }).finally(() => deadline.dispose());
    acc.model_ttft_ms ??= performance.now() - started;
    // Exactly one label (quotes and a final period tolerated); anything else, "none" included, is no label.
    const answer = r.text.trim().toLowerCase().replace(/^["'`\s]+|["'`.!\s]+$/g, '');
    return { type: 'classify_result', effect_id: effect.id, label: labels.find((l) => l.toLowerCase() === answer) ?? null };
  } catch (err) {
    env.deps.log.warn({ reason: classifyLlmError(err).message, org: env.ctx.org_id }, 'classification failed');
    return { type: 'classify_result', effect_id: effect.id, label: null };
  }
}

export function performEffect(env: EffectEnv, effect: Effect, acc: TurnAccumulator): Promise<EffectResult> {
  switch (effect.type) {
    case 'run_tool':
      return runFlowTool(env, effect, acc);
    case 'run_agent_turn':
      return runAgentTurn(env, effect, acc);
    case 'classify':
      return classify(env, effect, acc);
  }
}
