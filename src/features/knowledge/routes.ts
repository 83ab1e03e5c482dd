import { z } from 'zod';
import { decodeCursor } from '../../platform/http/pagination.js';
import { route, type RouteDef } from '../../platform/http/route.js';
import { IdParams, ListQuery, listOf } from '../../platform/http/schemas.js';
import { readUpload } from './multipart.js';
import { ChunkOut, ChunksQuery, DOCUMENT_STATUSES, DocumentOut, IngestTextBody, IngestUrlBody, KNOWLEDGE_LIMITS, QueryBody, QueryOut } from './schemas.js';
import { searchKnowledge } from './search/search.js';
import { deleteDocument, getDocument, ingestText, ingestUrl, listChunks, listDocuments, reindexDocument, uploadDocument } from './service.js';

const tags = ['knowledge'];
const DocumentListQuery = ListQuery.extend({ status: z.enum(DOCUMENT_STATUSES).optional() });

export const knowledgeRoutes: RouteDef[] = [
  route({
    method: 'GET',
    url: '/knowledge',
    operation: 'knowledge.list',
    permission: 'config:read',
    tags,
    query: DocumentListQuery,
    response: { 200: listOf(DocumentOut) },
    txHandler: ({ tx, query }) => listDocuments(tx, { cursor: decodeCursor(query.cursor), limit: query.limit, status: query.status }),
  }),
  route({
    method: 'POST',
    url: '/knowledge/upload',
    operation: 'knowledge.upload',
    summary: 'Upload a document (multipart `file`, optional `name`, `language`): PDF, DOCX, TXT, Markdown, CSV or HTML',
    permission: 'config:write',
    tags,
    status: 202,
    response: { 202: DocumentOut },
    handler: async ({ deps, principal, request, meta }) => uploadDocument(deps, principal, await readUpload(request, deps.config.uploadLimitBytes), meta),
  }),
  route({
    method: 'POST',
    url: '/knowledge/ingest-url',
    operation: 'knowledge.ingest_url',
    permission: 'config:write',
    tags,
    body: IngestUrlBody,
    status: 202,
    response: { 202: DocumentOut },
    handler: ({ deps, principal, body, meta }) => ingestUrl(deps, principal, body, meta),
  }),
  route({
    method: 'POST',
    url: '/knowledge/ingest-text',
    operation: 'knowledge.ingest_text',
    summary: 'Paste text: indexed at once (status ready) up to 200,000 characters, queued above that',
    permission: 'config:write',
    tags,
    body: IngestTextBody,
    bodyLimit: KNOWLEDGE_LIMITS.textBodyLimitBytes,
    status: 201,
    response: { 201: DocumentOut },
    handler: async ({ deps, principal, body, meta }) => (await ingestText(deps, principal, body, meta)).document,
  }),
  route({
    method: 'POST',
    url: '/knowledge/query',
    operation: 'knowledge.query',
    summary: 'Search the knowledge base (with agent_id: only the documents assigned to that agent)',
    permission: 'config:read',
    tags,
    body: QueryBody,
    response: { 200: QueryOut },
    handler: ({ deps, principal, body }) =>
      searchKnowledge(deps, { orgId: principal.orgId, agentId: body.agent_id ?? null, query: body.query, topK: body.top_k, voiceMode: body.voice_mode }),
  }),
  route({
    method: 'GET',
    url: '/knowledge/:id',
    operation: 'knowledge.get',
    permission: 'config:read',
    tags,
    params: IdParams,
    response: { 200: DocumentOut },
    txHandler: ({ tx, params }) => getDocument(tx, params.id),
  }),
  route({
    method: 'DELETE',
    url: '/knowledge/:id',
    operation: 'knowledge.delete',
    permission: 'config:write',
    tags,
    params: IdParams,
    status: 204,
    txHandler: ({ tx, principal, params, meta }) => deleteDocument(tx, principal, params.id, meta),
  }),
  route({
    method: 'POST',
    url: '/knowledge/:id/reindex',
    operation: 'knowledge.reindex',
    permission: 'config:write',
    tags,
    params: IdParams,
    status: 202,
    response: { 202: DocumentOut },
    handler: ({ deps, principal, params, meta }) => reindexDocument(deps, principal, params.id, meta),
  }),
  route({
    method: 'GET',
    url: '/knowledge/:id/chunks',
    operation: 'knowledge.chunks',
    permission: 'config:read',
    tags,
    params: IdParams,
    query: ChunksQuery,
    response: { 200: listOf(ChunkOut) },
    txHandler: ({ tx, params, query }) => listChunks(tx, params.id, { after: query.cursor ? Number(query.cursor) : -1, limit: query.limit }),
  }),
];
