/**
 * The inputs issue 12 found answered with a 500 (or a wrong status): NUL and unpaired surrogates in
 * strings, cursors JavaScript accepts and PostgreSQL refuses, JSON nested thousands of levels, bodies
 * that are not UTF-8 or never finish arriving. Each must be a 4xx in the error shape.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/platform/http/json-limits.js';
import { translateDbError } from '../../src/platform/db/errors.js';
import { AppError } from '../../src/platform/errors.js';
import { call, createOrg, PASSWORD, uniqueEmail, type TestOrg } from '../helpers/api.js';
import { createTestApp, type TestApp } from '../helpers/harness.js';
import { expectError } from './support.js';

let t: TestApp;
let org: TestOrg;

beforeAll(async () => {
  t = await createTestApp({ config: { bodyTimeoutMs: 300, allowPrivateNetwork: true } });
  org = await createOrg(t.app, 'Hardening');
});
afterAll(() => t.close());

const cursorOf = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
/** JSON text nested `depth` levels (alternating objects and arrays) around `leaf`, built as text. */
const nested = (depth: number, leaf = '1'): string => {
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    open = i % 2 ? `${open}[` : `${open}{"a":`;
    close = (i % 2 ? ']' : '}') + close;
  }
  return open + leaf + close;
};
const post = (url: string, token: string, json: string) =>
  t.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: json });

describe('NUL and unpaired surrogates', () => {
  it('login and signup with a NUL in a string are a 400 naming the field, not a 500', async () => {
    const login = await call(t.app, { method: 'POST', url: '/auth/login', body: { email: 'a\u0000@example.test', password: PASSWORD } });
    expect(expectError(login, 400).details).toEqual([expect.objectContaining({ path: 'body.email' })]);
    const signup = await call(t.app, { method: 'POST', url: '/auth/signup', body: { email: uniqueEmail('nul'), password: PASSWORD, name: 'N\u0000', organization_name: 'X' } });
    expect(expectError(signup, 400).details).toEqual([expect.objectContaining({ path: 'body.name' })]);
  });

  it('a lone surrogate in a body string or key, a NUL in the query: 400', async () => {
    const agent = await call(t.app, { method: 'POST', url: '/agents', token: org.tokens.owner, body: { name: 'x\uD800y' } });
    expect(expectError(agent, 400).details?.[0]?.path).toBe('body.name');
    const key = await call(t.app, { method: 'POST', url: '/agents', token: org.tokens.owner, body: JSON.parse('{"name":"x","\\udc00":1}') });
    expectError(key, 400);
    const audit = await call(t.app, { method: 'GET', url: '/audit-log?action=%00', token: org.tokens.owner });
    expect(expectError(audit, 400).details?.[0]?.path).toBe('query.action');
  });

  it('a surrogate pair (an emoji) is accepted', async () => {
    const res = await call(t.app, { method: 'POST', url: '/agents', token: org.tokens.owner, body: { name: 'Agent \uD83D\uDE00' } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().name).toBe('Agent 😀');
  });
});

describe('pagination cursors', () => {
  const bad = [
    { t: '2020-02-30T00:00:00.000Z', id: '00000000-0000-4000-8000-000000000000' },
    { t: '1', id: '00000000-0000-4000-8000-000000000000' },
    { t: 'x 2020', id: '00000000-0000-4000-8000-000000000000' },
    { t: '+275760-09-13T00:00:00.000Z', id: '00000000-0000-4000-8000-000000000000' },
    { t: '-271821-04-20T00:00:00.000Z', id: '00000000-0000-4000-8000-000000000000' },
    { t: '2020-01-01T24:00:00.000Z', id: '00000000-0000-4000-8000-000000000000' },
    { t: '2020-01-01T00:00:00.000Z', id: '-'.repeat(36) },
    { t: '2020-01-01T00:00:00.000Z', id: 'ffffffff-ffff-ffff-ffff-fffffffffffff' },
  ];
  for (const url of ['/agents', '/flows', '/team/members', '/team/invites', '/audit-log', '/channels', '/tools', '/knowledge', '/api-keys', '/mcp-servers', '/webhook-endpoints']) {
    it(`GET ${url} refuses every malformed cursor with a 400`, async () => {
      for (const c of [...bad.map(cursorOf), 'not base64!', cursorOf('string'), cursorOf(null)]) {
        const res = await call(t.app, { method: 'GET', url: `${url}?cursor=${encodeURIComponent(c)}`, token: org.tokens.owner });
        expect(expectError(res, 400).details?.[0]?.path, c).toBe('query.cursor');
      }
    });
  }

  it('a cursor the API returned still pages', async () => {
    for (let i = 0; i < 3; i++) await call(t.app, { method: 'POST', url: '/agents', token: org.tokens.owner, body: { name: `page ${i}` } });
    const first = await call(t.app, { method: 'GET', url: '/agents?limit=1', token: org.tokens.owner });
    const next = first.json().next_cursor as string;
    expect(next).toBeTruthy();
    const second = await call(t.app, { method: 'GET', url: `/agents?limit=1&cursor=${next}`, token: org.tokens.owner });
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json().data[0].id).not.toBe(first.json().data[0].id);
  });
});

describe('nesting depth', () => {
  it(`JSON nested 5,000 levels is a 400 before validation; ${MAX_JSON_DEPTH} levels pass the cap`, async () => {
    const tool = await post('/tools', org.tokens.owner, `{"name":"deep","config":{"method":"POST","url":"http://127.0.0.1:9/x","body":${nested(5000)}}}`);
    expect(expectError(tool, 400).details?.[0]?.path).toMatch(/^body\.config\.body\.a\.0\.a/);
    const params = await post('/tools', org.tokens.owner, `{"name":"deep2","parameters":${nested(5000)}}`);
    expectError(params, 400);
    const created = await call(t.app, { method: 'POST', url: '/tools', token: org.tokens.owner, body: { name: 'shallow', config: { method: 'POST', url: 'http://127.0.0.1:9/x' } } });
    expect(created.statusCode, created.body).toBe(201);
    const test = await post(`/tools/${created.json().id}/test`, org.tokens.owner, `{"arguments":{"a":${nested(5000)}}}`);
    expectError(test, 400);
    // At the cap the body parses; whatever the route thinks of it, it is not a 500.
    const atCap = await post('/agents', org.tokens.owner, `{"name":"cap","x":${nested(MAX_JSON_DEPTH - 1)}}`);
    expectError(atCap, 400);
    expect(JSON.stringify(atCap.json())).not.toMatch(/nested deeper/);
    const overCap = await post('/agents', org.tokens.owner, `{"name":"cap","x":${nested(MAX_JSON_DEPTH)}}`);
    expect(JSON.stringify(expectError(overCap, 400).details)).toMatch(/nested deeper/);
  });
});

describe('bytes', () => {
  it('a body that is not UTF-8 is a 400', async () => {
    const payload = Buffer.concat([Buffer.from('{"email":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('@example.test","password":"x"}')]);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload });
    expect(expectError(res, 400).message).toMatch(/UTF-8/);
  });

  it('a body that stalls is answered 408 within the body timeout', async () => {
    const stream = new PassThrough();
    stream.write('{"email":"slow@example.test",');
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json', 'content-length': '200' }, payload: stream });
    expectError(res, 408);
    stream.destroy();
  });
});

describe('database data exceptions', () => {
  it('any SQLSTATE of class 22 maps to a 400, other classes stay server errors', () => {
    for (const code of ['22021', '22P05', '22008', '22007', '22003']) {
      const e = translateDbError(Object.assign(new Error('x'), { code }));
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).status, code).toBe(400);
    }
    expect(translateDbError(Object.assign(new Error('x'), { code: '53300' }))).not.toBeInstanceOf(AppError);
  });
});
