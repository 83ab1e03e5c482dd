import { z } from 'zod';
import { toIso } from '../../platform/http/schemas.js';
import { HeadersInput, HeadersOut, presentHeaders } from '../tools/headers.js';
import type { McpServerRow, McpToolRow } from './repo.js';

export const MCP_LIMITS = {
  /** Tools kept from one server's list (the rest are ignored, and the refresh says so). */
  maxTools: 256,
  maxDescriptionLength: 4000,
  maxInputSchemaBytes: 65_536,
  maxArgumentsBytes: 65_536,
  /** Text returned from one tool call. */
  maxResultTextBytes: 65_536,
  timeoutMs: 30_000,
  bodyLimitBytes: 64 * 1024,
} as const;

export const MCP_TRANSPORTS = ['streamable_http', 'sse'] as const;
/** MCP tool names (spec: 1–128 characters of this set). */
export const MCP_TOOL_NAME = /^[A-Za-z0-9_.\-/]{1,128}$/;

const Name = z.string().trim().min(1).max(200);
const Url = z
  .string()
  .trim()
  .max(2048)
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password;
    } catch {
      return false;
    }
  }, 'must be an absolute http or https URL without credentials (use headers)');

export const McpServerBody = z.strictObject({
  name: Name,
  url: Url,
  transport: z.enum(MCP_TRANSPORTS).default('streamable_http'),
  headers: HeadersInput.default({}).describe('Write-only: every value is encrypted and never returned'),
});
export type McpServerBody = z.infer<typeof McpServerBody>;

export const McpServerPatchBody = z
  .strictObject({ name: Name, url: Url, transport: z.enum(MCP_TRANSPORTS), headers: HeadersInput })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'at least one field is required');
export type McpServerPatchBody = z.infer<typeof McpServerPatchBody>;

export const AllowedTools = z
  .array(z.string().regex(MCP_TOOL_NAME, 'not an MCP tool name'))
  .max(256)
  .refine((names) => new Set(names).size === names.length, 'duplicate tool names');
/** The body is optional: a bare POST (Fastify hands the schema null) assigns every tool. */
export const AssignServerBody = z.strictObject({ allowed_tools: AllowedTools.nullable().optional().describe('Omit or null: every tool the server offers') }).nullish();

export const McpServerOut = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  transport: z.enum(MCP_TRANSPORTS),
  headers: HeadersOut,
  last_refreshed_at: z.string().nullable(),
  last_error: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type McpServerOut = z.infer<typeof McpServerOut>;

export const McpToolOut = z.object({
  server_id: z.string(),
  name: z.string(),
  description: z.string(),
  input_schema: z.record(z.string(), z.unknown()),
  refreshed_at: z.string(),
});

export const AgentServerOut = McpServerOut.extend({
  allowed_tools: z.array(z.string()).nullable(),
  assigned_at: z.string(),
});

export const presentServer = (s: McpServerRow): McpServerOut => ({
  id: s.id,
  name: s.name,
  url: s.url,
  transport: s.transport,
  headers: presentHeaders(s.headers),
  last_refreshed_at: toIso(s.last_refreshed_at),
  last_error: s.last_error,
  created_at: toIso(s.created_at)!,
  updated_at: toIso(s.updated_at)!,
});

export const presentMcpTool = (t: McpToolRow) => ({
  server_id: t.server_id,
  name: t.name,
  description: t.description,
  input_schema: t.input_schema,
  refreshed_at: toIso(t.refreshed_at)!,
});
