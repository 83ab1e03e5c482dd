/**
 * One short MCP session through the SDK's Client: connect (initialize), do one thing, close.
 * Every request — the Streamable HTTP POSTs and GET stream, the SSE stream and its POSTs, and any
 * same-origin redirect the SDK follows — goes through the guarded streaming fetch, so each hop is
 * resolved, checked against the address policy and pinned. Never call this inside a transaction.
 *
 * Why a fresh session per operation: it is stateless (any `serve` instance can run it) and keeps
 * decrypted headers in memory only for the call. A per-session client cache is a later optimisation.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import type { Deps } from '../../deps.js';
import { createStreamingFetch, describeTarget, OutboundError, OutboundTimeoutError } from '../../platform/outbound/index.js';
import { scrubSecretText } from '../../platform/outbound/scrub.js';
import { MCP_LIMITS } from './schemas.js';

export interface McpTarget {
  url: string;
  transport: 'streamable_http' | 'sse';
  /** Decrypted header values; they live only as long as this call. */
  headers: Record<string, string>;
}

/**
 * Output schemas come from a server we do not control; compiling them (ajv builds code from a schema,
 * and `pattern` can be a ReDoS) is a risk we do not need: results go to a model, which reads text.
 */
const acceptAnyOutput: jsonSchemaValidator = {
  getValidator: () => (input: unknown) => ({ valid: true, data: input as never, errorMessage: undefined }),
};

/** Failures of an MCP session in words that are safe to store and show: no body, no header value. */
export class McpCallError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'McpCallError';
  }
}

function findOutbound(err: unknown): OutboundError | undefined {
  for (let e: unknown = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) if (e instanceof OutboundError) return e;
  return undefined;
}

/** The SDK's errors can quote the server's response body, which may echo our headers: rebuild them. */
export function describeMcpError(err: unknown, target: McpTarget): McpCallError {
  const outbound = findOutbound(err);
  if (outbound) return new McpCallError(outbound.message, outbound);
  const e = err as { name?: string; code?: unknown; message?: string } | null;
  const where = describeTarget(target.url);
  const code = typeof e?.code === 'number' ? e.code : undefined;
  if (e?.name === 'McpError' && code !== undefined) {
    const text = scrubSecretText(String(e.message ?? ''), Object.values(target.headers)).slice(0, 200);
    return new McpCallError(`MCP server ${where} returned error ${code}: ${text}`);
  }
  if (code !== undefined && code >= 100 && code <= 599) return new McpCallError(`MCP server ${where} answered HTTP ${code}`);
  return new McpCallError(`MCP request to ${where} failed`);
}

/** Runs `fn` with a connected client; everything (connect included) must finish within `timeoutMs`. */
export async function withMcpClient<T>(deps: Deps, target: McpTarget, fn: (client: Client, signal: AbortSignal) => Promise<T>, timeoutMs: number = MCP_LIMITS.timeoutMs): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new OutboundTimeoutError('total', timeoutMs, describeTarget(target.url))), timeoutMs);
  const fetch = createStreamingFetch({ allowPrivateNetwork: deps.config.allowPrivateNetwork, signal: controller.signal, userAgent: 'Converse/0.1 (+mcp)' });
  const url = new URL(target.url);
  const requestInit = { headers: target.headers };
  const transport =
    target.transport === 'sse'
      ? new SSEClientTransport(url, { fetch, requestInit })
      : new StreamableHTTPClientTransport(url, { fetch, requestInit, reconnectionOptions: { maxRetries: 0, initialReconnectionDelay: 1000, maxReconnectionDelay: 1000, reconnectionDelayGrowFactor: 1 } });
  const client = new Client({ name: 'converse', version: '0.1.0' }, { capabilities: {}, jsonSchemaValidator: acceptAnyOutput });
  // Transport errors are also reported here (e.g. an optional GET stream the server refuses); the
  // request that matters rejects on its own, so these are only logged, by kind.
  client.onerror = (err) => deps.log.debug({ kind: (err as { name?: string }).name }, 'mcp transport error');
  const options = { signal: controller.signal, timeout: timeoutMs };
  try {
    await client.connect(transport, options);
    return await fn(client, controller.signal);
  } catch (err) {
    throw controller.signal.aborted && controller.signal.reason instanceof OutboundError ? describeMcpError(controller.signal.reason, target) : describeMcpError(err, target);
  } finally {
    clearTimeout(timer);
    await client.close().catch(() => undefined);
    controller.abort();
  }
}
