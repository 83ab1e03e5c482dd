/**
 * Runs one HTTP or webhook tool: validates the arguments, decrypts its secret headers, renders the
 * request from its templates and sends it through the guarded client. Makes network calls and uses
 * the vault: NEVER call it inside a withOrg transaction (read the tool first, then call this).
 */
import type { Deps } from '../../deps.js';
import { errors } from '../../platform/errors.js';
import { storableJson } from '../../platform/storable-text.js';
import { secretScrubber } from '../../platform/outbound/scrub.js';
import { decryptHeaders } from './headers.js';
import { validateArguments } from './json-schema.js';
import type { ToolWithSecrets } from './repo.js';
import { applyMapping } from './response-mapping.js';
import { TOOL_LIMITS } from './schemas.js';
import { renderHeaderValue, renderJson, renderText, renderUrl, TemplateArgumentError, type Args } from './templates.js';

export interface ToolCallResult {
  ok: boolean;
  status: number | null;
  duration_ms: number;
  variables: Record<string, unknown>;
  content_type: string | null;
  body: string;
  body_truncated: boolean;
  error: string | null;
}

export interface ToolCallInput {
  orgId: string;
  agentId: string | null;
  args: Args;
  /** Session data a webhook tool posts (variables, caller, transcript so far…), chosen by the pipeline. */
  session?: Record<string, unknown> | undefined;
}

interface Rendered {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

function render(tool: ToolWithSecrets, input: ToolCallInput, plainHeaders: Record<string, string>): Rendered {
  const { config } = tool;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(plainHeaders)) {
    // Secret values are used verbatim: they are never templates, and arguments never reach them.
    headers[name] = typeof config.headers[name] === 'string' ? renderHeaderValue(value, input.args) : value;
  }
  const has = (h: string) => Object.keys(headers).some((k) => k.toLowerCase() === h);
  let body: string | undefined;
  if (tool.type === 'webhook') {
    body = JSON.stringify({ tool: tool.name, tool_id: tool.id, agent_id: input.agentId, arguments: input.args, session: input.session ?? null, sent_at: new Date().toISOString() });
  } else if (typeof config.body === 'string') {
    body = renderText(config.body, input.args);
    if (!has('content-type')) headers['content-type'] = 'text/plain; charset=utf-8';
  } else if (config.body !== null && config.body !== undefined) {
    body = JSON.stringify(renderJson(config.body, input.args));
  } else if (config.method !== 'GET' && config.method !== 'DELETE') {
    body = JSON.stringify(input.args);
  }
  if (body !== undefined && !has('content-type')) headers['content-type'] = 'application/json';
  if (!has('accept')) headers.accept = 'application/json, text/plain;q=0.9, */*;q=0.1';
  return { url: renderUrl(config.url, input.args), method: config.method, headers, body };
}

/** Throws AppError 400 for bad arguments and OutboundError when the request cannot be made. */
export async function executeTool(deps: Deps, tool: ToolWithSecrets, input: ToolCallInput): Promise<ToolCallResult> {
  const problems = validateArguments(tool.parameters, input.args);
  if (problems.length > 0) throw errors.validation('The arguments do not match the tool parameters', problems);
  const plainHeaders = await decryptHeaders(deps, { orgId: input.orgId, recordId: tool.id }, tool.config.headers, tool.secret_headers);
  const secrets = Object.entries(plainHeaders).filter(([name]) => typeof tool.config.headers[name] !== 'string').map(([, v]) => v);
  let req: Rendered;
  try {
    req = render(tool, input, plainHeaders);
  } catch (err) {
    if (err instanceof TemplateArgumentError) throw errors.validation('The arguments cannot be used in this tool', [{ path: 'arguments', message: err.message }]);
    throw err;
  }

  const started = performance.now();
  const res = await deps.safeFetch(req.url, {
    method: req.method,
    headers: req.headers,
    ...(req.body === undefined ? {} : { body: req.body }),
    timeoutMs: tool.config.timeout_ms,
    maxResponseBytes: tool.config.max_response_bytes,
    // Redirects are checked hop by hop, but only Authorization is dropped across origins; a tool with
    // other secret headers (X-Api-Key…) must not carry them to wherever a redirect points.
    redirect: secrets.length > 0 ? 'manual' : 'follow',
  });
  const duration = Math.round(performance.now() - started);

  // Everything the server sent back is scrubbed of the secrets we sent it (it may reflect them).
  const scrub = secretScrubber(secrets);
  const contentType = res.headers.get('content-type');
  let parsed: unknown;
  try {
    parsed = res.json();
  } catch {
    parsed = undefined; // not JSON: no variables, the preview still shows the text
  }
  const variables = res.ok && parsed !== undefined ? applyMapping(tool.config.response_mapping, parsed) : {};
  const text = scrub.text(res.text());
  const preview = Buffer.from(text, 'utf8');
  const truncated = preview.length > TOOL_LIMITS.previewBytes;
  // Third-party text: NUL and unpaired surrogates removed, so the result can be stored and logged.
  return storableJson({
    ok: res.ok,
    status: res.status,
    duration_ms: duration,
    variables: scrub.value(variables),
    content_type: contentType === null ? null : scrub.text(contentType),
    body: truncated ? preview.subarray(0, TOOL_LIMITS.previewBytes).toString('utf8').replace(/\uFFFD$/, '') : text,
    body_truncated: truncated,
    error: res.ok ? null : `the tool's server answered HTTP ${res.status}`,
  });
}
