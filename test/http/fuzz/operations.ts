/** The operations of an OpenAPI 3.1 document, as the fuzzer needs them. */
import type { Schema } from './schema-sample.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

export interface Param {
  name: string;
  schema: Schema;
  required: boolean;
}

export interface FuzzOperation {
  /** `METHOD /path/{param}` */
  key: string;
  method: HttpMethod;
  path: string;
  pathParams: Param[];
  query: Param[];
  /** The JSON request body schema, when the operation takes one. */
  body: Schema | undefined;
  isPublic: boolean;
}

interface Doc {
  paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string; required?: boolean; schema?: Schema }>; requestBody?: { content?: Record<string, { schema?: Schema }> }; security?: unknown[] }>>;
}

export function operationsOf(doc: Doc): FuzzOperation[] {
  const ops: FuzzOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const m of METHODS) {
      const op = item[m];
      if (!op) continue;
      const params = op.parameters ?? [];
      const toParam = (p: (typeof params)[number]): Param => ({ name: p.name, schema: p.schema ?? { type: 'string' }, required: p.required === true });
      ops.push({
        key: `${m.toUpperCase()} ${path}`,
        method: m.toUpperCase() as HttpMethod,
        path,
        pathParams: params.filter((p) => p.in === 'path').map(toParam),
        query: params.filter((p) => p.in === 'query').map(toParam),
        body: op.requestBody?.content?.['application/json']?.schema,
        isPublic: !op.security || op.security.length === 0,
      });
    }
  }
  return ops;
}

/** `/agents/{id}` with values for its parameters (already URL-encoded). */
export function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => values[name] ?? 'missing');
}

/** The list route whose ids a parameter names: `{id}` → the path's own collection; `{agent_id}` → `/agents`. */
export function collectionFor(op: FuzzOperation, param: string, lists: string[]): string | undefined {
  if (param === 'id') {
    const prefix = op.path.slice(0, op.path.indexOf('/{id}'));
    return lists.find((l) => l === prefix);
  }
  const stem = param.replace(/_id$/, '');
  return lists.find((l) => l.split('/').pop()!.startsWith(stem));
}
