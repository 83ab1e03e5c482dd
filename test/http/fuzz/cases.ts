/**
 * The hostile requests sent to every operation: built from the operation's own parameters and body
 * schema, so a new route is covered without a line here. `core` cases are sent for every role; the
 * rest as the owner (the role that gets deepest into the code).
 */
import { randomUUID } from 'node:crypto';
import { fillPath, type FuzzOperation } from './operations.js';

export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

export interface FuzzCase {
  name: string;
  core: boolean;
  request: FuzzRequest;
}

export interface CaseBase {
  op: FuzzOperation;
  /** URL-encoded values for the path parameters (existing ids where known). */
  pathValues: Record<string, string>;
  /** A plausible valid body (JSON value) or undefined. */
  body: unknown;
  bodyLimit: number;
}

/** JSON text nested `depth` levels. */
export const deepJson = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const ID = '00000000-0000-4000-8000-000000000000';
export const BAD_CURSORS: string[] = [
  b64({ t: '2020-02-30T00:00:00.000Z', id: ID }),
  b64({ t: '1', id: ID }),
  b64({ t: 'x 2020', id: ID }),
  b64({ t: '+275760-09-13T00:00:00.000Z', id: ID }),
  b64({ t: '-271821-04-20T00:00:00.000Z', id: ID }),
  b64({ t: '2020-01-01T00:00:00.000Z', id: '-'.repeat(36) }),
  b64({ t: '2020-01-01T00:00:00.000Z', id: `${ID}' or '1'='1` }),
  b64({ t: { $gt: 1 }, id: ID }),
  b64([1, 2]),
  'not-a-cursor!',
  '%00',
];

const INJECTIONS: string[] = [
  "' OR '1'='1'; DROP TABLE app.agents; --",
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '{{constructor.constructor("return process")()}}',
  '${7*7}#{7*7}<%= 7*7 %>',
  '<script>alert(1)</script>',
  'file:///etc/passwd',
  '\u202egnp.exe',
];

/** Raw query values, already encoded: NUL, invalid UTF-8, an encoded lone surrogate, huge, odd numbers. */
const QUERY_VALUES: Array<[string, string, boolean]> = [
  ['NUL', '%00', true],
  ['invalid UTF-8', '%FF%FE', true],
  ['encoded surrogate', '%ED%A0%80', false],
  ['huge', 'x'.repeat(5000), false],
  ['negative', '-1', false],
  ['overflow', '1e309', false],
  ['NaN', 'NaN', false],
  ['empty', '', false],
  ['SQL', encodeURIComponent(INJECTIONS[0]!), false],
];

const PATH_VALUES: Array<[string, string, boolean]> = [
  ['missing uuid', randomUUID(), true],
  ['not a uuid', 'not-a-uuid', true],
  ['36 dashes', '-'.repeat(36), false],
  ['nil uuid', '00000000-0000-0000-0000-000000000000', false],
  ['upper-case uuid', randomUUID().toUpperCase(), false],
  ['NUL', '%00', true],
  ['invalid UTF-8', '%FF', false],
  ['encoded surrogate', '%ED%A0%80', false],
  ['traversal', '..%2F..%2Fetc%2Fpasswd', false],
  ['huge', 'a'.repeat(3000), false],
  ['SQL', encodeURIComponent("1' OR '1'='1"), false],
  ['template', encodeURIComponent('{{7*7}}'), false],
];

/** Values that replace one body property: wrong types, null, unstorable and oversized text, deep JSON. */
function propertyMutations(bodyLimit: number): Array<[string, unknown, boolean]> {
  return [
    ['null', null, true],
    ['number', 12345, false],
    ['string', '12', false],
    ['boolean', true, false],
    ['object', { x: 1 }, false],
    ['array', ['x'], false],
    ['NUL', 'a\u0000b', true],
    ['lone high surrogate', 'a\uD800b', true],
    ['lone low surrogate', '\uDC00', false],
    ['huge string', 'x'.repeat(Math.floor(bodyLimit / 4)), false],
    ['huge array', Array.from({ length: 20_000 }, () => 'x'), false],
    ['deep array', DEEP, true],
    ['deep object', DEEP_OBJECT, false],
    ...INJECTIONS.map((v, i): [string, unknown, boolean] => [`injection ${i}`, v, false]),
    ['org_id object', { org_id: randomUUID() }, false],
  ];
}

const DEEP = Symbol('deep array');
const DEEP_OBJECT = Symbol('deep object');
/** JSON.stringify, with the deep markers replaced by 5,000 levels of JSON text (a value could not be stringified). */
const stringify = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) => (x === DEEP ? '__fuzz_deep__' : x === DEEP_OBJECT ? '__fuzz_deep_object__' : x))
    .split('"__fuzz_deep__"').join(deepJson(5000))
    .split('"__fuzz_deep_object__"').join('{"a":'.repeat(5000) + '1' + '}'.repeat(5000));

const JSON_HEADERS = { 'content-type': 'application/json' };

export function casesFor(base: CaseBase): FuzzCase[] {
  const { op } = base;
  const cases: FuzzCase[] = [];
  const path = (values = base.pathValues) => `/api/v1${fillPath(op.path, values)}`.replace(/^\/api\/v1\/api\/v1/, '/api/v1');
  const validUrl = path();
  const hasBody = op.method !== 'GET' && op.method !== 'DELETE';
  const validPayload = base.body === undefined ? undefined : stringify(base.body);
  const add = (name: string, core: boolean, request: Partial<FuzzRequest> & { url?: string }) =>
    cases.push({ name, core, request: { method: op.method, url: validUrl, headers: {}, ...(validPayload !== undefined && hasBody ? { headers: { ...JSON_HEADERS }, payload: validPayload } : {}), ...request } });

  add('valid sample', true, {});

  for (const p of op.pathParams) {
    for (const [name, value, core] of PATH_VALUES) add(`path ${p.name}: ${name}`, core, { url: path({ ...base.pathValues, [p.name]: value }) });
  }

  const queryNames = [...op.query.map((q) => q.name), 'zzz_unknown', 'org_id'];
  for (const q of queryNames) {
    for (const [name, value, core] of QUERY_VALUES) add(`query ${q}: ${name}`, core, { url: `${validUrl}?${q}=${value}` });
    add(`query ${q}: repeated`, false, { url: `${validUrl}?${q}=1&${q}=2` });
    add(`query ${q}: bracket object`, false, { url: `${validUrl}?${q}[a]=1&${q}[__proto__][x]=1` });
  }
  if (op.query.some((q) => q.name === 'cursor')) {
    BAD_CURSORS.forEach((c, i) => add(`query cursor: bad cursor ${i}`, i < 6, { url: `${validUrl}?cursor=${encodeURIComponent(c)}` }));
  }

  if (!hasBody) return cases;
  const body = (payload: string | Buffer, headers: Record<string, string> = JSON_HEADERS) => ({ payload, headers: { ...headers } });
  add('body: none', true, { headers: {}, payload: undefined as never });
  add('body: empty', false, body(''));
  add('body: null', true, body('null'));
  add('body: array', false, body('[]'));
  add('body: string', false, body('"x"'));
  add('body: number', false, body('1e309'));
  add('body: truncated', false, body('{"a":'));
  add('body: trailing comma', false, body('{"a":1,}'));
  add('body: invalid UTF-8', true, body(Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')])));
  add('body: overlong UTF-8 NUL', false, body(Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc0, 0x80]), Buffer.from('"}')])));
  add('body: UTF-16', false, body(Buffer.from('{"a":1}', 'utf16le')));
  add('body: BOM', false, body(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(validPayload ?? '{}')])));
  add('body: deep array', true, body(deepJson(5000)));
  add('body: deep object', false, body('{"a":'.repeat(5000) + '1' + '}'.repeat(5000)));
  add('body: __proto__', false, body('{"__proto__":{"polluted":1}}'));
  add('body: constructor.prototype', false, body('{"constructor":{"prototype":{"polluted":1}}}'));
  add('body: NUL key', false, body('{"a\\u0000":1}'));
  add('body: over the limit', true, body(`{"a":"${'x'.repeat(base.bodyLimit + 10)}"}`));
  add('body: wrong length header', false, { payload: '{}', headers: { ...JSON_HEADERS, 'content-length': '10' } });
  add('body: text/plain', false, body(validPayload ?? '{}', { 'content-type': 'text/plain' }));
  add('body: xml', false, body('<a/>', { 'content-type': 'application/xml' }));
  add('body: urlencoded', false, body('a=1&b=%00', { 'content-type': 'application/x-www-form-urlencoded' }));
  add('body: multipart garbage', false, body('--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n\u0000\r\n--x--', { 'content-type': 'multipart/form-data; boundary=x' }));
  add('body: latin1 charset', false, body(validPayload ?? '{}', { 'content-type': 'application/json; charset=latin1' }));

  const sampleObject = base.body !== null && typeof base.body === 'object' && !Array.isArray(base.body) ? (base.body as Record<string, unknown>) : undefined;
  if (sampleObject && op.body) {
    const props = Object.keys((op.body.properties ?? {}) as Record<string, unknown>);
    for (const p of props) {
      const { [p]: _dropped, ...without } = sampleObject;
      add(`body.${p}: missing`, false, body(stringify(without)));
      for (const [name, value, core] of propertyMutations(base.bodyLimit)) add(`body.${p}: ${name}`, core, body(stringify({ ...sampleObject, [p]: value })));
    }
    // One level down (config.body, arguments.x…): where JSON-valued fields take any value.
    for (const p of props) {
      const inner = sampleObject[p];
      if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) continue;
      const innerProps = Object.keys(((op.body.properties as Record<string, { properties?: object }>)[p]?.properties ?? {}) as object);
      for (const k of [...innerProps, 'zzz_unknown']) {
        for (const [name, value] of [['deep object', DEEP_OBJECT], ['NUL', 'a\u0000'], ['lone surrogate', '\uDBFF']] as const) {
          add(`body.${p}.${k}: ${name}`, false, body(stringify({ ...sampleObject, [p]: { ...(inner as object), [k]: value } })));
        }
      }
    }
    add('body: extra field', true, body(stringify({ ...sampleObject, zzz_unknown: 1 })));
    add('body: organization_id', false, body(stringify({ ...sampleObject, organization_id: randomUUID() })));
  }
  return cases;
}
