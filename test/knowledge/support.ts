import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { allJobs } from '../../src/jobs.js';
import type { Deps } from '../../src/deps.js';
import { createWorker } from '../../src/platform/jobs/index.js';
import { call } from '../helpers/api.js';

export interface UploadSpec {
  bytes: Uint8Array | string;
  filename: string;
  mime?: string;
  /** Extra multipart text fields (name, language… or hostile ones). */
  fields?: Record<string, string>;
  /** Field name of the file part (default "file"). */
  fileField?: string;
}

/** A multipart/form-data body built by hand, so tests control every byte the server sees. */
export function multipartBody(spec: UploadSpec): { payload: Buffer; contentType: string } {
  const boundary = `----converse${randomUUID().replace(/-/g, '')}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(spec.fields ?? {})) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  parts.push(Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${spec.fileField ?? 'file'}"; filename="${spec.filename}"\r\n` +
    `Content-Type: ${spec.mime ?? 'application/octet-stream'}\r\n\r\n`,
  ));
  parts.push(Buffer.from(spec.bytes));
  parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

export async function upload(app: FastifyInstance, token: string, spec: UploadSpec) {
  const { payload, contentType } = multipartBody(spec);
  const res = await app.inject({ method: 'POST', url: '/api/v1/knowledge/upload', headers: { authorization: `Bearer ${token}`, 'content-type': contentType }, payload });
  return Object.assign(res, { json: <T = any>() => JSON.parse(res.body) as T }); // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function getDoc(app: FastifyInstance, token: string, id: string) {
  const res = await call(app, { method: 'GET', url: `/knowledge/${id}`, token });
  if (res.statusCode !== 200) throw new Error(`get document ${id}: ${res.statusCode} ${res.body}`);
  return res.json();
}

/**
 * Runs the real worker (createWorker(...).runOnce()) until the document leaves queued/processing.
 * Every test file has a database (and job queue) of its own, so only this file's jobs are there; the
 * budget covers a slow parse on a loaded machine.
 */
export async function settle(deps: Deps, app: FastifyInstance, token: string, id: string, budgetMs = 90_000) {
  const worker = createWorker(deps, allJobs, { concurrency: 4 });
  const deadline = Date.now() + budgetMs;
  try {
    while (Date.now() < deadline) {
      const doc = await getDoc(app, token, id);
      if (doc.status === 'ready' || doc.status === 'failed') return doc;
      if ((await worker.runOnce()) === 0) await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await worker.stop();
  }
  throw new Error(`document ${id} did not settle`);
}

export async function search(app: FastifyInstance, token: string, body: Record<string, unknown>) {
  return call(app, { method: 'POST', url: '/knowledge/query', token, body });
}

export async function pasteText(app: FastifyInstance, token: string, name: string, content: string, extra: Record<string, unknown> = {}) {
  const res = await call(app, { method: 'POST', url: '/knowledge/ingest-text', token, body: { name, content, ...extra } });
  if (res.statusCode !== 201) throw new Error(`ingest-text: ${res.statusCode} ${res.body}`);
  return res.json();
}

export async function createAgent(app: FastifyInstance, token: string, name = 'Agent') {
  const res = await call(app, { method: 'POST', url: '/agents', token, body: { name } });
  if (res.statusCode !== 201) throw new Error(`create agent: ${res.statusCode} ${res.body}`);
  return res.json().id as string;
}
