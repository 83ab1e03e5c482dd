import { z } from 'zod';
import { toIso } from '../../platform/http/schemas.js';
import { Language } from '../agents/schemas.js';
import type { ChunkRow, DocumentRow } from './repo.js';

/** Limits of the knowledge API (docs/knowledge.md). Uploads are capped by config.uploadLimitBytes. */
export const KNOWLEDGE_LIMITS = {
  /** Pasted text: characters, and the JSON body that carries them (4-byte characters plus the name). */
  maxTextChars: 2_000_000,
  textBodyLimitBytes: 8 * 1024 * 1024 + 4096,
  maxQueryChars: 2000,
  maxTopK: 50,
  defaultTopK: 5,
  /** How long fetching a URL for ingestion may take, redirects included. */
  urlTimeoutMs: 20_000,
  maxRedirects: 5,
} as const;

export const DOCUMENT_STATUSES = ['queued', 'processing', 'ready', 'failed'] as const;

const Name = z.string().trim().min(1).max(300);
const HttpUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http or https URL');

export const IngestUrlBody = z.strictObject({ url: HttpUrl, name: Name, language: Language.optional() });
export type IngestUrlBody = z.infer<typeof IngestUrlBody>;

export const IngestTextBody = z.strictObject({
  name: Name,
  content: z.string().min(1).max(KNOWLEDGE_LIMITS.maxTextChars),
  language: Language.optional(),
});
export type IngestTextBody = z.infer<typeof IngestTextBody>;

/** Multipart text fields an upload may carry besides `file`; anything else (org_id, agent_id…) is a 400. */
export const UploadFields = z.strictObject({ name: Name.optional(), language: Language.optional() });
export type UploadFields = z.infer<typeof UploadFields>;

export const QueryBody = z.strictObject({
  query: z.string().trim().min(1).max(KNOWLEDGE_LIMITS.maxQueryChars),
  top_k: z.number().int().min(1).max(KNOWLEDGE_LIMITS.maxTopK).default(KNOWLEDGE_LIMITS.defaultTopK),
  voice_mode: z.boolean().default(false),
  agent_id: z.uuid().optional(),
});
export type QueryBody = z.infer<typeof QueryBody>;

export const AgentParams = z.strictObject({ agent_id: z.uuid() });
export const AssignParams = z.strictObject({ agent_id: z.uuid(), doc_id: z.uuid() });
export const ChunksQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().regex(/^\d{1,9}$/, 'not a cursor returned by this API').optional(),
});

export const DocumentOut = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(DOCUMENT_STATUSES),
  progress: z.number().int().describe('0–100 while queued or processing; 100 when ready'),
  error: z.string().nullable().describe('Why ingestion failed (status failed), or the transient problem being retried'),
  chunk_count: z.number().int(),
  source: z.enum(['upload', 'url', 'text']),
  url: z.string().nullable(),
  filename: z.string().nullable(),
  content_type: z.string().nullable().describe('pdf, docx, txt, markdown, csv or html, once detected'),
  size_bytes: z.number().int(),
  language: z.string().nullable(),
  title: z.string().nullable(),
  page_count: z.number().int().nullable(),
  truncated: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
  indexed_at: z.string().nullable(),
});
export type DocumentOut = z.infer<typeof DocumentOut>;

export const ChunkOut = z.object({
  id: z.string(),
  document_id: z.string(),
  position: z.number().int(),
  text: z.string(),
  heading: z.string().nullable(),
  page: z.number().int().nullable(),
  char_start: z.number().int().nullable(),
  char_end: z.number().int().nullable(),
});

export const QueryOut = z.object({
  results: z.array(
    z.object({
      document_id: z.string(),
      chunk_id: z.string(),
      text: z.string(),
      score: z.number(),
      document_name: z.string(),
      heading: z.string().nullable(),
      page: z.number().int().nullable(),
    }),
  ),
  mode: z.enum(['fulltext', 'hybrid']).describe('hybrid when vector search took part (reciprocal rank fusion)'),
});

export const AssignmentOut = z.object({ agent_id: z.string(), document_id: z.string(), created_at: z.string() });

export function presentDocument(d: DocumentRow): DocumentOut {
  return {
    id: d.id,
    name: d.name,
    status: d.status,
    progress: d.progress,
    error: d.error,
    chunk_count: d.chunk_count,
    source: d.source,
    url: d.source_url,
    filename: d.filename,
    content_type: d.content_type,
    size_bytes: Number(d.size_bytes),
    language: d.language ?? d.language_hint,
    title: d.title,
    page_count: d.page_count,
    truncated: d.truncated,
    created_at: toIso(d.created_at)!,
    updated_at: toIso(d.updated_at)!,
    indexed_at: toIso(d.indexed_at),
  };
}

export const presentChunk = (c: ChunkRow) => ({
  id: c.id,
  document_id: c.document_id,
  position: c.position,
  text: c.text,
  heading: c.heading,
  page: c.page,
  char_start: c.char_start,
  char_end: c.char_end,
});
