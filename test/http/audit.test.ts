import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withOrg } from '../../src/platform/db/with-org.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { call, createOrg, inviteAndAccept, PASSWORD, signup, type TestOrg } from '../helpers/api.js';
import { expectError } from './support.js';

type Entry = { id: string; actor: { type: string; id: string | null }; action: string; target_type: string | null; target_id: string | null; before: any; after: any; ip: string | null; request_id: string | null; created_at: string }; // eslint-disable-line @typescript-eslint/no-explicit-any

describe(`audit log (${modeName})`, () => {
  let t: TestApp;
  let org: TestOrg;

  async function entries(token: string, action?: string): Promise<Entry[]> {
    const res = await call(t.app, { method: 'GET', url: `/audit-log?limit=200${action ? `&action=${action}` : ''}`, token });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().data;
  }
  const one = async (action: string, match: (e: Entry) => boolean) => {
    const found = (await entries(org.tokens.owner, action)).filter(match);
    expect(found, `${action} entries`).toHaveLength(1);
    return found[0]!;
  };

  beforeAll(async () => {
    t = await createTestApp();
    org = await createOrg(t.app, 'Audited');
  });
  afterAll(async () => t?.close());

  it('records logins and failed logins', async () => {
    const requestId = `login-${randomUUID()}`;
    const ok = await call(t.app, { method: 'POST', url: '/auth/login', body: { email: org.ownerEmail, password: PASSWORD }, headers: { 'x-request-id': requestId } });
    expect(ok.statusCode).toBe(200);
    const login = await one('auth.login', (e) => e.request_id === requestId);
    expect(login).toMatchObject({ actor: { type: 'user', id: org.ownerId }, target_type: 'user', target_id: org.ownerId, ip: '127.0.0.1' });

    const failedId = `failed-${randomUUID()}`;
    expectError(await call(t.app, { method: 'POST', url: '/auth/login', body: { email: org.ownerEmail, password: 'not-the-password' }, headers: { 'x-request-id': failedId } }), 401);
    const failed = await one('auth.login_failed', (e) => e.request_id === failedId);
    expect(failed).toMatchObject({ actor: { type: 'anonymous', id: null }, target_type: 'user', target_id: org.ownerId });
    expect(JSON.stringify(failed)).not.toContain('not-the-password');
  });

  it('records API key creation, use and revocation', async () => {
    const created = await call(t.app, { method: 'POST', url: '/api-keys', token: org.tokens.owner, body: { name: 'audit me', role: 'viewer' } });
    const { id, key } = created.json();
    expect((await call(t.app, { method: 'GET', url: '/organization', token: key })).statusCode).toBe(200);
    expect((await call(t.app, { method: 'DELETE', url: `/api-keys/${id}`, token: org.tokens.owner })).statusCode).toBe(204);
    expect(await one('api_key.created', (e) => e.target_id === id)).toMatchObject({ actor: { type: 'user', id: org.ownerId }, after: { name: 'audit me', role: 'viewer' } });
    expect(await one('api_key.used', (e) => e.target_id === id)).toMatchObject({ actor: { type: 'api_key', id } });
    expect(await one('api_key.revoked', (e) => e.target_id === id)).toMatchObject({ actor: { type: 'user', id: org.ownerId }, before: { name: 'audit me' } });
    expect(JSON.stringify(await entries(org.tokens.owner))).not.toContain(key);
  });

  it('records members joining, changing role and leaving, with before and after', async () => {
    const m = await inviteAndAccept(t.app, org.tokens.admin, 'viewer');
    expect(await one('invite.created', (e) => e.after?.email === m.email)).toMatchObject({ actor: { type: 'user', id: org.userIds.admin }, after: { role: 'viewer' } });
    expect(await one('member.added', (e) => e.target_id === m.user.id)).toMatchObject({ actor: { type: 'user', id: m.user.id }, after: { role: 'viewer', email: m.email } });

    expect((await call(t.app, { method: 'PATCH', url: `/team/members/${m.user.id}`, token: org.tokens.owner, body: { role: 'member' } })).statusCode).toBe(200);
    expect(await one('member.role_changed', (e) => e.target_id === m.user.id)).toMatchObject({ actor: { type: 'user', id: org.ownerId }, before: { role: 'viewer' }, after: { role: 'member' } });

    expect((await call(t.app, { method: 'DELETE', url: `/team/members/${m.user.id}`, token: org.apiKey })).statusCode).toBe(204);
    expect(await one('member.removed', (e) => e.target_id === m.user.id)).toMatchObject({ actor: { type: 'api_key', id: org.apiKeyId }, before: { role: 'member', email: m.email } });
  });

  it('records organization changes, invite revocation, logout and refresh-token reuse', async () => {
    const renamed = await call(t.app, { method: 'PATCH', url: '/organization', token: org.tokens.admin, body: { name: 'Audited Renamed' } });
    expect(renamed.statusCode).toBe(200);
    const upd = (await entries(org.tokens.owner, 'organization.updated'))[0]!;
    expect(upd).toMatchObject({ actor: { id: org.userIds.admin }, target_id: org.id, before: { name: 'Audited' }, after: { name: 'Audited Renamed' } });

    const inv = (await call(t.app, { method: 'POST', url: '/team/invites', token: org.tokens.owner, body: { email: `rv-${randomUUID().slice(0, 8)}@example.test`, role: 'member' } })).json();
    expect((await call(t.app, { method: 'DELETE', url: `/team/invites/${inv.id}`, token: org.tokens.admin })).statusCode).toBe(204);
    expect(await one('invite.revoked', (e) => e.target_id === inv.id)).toMatchObject({ actor: { id: org.userIds.admin }, before: { role: 'member' } });

    const s = (await call(t.app, { method: 'POST', url: '/auth/login', body: { email: org.ownerEmail, password: PASSWORD } })).json();
    const sid = JSON.parse(Buffer.from(s.access_token.split('.')[1], 'base64url').toString()).sid as string;
    await call(t.app, { method: 'POST', url: '/auth/refresh', body: { refresh_token: s.refresh_token } });
    await call(t.app, { method: 'POST', url: '/auth/refresh', body: { refresh_token: s.refresh_token } });
    expect(await one('auth.refresh_reuse_detected', (e) => e.target_id === sid)).toMatchObject({ actor: { type: 'user', id: org.ownerId }, target_type: 'session' });

    const s2 = (await call(t.app, { method: 'POST', url: '/auth/login', body: { email: org.ownerEmail, password: PASSWORD } })).json();
    const sid2 = JSON.parse(Buffer.from(s2.access_token.split('.')[1], 'base64url').toString()).sid as string;
    expect((await call(t.app, { method: 'POST', url: '/auth/logout', body: { refresh_token: s2.refresh_token } })).statusCode).toBe(204);
    expect(await one('auth.logout', (e) => e.target_id === sid2)).toMatchObject({ actor: { type: 'user', id: org.ownerId } });
  });

  it("is per organization: another org's trail holds none of these events", async () => {
    const other = await signup(t.app, 'Elsewhere');
    const theirs = await entries(other.access_token);
    expect(theirs.map((e) => e.action).sort()).toEqual(['member.added', 'organization.created']);
    const text = JSON.stringify(theirs);
    for (const id of [org.id, ...Object.values(org.userIds), org.apiKeyId]) expect(text).not.toContain(id);
  });

  it('pages through entries written in one transaction without losing any', async () => {
    const fresh = await signup(t.app, 'Paged');
    await call(t.app, { method: 'PATCH', url: '/organization', token: fresh.access_token, body: { name: 'Paged 2' } });
    const all = (await entries(fresh.access_token)).map((e) => e.id);
    expect(all.length).toBe(3);
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(t.app, { method: 'GET', url: `/audit-log?limit=1${cursor ? `&cursor=${cursor}` : ''}`, token: fresh.access_token });
      walked.push(...res.json().data.map((e: Entry) => e.id));
      cursor = res.json().next_cursor;
    } while (cursor && walked.length < 10);
    expect(walked).toEqual(all);
  });

  describe('append-only at the database level (as the app role)', () => {
    const snapshot = async () =>
      (await t.testDb.admin.transaction((q) => q<{ id: string; action: string }>('select id, action from app.audit_log where org_id = $1 order by id', [org.id]))).rows;

    it('UPDATE, DELETE and TRUNCATE of the audit log fail; the rows are untouched', async () => {
      const before = await snapshot();
      expect(before.length).toBeGreaterThan(5);
      const attempts = [
        "update app.audit_log set action = 'tampered' where org_id = $1",
        'delete from app.audit_log where org_id = $1',
        "update app.audit_log set before = null, after = null where org_id = $1 and action = 'member.role_changed'",
      ];
      for (const sql of attempts) {
        await expect(withOrg(t.deps.db, { orgId: org.id, userId: org.ownerId }, (tx) => tx.query(sql, [org.id])), sql).rejects.toMatchObject({ sqlstate: '42501' });
      }
      await expect(withOrg(t.deps.db, { orgId: org.id }, (tx) => tx.query('truncate app.audit_log'))).rejects.toMatchObject({ sqlstate: '42501' });
      expect(await snapshot()).toEqual(before);
    });

    it('the app role can append to its own org only', async () => {
      const insert = 'insert into app.audit_log (org_id, actor_type, action) values ($1, $2, $3) returning id';
      const mine = await withOrg(t.deps.db, { orgId: org.id }, (tx) => tx.query<{ id: string }>(insert, [org.id, 'system', 'test.appended']));
      expect(mine.rows).toHaveLength(1);
      const foreign = await signup(t.app, 'Target');
      await expect(withOrg(t.deps.db, { orgId: org.id }, (tx) => tx.query(insert, [foreign.organization.id, 'system', 'test.forged']))).rejects.toMatchObject({ sqlstate: '42501' });
      expect((await entries(foreign.access_token)).map((e) => e.action)).not.toContain('test.forged');
    });
  });
});
