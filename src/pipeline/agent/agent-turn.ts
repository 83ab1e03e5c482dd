/**
 * The model-backed AgentTurn: the AI SDK's `streamText` with the agent's system prompt, language and
 * the flow's context, offering EXACTLY the tools of the agent's Toolbox (built from the SessionContext).
 * Deltas stream to the transport; tool calls run through the Toolbox (schema-checked, recorded without
 * secrets) and their results or errors go back to the model; a step limit per turn; a per-turn timeout;
 * one retry on a transient error before anything was streamed; on failure the fallback line.
 */
import { jsonSchema, stepCountIs, streamText, tool, type LanguageModel, type ModelMessage, type ToolSet } from 'ai';
import type { Deps } from '../../deps.js';
import { classifyLlmError, isTransientLlmError, turnDeadline } from '../../platform/llm/index.js';
import type { ContextAgent, SessionContext } from '../context/types.js';
import type { AgentAction } from '../types.js';
import { Toolbox } from './toolbox.js';
import { FALLBACK_LINE, type AgentResponder, type AgentTurnOutcome, type AgentTurnRequest, type HitRecord, type ToolCallRecord } from './types.js';

export interface ModelTurnOptions {
  /** Model steps (calls) per turn, tool round trips included. */
  maxSteps: number;
  /** The whole turn, retries included. */
  timeoutMs: number;
}

export const DEFAULT_MODEL_TURN: ModelTurnOptions = { maxSteps: 5, timeoutMs: 30_000 };

export function systemPrompt(ctx: SessionContext, agent: ContextAgent, extra: string | undefined, variables: Readonly<Record<string, unknown>>): string {
  const parts = [agent.system_prompt.trim() || `You are ${agent.name}, a helpful assistant.`];
  parts.push(`Always answer in the language with BCP 47 tag ${agent.language}.`);
  if (ctx.channel === 'voice') parts.push('This is a phone call: answer in one to three short spoken sentences, with no lists, markdown or links.');
  else parts.push('Keep answers short and conversational.');
  if (extra?.trim()) parts.push(`Context from the conversation flow: ${extra.trim()}`);
  // last_utterance is the caller's latest message, already in the conversation.
  const known = Object.entries(variables).filter(([k, v]) => k !== 'last_utterance' && ['string', 'number', 'boolean'].includes(typeof v)).slice(0, 30);
  if (known.length > 0) parts.push(`Known details: ${known.map(([k, v]) => `${k}=${String(v).slice(0, 200)}`).join('; ')}.`);
  return parts.join('\n\n');
}

function messagesOf(req: AgentTurnRequest): ModelMessage[] {
  const messages: ModelMessage[] = req.history.map((h) => (h.role === 'caller' ? { role: 'user', content: h.text } : { role: 'assistant', content: h.text }));
  const last = req.history.at(-1);
  // The history already ends with this input (the runtime includes the caller's current words).
  if (req.input !== null && last?.role === 'caller' && last.text === req.input) return messages;
  messages.push({ role: 'user', content: req.input ?? (req.history.length > 0 ? '(You now take over this conversation. Answer the caller.)' : '(The caller has just connected. Greet them and ask how you can help.)') });
  return messages;
}

export function createModelResponder(deps: Deps, model: LanguageModel, opts: ModelTurnOptions = DEFAULT_MODEL_TURN): AgentResponder {
  return {
    async respond(req: AgentTurnRequest): Promise<AgentTurnOutcome> {
      const toolbox = new Toolbox(deps, req.ctx, req.agent);
      const toolCalls: ToolCallRecord[] = [];
      const hits: HitRecord[] = [];
      const actions: AgentAction[] = [];
      let toolMs = 0;
      const tools: ToolSet = {};
      for (const entry of toolbox.entries()) {
        tools[entry.name] = tool({
          description: entry.description,
          inputSchema: jsonSchema(entry.schema as Parameters<typeof jsonSchema>[0]),
          execute: async (args: unknown) => {
            const r = await toolbox.run(entry.name, args);
            toolCalls.push(r.record);
            hits.push(...r.hits);
            toolMs += r.record.latency_ms;
            if (r.action) actions.push(r.action);
            return r.output;
          },
        });
      }
      const deadline = turnDeadline(opts.timeoutMs);
      const started = performance.now();
      let ttft: number | null = null;
      let text = '';
      try {
        for (let attempt = 1; ; attempt++) {
          try {
            const result = streamText({
              model,
              system: systemPrompt(req.ctx, req.agent, req.extraContext, req.variables),
              messages: messagesOf(req),
              ...(Object.keys(tools).length > 0 ? { tools } : {}),
              stopWhen: stepCountIs(opts.maxSteps),
              maxRetries: 0,
              abortSignal: deadline.signal,
              // Errors arrive as `error` parts below and are handled there (not printed by the SDK).
              onError: () => undefined,
            });
            for await (const part of result.fullStream) {
              if (part.type === 'text-delta' && part.text) {
                ttft ??= performance.now() - started;
                text += part.text;
                req.onDelta(part.text);
              } else if (part.type === 'tool-error' && !toolbox.has(part.toolName)) {
                // A tool the model invented (or another org's id): nothing ran; the model is told by the SDK.
                toolCalls.push({ kind: 'http', name: String(part.toolName).slice(0, 200), tool_id: null, arguments: {}, status: 'rejected', latency_ms: 0, error: 'not a tool of this agent', at: new Date() });
              } else if (part.type === 'error') {
                throw part.error;
              }
            }
            return { text: text.trim(), actions, failed: false, tool_calls: toolCalls, hits, model_ttft_ms: ttft, tool_ms: toolMs, responder: 'model' };
          } catch (err) {
            const nothingYet = text === '' && toolCalls.length === 0;
            if (attempt === 1 && nothingYet && !deadline.signal.aborted && isTransientLlmError(err)) continue;
            deps.log.warn({ reason: classifyLlmError(err).message, agent: req.agent.id, org: req.ctx.org_id }, 'agent turn failed');
            const line = text === '' ? FALLBACK_LINE : ` ${FALLBACK_LINE}`;
            req.onDelta(line);
            return { text: (text + line).trim(), actions, failed: true, tool_calls: toolCalls, hits, model_ttft_ms: ttft, tool_ms: toolMs, responder: 'model' };
          }
        }
      } finally {
        deadline.dispose();
      }
    },
  };
}
