/**
 * The two operations that talk to an MCP server: refreshing its tool list (admin) and calling one tool
 * (session pipeline). Both: read under withOrg → leave → decrypt headers and talk to the server →
 * write under a new withOrg. No network call or vault use inside a transaction.
 */
import type { Deps } from '../../deps.js';
import { scopeOf, type Principal } from '../../platform/auth/principal.js';
import { withOrg } from '../../platform/db/with-org.js';
import { AppError, errors } from '../../platform/errors.js';
import { findJsonProblem, storableJson, toStorableText } from '../../platform/http/json-limits.js';
import type { RequestMeta } from '../../platform/request-meta.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import { secretScrubber, type SecretScrubber } from '../../platform/outbound/scrub.js';
import { decryptHeaders } from '../tools/headers.js';
import { checkDestination } from '../../platform/outbound/index.js';
import { McpCallError, withMcpClient, type McpTarget } from './client.js';
import * as repo from './repo.js';
import { MCP_LIMITS, MCP_TOOL_NAME, presentMcpTool } from './schemas.js';
import { serverNotFound } from './service.js';

async function targetOf(deps: Deps, orgId: string, server: repo.McpServerWithSecrets): Promise<McpTarget> {
  const headers = await decryptHeaders(deps, { orgId, recordId: server.id }, server.headers, server.secret_headers);
  return { url: server.url, transport: server.transport, headers };
}

type Discovered = { name: string; description: string; input_schema: Record<string, unknown> };

/**
 * Keeps what we can store safely: valid unique names, bounded descriptions and schemas, none of them
 * carrying a secret we sent (a server may reflect our headers into its tool list, which viewers read). A
 * name containing one is dropped (it could not be called by its real name anyway).
 */
function sanitizeTools(tools: Array<{ name: string; description?: string | undefined; inputSchema: unknown }>, scrub: SecretScrubber): Discovered[] {
  const out = new Map<string, Discovered>();
  for (const t of tools) {
    if (out.size >= MCP_LIMITS.maxTools) break;
    if (typeof t.name !== 'string' || !MCP_TOOL_NAME.test(t.name) || out.has(t.name) || scrub.text(t.name) !== t.name) continue;
    const schema = t.inputSchema !== null && typeof t.inputSchema === 'object' && !Array.isArray(t.inputSchema) ? storableJson(t.inputSchema as Record<string, unknown>) : null;
    // Schemas nested past the request cap are dropped: later code walks them recursively.
    if (!schema || findJsonProblem(schema, 'schema') || Buffer.byteLength(JSON.stringify(schema)) > MCP_LIMITS.maxInputSchemaBytes) continue;
    // NUL and unpaired surrogates (PostgreSQL cannot store them) are removed from third-party text,
    // and so is anything echoing the server's secret headers.
    const description = toStorableText(scrub.text(typeof t.description === 'string' ? t.description : '').slice(0, MCP_LIMITS.maxDescriptionLength));
    out.set(t.name, { name: t.name, description, input_schema: scrub.value(schema) });
  }
  return [...out.values()];
}

/** POST /mcp-servers/{id}/refresh: lists the server's tools and stores them (replacing the old list). */
export async function refreshServer(deps: Deps, principal: Principal, id: string, meta: RequestMeta) {
  const server = await withOrg(deps.db, scopeOf(principal), (tx) => repo.getServerWithSecrets(tx, id));
  if (!server) throw serverNotFound();
  await checkDestination(deps.safeFetch, server.url);
  const target = await targetOf(deps, principal.orgId, server);
  let tools: Discovered[];
  try {
    tools = await withMcpClient(deps, target, async (client, signal) => {
      const all: Parameters<typeof sanitizeTools>[0] = [];
      let cursor: string | undefined;
      do {
        const res = await client.listTools(cursor ? { cursor } : undefined, { signal, timeout: MCP_LIMITS.timeoutMs });
        all.push(...res.tools);
        cursor = res.nextCursor;
      } while (cursor && all.length < MCP_LIMITS.maxTools);
      return sanitizeTools(all, secretScrubber(Object.values(target.headers)));
    });
  } catch (err) {
    if (!(err instanceof McpCallError)) throw err;
    await withOrg(deps.db, scopeOf(principal), (tx) => repo.recordRefresh(tx, id, { error: toStorableText(err.message.slice(0, 500)) }));
    throw errors.unprocessable('The MCP server could not be refreshed', [{ message: err.message }]);
  }
  const stored = await withOrg(deps.db, scopeOf(principal), async (tx) => {
    const current = await repo.getServerWithSecrets(tx, id, { lock: true });
    if (!current) throw serverNotFound();
    // The list came from the URL and headers read above; if they changed meanwhile it may be wrong.
    if (current.updated_at.getTime() !== server.updated_at.getTime()) throw errors.conflict('The MCP server changed during the refresh; refresh again');
    const before = (await repo.listTools(tx, id)).map((t) => t.name);
    await repo.replaceTools(tx, id, tools);
    await repo.recordRefresh(tx, id, { error: null });
    await recordAudit(tx, actorOf(principal), { action: 'mcp_server.refreshed', targetType: 'mcp_server', targetId: id, before: { tools: before }, after: { tools: tools.map((t) => t.name) } }, meta);
    return repo.listTools(tx, id);
  });
  return { data: stored.map(presentMcpTool), next_cursor: null };
}

export interface InvokeMcpToolInput {
  orgId: string;
  agentId: string;
  serverId: string;
  toolName: string;
  args: Record<string, unknown>;
}

export interface McpCallResult {
  ok: boolean;
  /** Concatenated text content (other content types are summarised), secrets removed, bounded. */
  text: string;
  structured: unknown;
  duration_ms: number;
  error: string | null;
}

function textOf(content: unknown): string {
  if (!Array.isArray(content)) return '';
  return content
    .map((c: { type?: string; text?: unknown; mimeType?: unknown }) => (c.type === 'text' && typeof c.text === 'string' ? c.text : `[${String(c.type)} content${typeof c.mimeType === 'string' ? ` ${c.mimeType}` : ''}]`))
    .join('\n');
}

/**
 * For the session pipeline. The org and agent come from the session, never from model output. The
 * server must be assigned to the agent, the tool discovered on it and allowed by the assignment; any
 * miss is the same 404 as a tool that does not exist. A server that cannot be reached or answers with
 * an error is a failed result (the model can be told), not an exception.
 */
export async function invokeMcpTool(deps: Deps, input: InvokeMcpToolInput): Promise<McpCallResult> {
  if (!MCP_TOOL_NAME.test(input.toolName)) throw errors.notFound('tool');
  const server = await withOrg(deps.db, { orgId: input.orgId }, (tx) => repo.getCallableTool(tx, input.agentId, input.serverId, input.toolName));
  if (!server) throw errors.notFound('tool');
  if (Buffer.byteLength(JSON.stringify(input.args ?? {})) > MCP_LIMITS.maxArgumentsBytes) throw errors.validation('The arguments are too large');
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const target = await targetOf(deps, input.orgId, server);
  const scrub = secretScrubber(Object.values(target.headers));
  try {
    await checkDestination(deps.safeFetch, server.url);
    const result = await withMcpClient(deps, target, (client, signal) => client.callTool({ name: input.toolName, arguments: input.args }, undefined, { signal, timeout: MCP_LIMITS.timeoutMs }));
    const text = scrub.text(textOf(result.content));
    const bounded = Buffer.from(text).subarray(0, MCP_LIMITS.maxResultTextBytes).toString('utf8');
    const structured = result.structuredContent === undefined ? null : scrub.value(result.structuredContent);
    return { ok: result.isError !== true, text: bounded, structured, duration_ms: elapsed(), error: result.isError === true ? 'the tool reported an error' : null };
  } catch (err) {
    const message = err instanceof McpCallError ? err.message : err instanceof AppError ? err.message : null;
    if (message === null) throw err;
    deps.log.info({ server_id: server.id, org: input.orgId }, 'mcp tool call failed');
    return { ok: false, text: '', structured: null, duration_ms: elapsed(), error: message };
  }
}
