import { Ajv2020 } from 'ajv/dist/2020.js';

/**
 * Structural checks for an OpenAPI 3.1 document: the document skeleton against a compact schema of the
 * parts of the specification we use, every embedded schema against the JSON Schema 2020-12 meta-schema
 * (OpenAPI 3.1's dialect), and the cross-references a schema cannot express.
 */
const OAS31_SKELETON = {
  type: 'object',
  required: ['openapi', 'info', 'paths'],
  properties: {
    openapi: { type: 'string', pattern: '^3\\.1\\.\\d+$' },
    info: { type: 'object', required: ['title', 'version'], properties: { title: { type: 'string', minLength: 1 }, version: { type: 'string', minLength: 1 } } },
    servers: { type: 'array', items: { type: 'object', required: ['url'], properties: { url: { type: 'string' } } } },
    paths: { type: 'object', propertyNames: { pattern: '^/' }, additionalProperties: { $ref: '#/$defs/pathItem' } },
    components: {
      type: 'object',
      properties: {
        schemas: { type: 'object' },
        securitySchemes: { type: 'object', additionalProperties: { type: 'object', required: ['type'], properties: { type: { enum: ['apiKey', 'http', 'mutualTLS', 'oauth2', 'openIdConnect'] } } } },
      },
    },
  },
  $defs: {
    pathItem: {
      type: 'object',
      propertyNames: { enum: ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace', 'summary', 'description', 'servers', 'parameters', '$ref'] },
      properties: Object.fromEntries(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'].map((m) => [m, { $ref: '#/$defs/operation' }])),
    },
    operation: {
      type: 'object',
      required: ['responses'],
      properties: {
        operationId: { type: 'string', minLength: 1 },
        tags: { type: 'array', items: { type: 'string' } },
        parameters: { type: 'array', items: { $ref: '#/$defs/parameter' } },
        requestBody: { type: 'object', required: ['content'], properties: { content: { $ref: '#/$defs/content' } } },
        responses: {
          type: 'object',
          minProperties: 1,
          propertyNames: { pattern: '^([1-5](\\d\\d|XX)|default)$' },
          additionalProperties: { type: 'object', required: ['description'], properties: { content: { $ref: '#/$defs/content' } } },
        },
        security: { type: 'array', items: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } } },
      },
    },
    parameter: {
      type: 'object',
      required: ['name', 'in'],
      properties: { name: { type: 'string', minLength: 1 }, in: { enum: ['query', 'header', 'path', 'cookie'] }, required: { type: 'boolean' } },
      if: { properties: { in: { const: 'path' } } },
      then: { required: ['required'], properties: { required: { const: true } } },
    },
    content: { type: 'object', additionalProperties: { type: 'object', properties: { schema: { type: ['object', 'boolean'] } } } },
  },
} as const;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
type Doc = { paths: Record<string, Record<string, any>>; components?: { securitySchemes?: Record<string, unknown> } }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Returns a list of problems; empty when the document is structurally valid. */
export function openApiProblems(doc: unknown): string[] {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const problems: string[] = [];
  const validate = ajv.compile(OAS31_SKELETON);
  if (!validate(doc)) return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  const d = doc as Doc;
  const schemes = new Set(Object.keys(d.components?.securitySchemes ?? {}));
  const operationIds = new Set<string>();
  for (const [path, item] of Object.entries(d.paths)) {
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const where = `${method.toUpperCase()} ${path}`;
      if (op.operationId) {
        if (operationIds.has(op.operationId)) problems.push(`${where}: duplicate operationId ${op.operationId}`);
        operationIds.add(op.operationId);
      }
      const params = (op.parameters ?? []) as Array<{ name: string; in: string; schema?: unknown }>;
      for (const name of templated) {
        if (!params.some((p) => p.in === 'path' && p.name === name)) problems.push(`${where}: path parameter {${name}} is not declared`);
      }
      for (const p of params.filter((x) => x.in === 'path')) {
        if (!templated.includes(p.name)) problems.push(`${where}: declares path parameter ${p.name} not in the path`);
      }
      for (const sec of (op.security ?? []) as Array<Record<string, unknown>>) {
        for (const name of Object.keys(sec)) if (!schemes.has(name)) problems.push(`${where}: unknown security scheme ${name}`);
      }
      const schemas: unknown[] = [
        ...params.map((p) => p.schema).filter(Boolean),
        ...Object.values((op.requestBody?.content ?? {}) as Record<string, { schema?: unknown }>).map((c) => c.schema),
        ...Object.values((op.responses ?? {}) as Record<string, { content?: Record<string, { schema?: unknown }> }>).flatMap((r) => Object.values(r.content ?? {}).map((c) => c.schema)),
      ].filter((s) => s !== undefined);
      for (const s of schemas) {
        if (!ajv.validateSchema(s as object)) problems.push(`${where}: invalid JSON Schema: ${ajv.errorsText(ajv.errors)}`);
      }
    }
  }
  return problems;
}

/**
 * Parses `app.printRoutes({ commonPrefix: false })` into "METHOD /path" strings (HEAD dropped, `:param`
 * written `{param}` as in OpenAPI). Independent of how routes were registered.
 */
export function registeredRoutes(printed: string): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of printed.split('\n')) {
    const m = /^((?:[│ ] {3})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    const path = (stack[depth - 1] ?? '') + m[2]!;
    stack[depth] = path;
    stack.length = depth + 1;
    for (const method of (m[3] ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
      if (method !== 'HEAD') out.push(`${method} ${path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
    }
  }
  return out;
}

/** "METHOD /path" for every operation of an OpenAPI document. */
export function documentedRoutes(doc: Doc): string[] {
  return Object.entries(doc.paths).flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${path}`));
}
