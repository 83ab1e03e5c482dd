import { z } from 'zod';
import { toIso } from '../../platform/http/schemas.js';
import { HeadersInput, HeadersOut, presentHeaders, type StoredHeaders } from './headers.js';
import { checkParametersSchema, PROPERTY_NAME } from './json-schema.js';
import { parsePath } from './response-mapping.js';
import type { ToolRow } from './repo.js';

export const TOOL_LIMITS = {
  maxBodyTemplateBytes: 16_384,
  maxTimeoutMs: 30_000,
  maxResponseBytes: 1_048_576,
  maxMappings: 32,
  /** Request body cap: schema + body template + headers with room to spare. */
  bodyLimitBytes: 128 * 1024,
  /** What the test endpoint returns of a response body. */
  previewBytes: 4096,
} as const;

export const TOOL_TYPES = ['http', 'webhook'] as const;
export const TOOL_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

const ToolName = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'letters, digits, _ and - (max 64), starting with a letter');
const Description = z.string().max(2000);
const Parameters = z.record(z.string(), z.unknown()).superRefine((schema, ctx) => {
  for (const p of checkParametersSchema(schema)) ctx.addIssue({ code: 'custom', message: `${p.path}: ${p.message}` });
});
const JsonBody = z
  .unknown()
  .refine((v) => v === null || Buffer.byteLength(JSON.stringify(v) ?? '') <= TOOL_LIMITS.maxBodyTemplateBytes, `at most ${TOOL_LIMITS.maxBodyTemplateBytes} bytes`)
  .refine((v) => depthOf(v) <= 16, 'nested deeper than 16 levels');

/** Iterative, so a hostile body nested thousands deep cannot overflow the stack. */
function depthOf(root: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    max = Math.max(max, depth);
    if (max > 16) return max;
    if (value !== null && typeof value === 'object') for (const v of Object.values(value)) stack.push([v, depth + 1]);
  }
  return max;
}
const ResponseMapping = z
  .record(z.string().regex(PROPERTY_NAME, 'variable names are letters, digits and _'), z.string().max(500).refine((p) => parsePath(p) !== null, 'a JSONPath like $.a.b[0].c'))
  .refine((m) => Object.keys(m).length <= TOOL_LIMITS.maxMappings, `at most ${TOOL_LIMITS.maxMappings} mappings`);

export const ToolConfigInput = z.strictObject({
  method: z.enum(TOOL_METHODS).default('POST'),
  url: z.string().trim().min(1).max(2048).describe('May contain {{param}} in the path and query'),
  headers: HeadersInput.default({}),
  body: JsonBody.default(null).describe('JSON template: a "{{param}}" leaf takes the argument value; null sends the arguments as JSON'),
  timeout_ms: z.number().int().min(100).max(TOOL_LIMITS.maxTimeoutMs).default(10_000),
  max_response_bytes: z.number().int().min(1).max(TOOL_LIMITS.maxResponseBytes).default(262_144),
  response_mapping: ResponseMapping.default({}).describe('variable name → JSONPath-lite into the JSON response'),
});
export type ToolConfigInput = z.infer<typeof ToolConfigInput>;

/** Create (POST) and full replace (PUT). */
export const ToolBody = z.strictObject({
  name: ToolName,
  description: Description.default(''),
  type: z.enum(TOOL_TYPES).default('http'),
  parameters: Parameters.default({ type: 'object', properties: {} }),
  config: ToolConfigInput,
});
export type ToolBody = z.infer<typeof ToolBody>;

/** Partial update; `config`, when given, is replaced as a whole (secret headers may be kept by name). */
export const ToolPatchBody = z
  .strictObject({ name: ToolName, description: Description, type: z.enum(TOOL_TYPES), parameters: Parameters, config: ToolConfigInput })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'at least one field is required');
export type ToolPatchBody = z.infer<typeof ToolPatchBody>;

export const ToolTestBody = z.strictObject({
  arguments: z.record(z.string(), z.unknown()).default({}),
  /** Sample session data for webhook tools. */
  session: z.record(z.string(), z.unknown()).optional(),
});

/** The stored, secret-free config. */
export interface StoredToolConfig {
  method: (typeof TOOL_METHODS)[number];
  url: string;
  headers: StoredHeaders;
  body: unknown;
  timeout_ms: number;
  max_response_bytes: number;
  response_mapping: Record<string, string>;
}

export const ToolOut = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  type: z.enum(TOOL_TYPES),
  parameters: z.record(z.string(), z.unknown()),
  config: z.object({
    method: z.string(),
    url: z.string(),
    headers: HeadersOut,
    body: z.unknown(),
    timeout_ms: z.number(),
    max_response_bytes: z.number(),
    response_mapping: z.record(z.string(), z.string()),
  }),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ToolOut = z.infer<typeof ToolOut>;

export const ToolResultOut = z.object({
  ok: z.boolean(),
  status: z.number().nullable(),
  duration_ms: z.number(),
  variables: z.record(z.string(), z.unknown()),
  content_type: z.string().nullable(),
  body: z.string().describe(`The first ${TOOL_LIMITS.previewBytes} bytes of the response, secrets removed`),
  body_truncated: z.boolean(),
  error: z.string().nullable(),
});

export const presentTool = (t: ToolRow): ToolOut => ({
  id: t.id,
  name: t.name,
  description: t.description,
  type: t.type,
  parameters: t.parameters,
  config: { ...t.config, body: t.config.body ?? null, headers: presentHeaders(t.config.headers) },
  created_at: toIso(t.created_at)!,
  updated_at: toIso(t.updated_at)!,
});
