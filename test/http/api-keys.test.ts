import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { call, createOrg, type TestOrg } from '../helpers/api.js';
import { expectError } from './support.js';

describe(`API keys (${modeName})`, () => {
  let t: TestApp;
  let org: TestOrg;

  const create = (body: Record<string, unknown>, token = org.tokens.owner) => call(t.app, { method: 'POST', url: '/api-keys', token, body });
  const list = () => call(t.app, { method: 'GET', url: '/api-keys?limit=200', token: org.tokens.owner });
  const revoke = (id: string) => call(t.app, { method: 'DELETE', url: `/api-keys/${id}`, token: org.tokens.owner });
  const me = (token: string) => call(t.app, { method: 'GET', url: '/me', token });

  beforeAll(async () => {
    t = await createTestApp();
    org = await createOrg(t.app, 'Keys');
  });
  afterAll(async () => t?.close());

  it('creates a cv_ key, shows it once, and lists only its prefix', async () => {
    const res = await create({ name: 'ci' });
    expect(res.statusCode, res.body).toBe(201);
    const k = res.json();
    expect(k.key).toMatch(/^cv_[A-Za-z0-9_-]{32,}$/);
    expect(k.role).toBe('admin');
    expect(k.last_used_at).toBeNull();
    expect(k.key.startsWith(k.prefix)).toBe(true);
    expect(k.prefix.startsWith('cv_')).toBe(true);
    // The prefix identifies the key without giving away most of it.
    expect(k.key.length - k.prefix.length).toBeGreaterThanOrEqual(32);

    const listed = await list();
    const item = listed.json().data.find((x: { id: string }) => x.id === k.id);
    expect(item).toEqual({ id: k.id, name: 'ci', role: 'admin', prefix: k.prefix, created_at: k.created_at, last_used_at: null });
    expect(listed.body).not.toContain(k.key);
    expect(listed.body).not.toContain(k.key.slice(k.prefix.length));
  });

  it('stores only a hash: the key appears nowhere in its row', async () => {
    const k = (await create({ name: 'hashed', role: 'viewer' })).json();
    const { rows } = await t.testDb.admin.transaction((q) =>
      q<{ key_hash: string; j: string }>('select key_hash, row_to_json(k)::text as j from app.api_keys k where org_id = $1 and id = $2', [org.id, k.id]),
    );
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.key_hash).not.toBe(k.key);
    expect(row.key_hash.length).toBeGreaterThanOrEqual(32);
    expect(row.j).not.toContain(k.key);
    expect(row.j).not.toContain(k.key.slice(k.prefix.length));
    expect(row.j).toContain(k.prefix);
  });

  it('authenticates with its role and records last_used_at', async () => {
    const k = (await create({ name: 'viewer', role: 'viewer' })).json();
    const before = Date.now();
    const who = await me(k.key);
    expect(who.statusCode, who.body).toBe(200);
    expect(who.json()).toMatchObject({ role: 'viewer', user: null, api_key: { id: k.id }, organization: { id: org.id } });
    expect((await call(t.app, { method: 'GET', url: '/organization', token: k.key })).statusCode).toBe(200);
    expectError(await call(t.app, { method: 'PATCH', url: '/organization', token: k.key, body: { name: 'viewer was here' } }), 403);
    const used = (await list()).json().data.find((x: { id: string }) => x.id === k.id);
    expect(used.last_used_at).not.toBeNull();
    expect(Date.parse(used.last_used_at)).toBeGreaterThanOrEqual(before - 5_000);
    expect(Date.parse(used.last_used_at)).toBeLessThanOrEqual(Date.now() + 5_000);
  });

  it('revocation is immediate, and a revoked key is gone from the list', async () => {
    const k = (await create({ name: 'short-lived' })).json();
    expect((await me(k.key)).statusCode).toBe(200);
    expect((await revoke(k.id)).statusCode).toBe(204);
    expectError(await me(k.key), 401);
    expect((await list()).json().data.map((x: { id: string }) => x.id)).not.toContain(k.id);
    expectError(await revoke(k.id), 404);
  });

  it('a near-miss of a real key is a 401', async () => {
    const k = (await create({ name: 'near' })).json();
    const last = k.key.at(-1) === 'A' ? 'B' : 'A';
    expectError(await me(k.key.slice(0, -1) + last), 401);
    expectError(await me(k.key.slice(0, -1)), 401);
    expectError(await me(`${k.key}x`), 401);
    expect((await me(k.key)).statusCode).toBe(200);
  });

  it('never carries the owner role; unknown roles and fields are rejected', async () => {
    expectError(await create({ name: 'x', role: 'owner' }), 400);
    expectError(await create({ name: 'x', role: 'root' }), 400);
    expectError(await create({ name: 'x', scopes: ['*'] }), 400);
    expectError(await create({ name: '' }), 400);
    const names = (await list()).json().data.map((x: { name: string }) => x.name);
    expect(names).not.toContain('x');
  });

  it('only owners manage keys: admins and API keys get 403', async () => {
    expectError(await create({ name: 'by admin' }, org.tokens.admin), 403);
    expectError(await create({ name: 'by key' }, org.apiKey), 403);
    expectError(await call(t.app, { method: 'GET', url: '/api-keys', token: org.apiKey }), 403);
    expectError(await call(t.app, { method: 'DELETE', url: `/api-keys/${org.apiKeyId}`, token: org.apiKey }), 403);
    expect((await me(org.apiKey)).statusCode).toBe(200);
  });

  it('creation, first use and revocation are audited without the key', async () => {
    const k = (await create({ name: 'audited', role: 'member' })).json();
    expect((await me(k.key)).statusCode).toBe(200);
    expect((await revoke(k.id)).statusCode).toBe(204);
    const res = await call(t.app, { method: 'GET', url: '/audit-log?limit=200', token: org.tokens.owner });
    expect(res.body).not.toContain(k.key);
    const entries = (res.json().data as Array<Record<string, any>>).filter((e) => e.target_id === k.id); // eslint-disable-line @typescript-eslint/no-explicit-any
    const byAction = Object.fromEntries(entries.map((e) => [e.action, e]));
    expect(byAction['api_key.created']).toMatchObject({ actor: { type: 'user', id: org.ownerId }, target_type: 'api_key', after: { name: 'audited', role: 'member', prefix: k.prefix } });
    expect(byAction['api_key.used']).toMatchObject({ actor: { type: 'api_key', id: k.id }, target_type: 'api_key' });
    expect(byAction['api_key.revoked']).toMatchObject({ actor: { type: 'user', id: org.ownerId }, before: { name: 'audited', role: 'member', prefix: k.prefix } });
  });
});
