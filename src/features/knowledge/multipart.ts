import type { FastifyRequest } from 'fastify';
import { errors } from '../../platform/errors.js';
import { assertAcceptableJson } from '../../platform/http/json-limits.js';
import { rejectOrgInBody } from '../../platform/http/tenant-guard.js';
import { UploadFields } from './schemas.js';

/** Route layer only: turns a multipart upload into plain values for the service. */
export interface ReadUpload {
  bytes: Buffer;
  filename: string;
  mimeType: string;
  fields: UploadFields;
}

/**
 * Reads exactly one `file` part (capped at `maxBytes`: larger → 413 from the multipart plugin) and the
 * small text fields an upload may carry. Field names are checked like a JSON body: org_id (any spelling)
 * → 400, unknown fields (agent_id, assignments…) → 400, so upload metadata can never set the org or an
 * assignment.
 */
export async function readUpload(request: FastifyRequest, maxBytes: number): Promise<ReadUpload> {
  if (!request.isMultipart()) throw errors.unsupportedMediaType('Send the document as multipart/form-data with a "file" field');
  const raw: Record<string, string> = {};
  let file: { bytes: Buffer; filename: string; mimeType: string } | undefined;
  const parts = request.parts({ limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 4096, parts: 12 } });
  for await (const part of parts) {
    if (part.type === 'file') {
      if (part.fieldname !== 'file') {
        part.file.resume(); // drain it so the parser can finish
        throw errors.validation('Unexpected file field', [{ path: part.fieldname, message: 'the document goes in the "file" field' }]);
      }
      file = { bytes: await part.toBuffer(), filename: part.filename ?? '', mimeType: part.mimetype ?? '' };
    } else {
      if (Object.hasOwn(raw, part.fieldname)) throw errors.validation('Repeated field', [{ path: part.fieldname, message: 'given more than once' }]);
      raw[part.fieldname] = typeof part.value === 'string' ? part.value : String(part.value);
    }
  }
  rejectOrgInBody(raw);
  assertAcceptableJson(raw, 'fields');
  if (file) assertAcceptableJson(file.filename, 'file.filename');
  const parsed = UploadFields.safeParse(raw);
  if (!parsed.success) {
    throw errors.validation('The upload fields are invalid', parsed.error.issues.map((i) => ({ path: i.path.join('.') || (i as { keys?: string[] }).keys?.join(',') || 'fields', message: i.message })));
  }
  if (!file) throw errors.validation('No file was uploaded', [{ path: 'file', message: 'required' }]);
  return { ...file, fields: parsed.data };
}
