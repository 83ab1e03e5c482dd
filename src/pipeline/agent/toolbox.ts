/**
 * The tools one agent may use in a session, built ONLY from the SessionContext: its assigned HTTP
 * tools, the allowed tools of its assigned MCP servers, a knowledge search over its assigned documents
 * and its enabled built-in tools. A name the model invents is not here, so it runs nothing; arguments
 * are checked against the tool's JSON schema before anything runs; the org and agent passed to the
 * features' invoke functions come from the context, never from the arguments.
 */
import type { Deps } from '../../deps.js';
import { searchKnowledge } from '../../features/knowledge/search/search.js';
import { invokeMcpTool } from '../../features/mcp/calls.js';
import { invokeHttpTool } from '../../features/tools/assignments.js';
import { validateArguments } from '../../features/tools/json-schema.js';
import { AppError } from '../../platform/errors.js';
import { redact } from '../../platform/vault/redact.js';
import type { ContextAgent, SessionContext } from '../context/types.js';
import type { AgentAction } from '../types.js';
import { BUILTIN_SCHEMAS, toAction } from './builtin-tools.js';
import type { HitRecord, ToolCallRecord } from './types.js';

export const KNOWLEDGE_TOOL = 'search_knowledge';

export interface ToolEntry {
  /** The function name the model sees (unique in the toolbox). */
  name: string;
  description: string;
  schema: Record<string, unknown>;
  kind: ToolCallRecord['kind'];
}

export interface ToolRunResult {
  /** What goes back to the model. */
  output: unknown;
  record: ToolCallRecord;
  hits: HitRecord[];
  action: AgentAction | null;
}

interface Target {
  entry: ToolEntry;
  run(args: Record<string, unknown>): Promise<{ output: unknown; ok: boolean; error: string | null; hits?: HitRecord[]; action?: AgentAction | null }>;
  toolId: string | null;
}

/** A model-safe function name ([A-Za-z0-9_-], ≤ 64) that no other entry uses. */
function uniqueName(wanted: string, taken: Set<string>): string {
  const base = wanted.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 60) || 'tool';
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base.slice(0, 56)}_${i}`;
  taken.add(name);
  return name;
}

export class Toolbox {
  private readonly targets = new Map<string, Target>();

  constructor(private readonly deps: Deps, private readonly ctx: SessionContext, private readonly agent: ContextAgent) {
    const taken = new Set<string>();
    for (const tool of agent.tools) {
      const entry: ToolEntry = { name: uniqueName(tool.name, taken), description: tool.description, schema: tool.parameters, kind: 'http' };
      this.targets.set(entry.name, { entry, toolId: tool.id, run: (args) => this.runHttp(tool.id, args) });
    }
    for (const tool of agent.mcp_tools) {
      const entry: ToolEntry = { name: uniqueName(tool.name, taken), description: tool.description || `${tool.name} (${tool.server_name})`, schema: tool.input_schema, kind: 'mcp' };
      this.targets.set(entry.name, { entry, toolId: `${tool.server_id}:${tool.name}`, run: (args) => this.runMcp(tool.server_id, tool.name, args) });
    }
    if (agent.document_ids.length > 0) {
      const entry: ToolEntry = {
        name: uniqueName(KNOWLEDGE_TOOL, taken),
        description: "Search this agent's knowledge base (its assigned documents) for passages that answer the caller's question.",
        schema: { type: 'object', properties: { query: { type: 'string', description: 'what to look up' } }, required: ['query'], additionalProperties: false },
        kind: 'knowledge',
      };
      this.targets.set(entry.name, { entry, toolId: null, run: (args) => this.searchKnowledge(String(args.query ?? '')) });
    }
    for (const builtin of agent.tools_builtin) {
      const spec = BUILTIN_SCHEMAS[builtin];
      const entry: ToolEntry = { name: uniqueName(builtin, taken), description: spec.description, schema: spec.schema, kind: 'builtin' };
      this.targets.set(entry.name, { entry, toolId: null, run: async (args) => ({ output: { ok: true, done: spec.done }, ok: true, error: null, action: toAction(builtin, args) }) });
    }
  }

  /** What is offered to the model. */
  entries(): ToolEntry[] {
    return [...this.targets.values()].map((t) => t.entry);
  }

  has(name: string): boolean {
    return this.targets.has(name);
  }

  /** Runs a tool by the name the model used. Unknown names and invalid arguments are rejected, recorded, and run nothing. */
  async run(name: string, rawArgs: unknown): Promise<ToolRunResult> {
    const at = new Date();
    const args = rawArgs !== null && typeof rawArgs === 'object' && !Array.isArray(rawArgs) ? (rawArgs as Record<string, unknown>) : {};
    const target = this.targets.get(name);
    const recordOf = (status: ToolCallRecord['status'], latency: number, error: string | null): ToolCallRecord => ({
      kind: target?.entry.kind ?? 'http', name: name.slice(0, 200), tool_id: target?.toolId ?? null, arguments: redact(args), status, latency_ms: latency, error: error?.slice(0, 500) ?? null, at,
    });
    if (!target) return { output: { error: `There is no tool named ${name}.` }, record: recordOf('rejected', 0, 'not a tool of this agent'), hits: [], action: null };
    const problems = validateArguments(target.entry.schema as Parameters<typeof validateArguments>[0], args);
    if (problems.length > 0) {
      const error = `invalid arguments: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`;
      return { output: { error }, record: recordOf('rejected', 0, error), hits: [], action: null };
    }
    const started = performance.now();
    try {
      const r = await target.run(args);
      return { output: r.output, record: recordOf(r.ok ? 'ok' : 'error', Math.round(performance.now() - started), r.error), hits: r.hits ?? [], action: r.action ?? null };
    } catch (err) {
      // A validation or not-found AppError from the feature: tell the model, record it, carry on.
      if (!(err instanceof AppError)) throw err;
      return { output: { error: err.message }, record: recordOf('error', Math.round(performance.now() - started), err.message), hits: [], action: null };
    }
  }

  private async runHttp(toolId: string, args: Record<string, unknown>) {
    const r = await invokeHttpTool(this.deps, { orgId: this.ctx.org_id, agentId: this.agent.id, toolId, args });
    const output = r.ok ? { status: r.status, body: r.body, ...(Object.keys(r.variables).length ? { variables: r.variables } : {}) } : { error: r.error ?? 'the tool failed' };
    return { output, ok: r.ok, error: r.error };
  }

  private async runMcp(serverId: string, toolName: string, args: Record<string, unknown>) {
    const r = await invokeMcpTool(this.deps, { orgId: this.ctx.org_id, agentId: this.agent.id, serverId, toolName, args });
    return { output: r.ok ? { text: r.text, ...(r.structured === null ? {} : { structured: r.structured }) } : { error: r.error ?? 'the tool failed' }, ok: r.ok, error: r.error };
  }

  /** Knowledge search scoped to the org AND the agent, and to the documents the session started with. */
  async searchKnowledge(query: string, topK = 3) {
    const assigned = new Set(this.agent.document_ids);
    const found = await searchKnowledge(this.deps, { orgId: this.ctx.org_id, agentId: this.agent.id, query, topK, voiceMode: this.ctx.channel === 'voice' });
    const results = found.results.filter((h) => assigned.has(h.document_id));
    const at = new Date();
    return {
      output: { results: results.map((h) => ({ text: h.text, document: h.document_name, score: Number(h.score.toFixed(4)) })) },
      ok: true,
      error: null,
      hits: results.map((h) => ({ document_id: h.document_id, chunk_id: h.chunk_id, score: h.score, at })),
      results,
    };
  }
}
