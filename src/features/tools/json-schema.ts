/**
 * The JSON Schema subset a tool's `parameters` may use, and argument validation against it.
 *
 * Why a subset instead of a full validator: these schemas are shown to LLMs as function signatures
 * (which understand roughly this subset), and a keyword allow-list keeps hostile schemas out — no
 * `$ref` cycles, no remote references, no regular expressions (ReDoS), bounded size and depth.
 *
 * @example
 *   checkParametersSchema({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }) // []
 *   validateArguments(schema, { city: 'Pune' }) // []
 */

export const SCHEMA_LIMITS = {
  maxBytes: 16_384,
  maxDepth: 6,
  maxProperties: 64,
  maxEnum: 100,
  maxArgumentsBytes: 65_536,
} as const;

const TYPES = new Set(['object', 'string', 'number', 'integer', 'boolean', 'array', 'null']);
const KEYWORDS = new Set([
  'type', 'description', 'title', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'minItems', 'maxItems',
  'format', 'default', 'examples',
]);
const NUMERIC_KEYWORDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'];
const COUNT_KEYWORDS = ['minLength', 'maxLength', 'minItems', 'maxItems'];
/** Property names become template placeholders and model-visible argument names. */
export const PROPERTY_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export interface SchemaProblem {
  [key: string]: unknown;
  path: string;
  message: string;
}

type Node = Record<string, unknown>;
const isObject = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const typesOf = (node: Node): string[] => (Array.isArray(node.type) ? (node.type as string[]) : typeof node.type === 'string' ? [node.type] : []);

/** Problems with a `parameters` schema; empty when it is usable. The root must be an object schema. */
export function checkParametersSchema(schema: unknown): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  if (!isObject(schema)) return [{ path: 'parameters', message: 'must be a JSON Schema object' }];
  if (Buffer.byteLength(JSON.stringify(schema)) > SCHEMA_LIMITS.maxBytes) return [{ path: 'parameters', message: `larger than ${SCHEMA_LIMITS.maxBytes} bytes` }];
  if (schema.type !== 'object') problems.push({ path: 'parameters.type', message: 'the root schema must have type "object"' });
  checkNode(schema, 'parameters', 0, problems);
  return problems.slice(0, 20);
}

function checkNode(node: unknown, path: string, depth: number, problems: SchemaProblem[]): void {
  if (!isObject(node)) return void problems.push({ path, message: 'must be a schema object' });
  if (depth > SCHEMA_LIMITS.maxDepth) return void problems.push({ path, message: `nested deeper than ${SCHEMA_LIMITS.maxDepth} levels` });
  for (const key of Object.keys(node)) if (!KEYWORDS.has(key)) problems.push({ path: `${path}.${key}`, message: 'keyword not supported' });
  const types = typesOf(node);
  if (node.type !== undefined && (types.length === 0 || types.some((t) => !TYPES.has(t)))) problems.push({ path: `${path}.type`, message: 'unknown type' });
  for (const k of ['description', 'title', 'format']) if (node[k] !== undefined && typeof node[k] !== 'string') problems.push({ path: `${path}.${k}`, message: 'must be a string' });
  for (const k of NUMERIC_KEYWORDS) if (node[k] !== undefined && typeof node[k] !== 'number') problems.push({ path: `${path}.${k}`, message: 'must be a number' });
  for (const k of COUNT_KEYWORDS) if (node[k] !== undefined && !(Number.isInteger(node[k]) && (node[k] as number) >= 0)) problems.push({ path: `${path}.${k}`, message: 'must be a non-negative integer' });
  if (node.enum !== undefined && !(Array.isArray(node.enum) && node.enum.length > 0 && node.enum.length <= SCHEMA_LIMITS.maxEnum)) {
    problems.push({ path: `${path}.enum`, message: `must be a list of 1 to ${SCHEMA_LIMITS.maxEnum} values` });
  }
  if (node.additionalProperties !== undefined && typeof node.additionalProperties !== 'boolean') problems.push({ path: `${path}.additionalProperties`, message: 'must be true or false' });
  if (node.properties !== undefined) {
    if (!isObject(node.properties)) problems.push({ path: `${path}.properties`, message: 'must be an object' });
    else {
      const names = Object.keys(node.properties);
      if (names.length > SCHEMA_LIMITS.maxProperties) problems.push({ path: `${path}.properties`, message: `more than ${SCHEMA_LIMITS.maxProperties} properties` });
      for (const name of names) {
        if (!PROPERTY_NAME.test(name)) problems.push({ path: `${path}.properties.${name}`, message: 'property names are letters, digits and _ (max 64)' });
        checkNode(node.properties[name], `${path}.properties.${name}`, depth + 1, problems);
      }
    }
  }
  if (node.required !== undefined) {
    const props = isObject(node.properties) ? node.properties : {};
    if (!Array.isArray(node.required) || node.required.some((r) => typeof r !== 'string' || !Object.hasOwn(props, r))) {
      problems.push({ path: `${path}.required`, message: 'must list names of declared properties' });
    }
  }
  if (node.items !== undefined) checkNode(node.items, `${path}.items`, depth + 1, problems);
}

/** Problems with `args` against a checked schema; empty when they conform. */
export function validateArguments(schema: Node, args: unknown): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  if (Buffer.byteLength(JSON.stringify(args ?? null)) > SCHEMA_LIMITS.maxArgumentsBytes) return [{ path: 'arguments', message: `larger than ${SCHEMA_LIMITS.maxArgumentsBytes} bytes` }];
  validate(schema, args, 'arguments', problems);
  return problems.slice(0, 20);
}

function typeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'null':
      return value === null;
    default:
      return typeof value === type;
  }
}

function validate(node: Node, value: unknown, path: string, problems: SchemaProblem[]): void {
  const types = typesOf(node);
  if (types.length > 0 && !types.some((t) => typeMatches(t, value))) return void problems.push({ path, message: `must be ${types.join(' or ')}` });
  if (node.enum !== undefined && !(node.enum as unknown[]).some((e) => JSON.stringify(e) === JSON.stringify(value))) problems.push({ path, message: 'not one of the allowed values' });
  if (node.const !== undefined && JSON.stringify(node.const) !== JSON.stringify(value)) problems.push({ path, message: 'must equal the constant value' });
  if (typeof value === 'number') {
    if (typeof node.minimum === 'number' && value < node.minimum) problems.push({ path, message: `must be ≥ ${node.minimum}` });
    if (typeof node.maximum === 'number' && value > node.maximum) problems.push({ path, message: `must be ≤ ${node.maximum}` });
    if (typeof node.exclusiveMinimum === 'number' && value <= node.exclusiveMinimum) problems.push({ path, message: `must be > ${node.exclusiveMinimum}` });
    if (typeof node.exclusiveMaximum === 'number' && value >= node.exclusiveMaximum) problems.push({ path, message: `must be < ${node.exclusiveMaximum}` });
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (typeof node.minLength === 'number' && length < node.minLength) problems.push({ path, message: `shorter than ${node.minLength}` });
    if (typeof node.maxLength === 'number' && length > node.maxLength) problems.push({ path, message: `longer than ${node.maxLength}` });
  }
  if (Array.isArray(value)) {
    if (typeof node.minItems === 'number' && value.length < node.minItems) problems.push({ path, message: `fewer than ${node.minItems} items` });
    if (typeof node.maxItems === 'number' && value.length > node.maxItems) problems.push({ path, message: `more than ${node.maxItems} items` });
    if (isObject(node.items)) value.forEach((v, i) => validate(node.items as Node, v, `${path}.${i}`, problems));
  }
  if (isObject(value)) {
    const props = isObject(node.properties) ? node.properties : {};
    for (const name of Array.isArray(node.required) ? (node.required as string[]) : []) {
      if (!Object.hasOwn(value, name)) problems.push({ path: `${path}.${name}`, message: 'required' });
    }
    for (const [name, v] of Object.entries(value)) {
      const sub = Object.hasOwn(props, name) ? props[name] : undefined;
      if (isObject(sub)) validate(sub, v, `${path}.${name}`, problems);
      else if (node.additionalProperties === false) problems.push({ path: `${path}.${name}`, message: 'not an allowed argument' });
    }
  }
}
