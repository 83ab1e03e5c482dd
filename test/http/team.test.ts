import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { call, createOrg, inviteAndAccept, PASSWORD, signup, uniqueEmail, type TestOrg } from '../helpers/api.js';
import type { Role } from '../../src/platform/auth/permissions.js';
import { expectError } from './support.js';

describe(`team: invites and members (${modeName})`, () => {
  let t: TestApp;
  let org: TestOrg;

  const invite = (token: string, email: string, role: Role = 'member') => call(t.app, { method: 'POST', url: '/team/invites', token, body: { email, role } });
  const accept = (body: Record<string, unknown>) => call(t.app, { method: 'POST', url: '/auth/accept-invite', body });
  const members = async (token: string) => (await call(t.app, { method: 'GET', url: '/team/members?limit=200', token })).json().data as Array<{ user_id: string; role: Role; email: string }>;
  const patchRole = (token: string, userId: string, role: Role) => call(t.app, { method: 'PATCH', url: `/team/members/${userId}`, token, body: { role } });
  const remove = (token: string, userId: string) => call(t.app, { method: 'DELETE', url: `/team/members/${userId}`, token });
  const audit = async (token: string, action: string) =>
    (await call(t.app, { method: 'GET', url: `/audit-log?limit=200&action=${action}`, token })).json().data as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const adminRows = async (sql: string, params: unknown[]) => (await t.testDb.admin.transaction((q) => q<Record<string, unknown>>(sql, params))).rows;

  beforeAll(async () => {
    t = await createTestApp();
    org = await createOrg(t.app, 'Team');
  });
  afterAll(async () => t?.close());

  describe('invites', () => {
    it('returns the token once, at creation, and never in the list', async () => {
      const email = uniqueEmail('once');
      const res = await invite(org.tokens.admin, email, 'viewer');
      expect(res.statusCode, res.body).toBe(201);
      const created = res.json();
      expect(created).toMatchObject({ email, role: 'viewer', status: 'pending' });
      expect(typeof created.token).toBe('string');
      expect(created.token.length).toBeGreaterThanOrEqual(32);
      const list = await call(t.app, { method: 'GET', url: '/team/invites?limit=200', token: org.tokens.owner });
      expect(list.json().data.map((i: { id: string }) => i.id)).toContain(created.id);
      expect(list.body).not.toContain(created.token);
      const row = (await adminRows('select row_to_json(i)::text as j from app.invites i where org_id = $1 and id = $2', [org.id, created.id]))[0]!;
      expect(row.j as string).not.toContain(created.token);
    });

    it('is single-use', async () => {
      const email = uniqueEmail('single');
      const token = (await invite(org.tokens.owner, email)).json().token;
      const first = await accept({ token, name: 'Single', password: PASSWORD });
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json()).toMatchObject({ organization: { id: org.id }, role: 'member', user: { email } });
      const again = await accept({ token, name: 'Single', password: PASSWORD });
      const never = await accept({ token: `cvi_${randomUUID()}`, name: 'Single', password: PASSWORD });
      expectError(again, 404);
      expect(again.body).toBe(never.body);
    });

    it('expires: an expired invite shows as expired and cannot be accepted', async () => {
      const res = await invite(org.tokens.owner, uniqueEmail('late'));
      const { id, token } = res.json();
      await t.testDb.admin.transaction((q) => q(`update app.invites set expires_at = now() - interval '1 minute' where org_id = $1 and id = $2`, [org.id, id]));
      const list = await call(t.app, { method: 'GET', url: '/team/invites?limit=200', token: org.tokens.owner });
      expect(list.json().data.find((i: { id: string }) => i.id === id)?.status).toBe('expired');
      const late = await accept({ token, name: 'Late', password: PASSWORD });
      const never = await accept({ token: `cvi_${randomUUID()}`, name: 'Late', password: PASSWORD });
      expectError(late, 404);
      expect(late.body).toBe(never.body);
    });

    it('a revoked invite and a superseded invite cannot be accepted', async () => {
      const revoked = (await invite(org.tokens.owner, uniqueEmail('revoked'))).json();
      expect((await call(t.app, { method: 'DELETE', url: `/team/invites/${revoked.id}`, token: org.tokens.admin })).statusCode).toBe(204);
      expectError(await accept({ token: revoked.token, name: 'R', password: PASSWORD }), 404);
      expectError(await call(t.app, { method: 'DELETE', url: `/team/invites/${revoked.id}`, token: org.tokens.admin }), 404);

      const email = uniqueEmail('twice');
      const old = (await invite(org.tokens.owner, email, 'viewer')).json();
      const fresh = (await invite(org.tokens.owner, email, 'member')).json();
      expectError(await accept({ token: old.token, name: 'T', password: PASSWORD }), 404);
      const ok = await accept({ token: fresh.token, name: 'T', password: PASSWORD });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().role).toBe('member');
    });

    it('is bound to its email: the account is created for that email, and an existing account must prove its password', async () => {
      const email = uniqueEmail('MiXeD-Case');
      const { token } = (await invite(org.tokens.owner, email)).json();
      expectError(await accept({ token, name: 'B', password: PASSWORD, email: uniqueEmail('other') }), 400);
      const missing = await accept({ token, name: 'B' });
      expectError(missing, 400);
      const ok = await accept({ token, name: 'B', password: PASSWORD });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json().user.email).toBe(email.toLowerCase());

      // Someone who already has an account (in another org) joins as that same account.
      const elsewhere = await signup(t.app, 'Elsewhere');
      const inv = (await invite(org.tokens.owner, elsewhere.email, 'viewer')).json();
      expectError(await accept({ token: inv.token }), 401);
      expectError(await accept({ token: inv.token, name: 'Impostor', password: 'not-their-password' }), 401);
      const joined = await accept({ token: inv.token, password: PASSWORD });
      expect(joined.statusCode, joined.body).toBe(200);
      expect(joined.json()).toMatchObject({ user: { id: elsewhere.user.id }, organization: { id: org.id }, role: 'viewer' });
      expect((await call(t.app, { method: 'GET', url: '/me', token: elsewhere.access_token })).json().organization.id).toBe(elsewhere.organization.id);
    });

    it('refuses to invite an existing member (409)', async () => {
      expectError(await invite(org.tokens.owner, org.ownerEmail), 409);
    });

    it('records an outbox row for the mailer, without the token', async () => {
      const email = uniqueEmail('outbox');
      const created = (await invite(org.tokens.admin, email, 'support_agent')).json();
      const rows = await adminRows('select kind, recipient, payload, sent_at, row_to_json(o)::text as j from app.outbox o where org_id = $1 and recipient = $2', [org.id, email]);
      expect(rows).toHaveLength(1);
      const row = rows[0]!;
      expect(row.kind).toBe('team.invite');
      expect(row.sent_at).toBeNull();
      const payload = typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload;
      expect(payload).toMatchObject({ invite_id: created.id, role: 'support_agent', organization_name: 'Team' });
      expect(row.j as string).not.toContain(created.token);
    });
  });

  describe('owners are managed by owners', () => {
    it('an admin cannot invite an owner, revoke an owner invite, or change or remove owners', async () => {
      expectError(await invite(org.tokens.admin, uniqueEmail('wannabe'), 'owner'), 403);
      expectError(await invite(org.apiKey, uniqueEmail('wannabe'), 'owner'), 403);
      const ownerInvite = await invite(org.tokens.owner, uniqueEmail('co-owner'), 'owner');
      expect(ownerInvite.statusCode).toBe(201);
      expectError(await call(t.app, { method: 'DELETE', url: `/team/invites/${ownerInvite.json().id}`, token: org.tokens.admin }), 403);
      // The refused revocation changed nothing.
      const pending = await call(t.app, { method: 'GET', url: '/team/invites?limit=200', token: org.tokens.owner });
      expect(pending.json().data.map((i: { id: string }) => i.id)).toContain(ownerInvite.json().id);

      expectError(await patchRole(org.tokens.admin, org.ownerId, 'admin'), 403);
      expectError(await remove(org.tokens.admin, org.ownerId), 403);
      const m = await inviteAndAccept(t.app, org.tokens.owner, 'member');
      expectError(await patchRole(org.tokens.admin, m.user.id, 'owner'), 403);
      expectError(await patchRole(org.apiKey, m.user.id, 'owner'), 403);
      expect((await members(org.tokens.owner)).find((x) => x.user_id === org.ownerId)?.role).toBe('owner');
      expect((await members(org.tokens.owner)).find((x) => x.user_id === m.user.id)?.role).toBe('member');
      // Non-owners stay manageable by admins.
      expect((await patchRole(org.tokens.admin, m.user.id, 'viewer')).statusCode).toBe(200);
    });

    it('members, support agents and viewers cannot change roles or remove others', async () => {
      const target = await inviteAndAccept(t.app, org.tokens.owner, 'viewer');
      for (const role of ['member', 'support_agent', 'viewer'] as const) {
        expectError(await patchRole(org.tokens[role], target.user.id, 'member'), 403);
        expectError(await remove(org.tokens[role], target.user.id), 403);
        expectError(await invite(org.tokens[role], uniqueEmail('nope')), 403);
      }
      expect((await members(org.tokens.owner)).find((x) => x.user_id === target.user.id)?.role).toBe('viewer');
    });
  });

  describe('the last owner', () => {
    it('cannot be demoted or leave (409); with a second owner both become possible', async () => {
      const solo = await signup(t.app, 'Solo');
      expectError(await patchRole(solo.access_token, solo.user.id, 'admin'), 409);
      expectError(await remove(solo.access_token, solo.user.id), 409);
      expect((await members(solo.access_token)).map((m) => m.role)).toEqual(['owner']);

      const second = await inviteAndAccept(t.app, solo.access_token, 'owner');
      const demoted = await patchRole(solo.access_token, solo.user.id, 'admin');
      expect(demoted.statusCode, demoted.body).toBe(200);
      expect(demoted.json().role).toBe('admin');
      // Now `second` is the last owner.
      expectError(await remove(second.access_token, second.user.id), 409);
      expectError(await patchRole(second.access_token, second.user.id, 'viewer'), 409);
      expect((await remove(solo.access_token, solo.user.id)).statusCode).toBe(204);
      expect((await members(second.access_token)).map((m) => m.user_id)).toEqual([second.user.id]);
    });

    it('two owners demoting each other at the same time leave at least one owner', async () => {
      const a = await signup(t.app, 'Race');
      const b = await inviteAndAccept(t.app, a.access_token, 'owner');
      const results = await Promise.all([patchRole(a.access_token, b.user.id, 'admin'), patchRole(b.access_token, a.user.id, 'admin')]);
      expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
      for (const r of results.filter((x) => x.statusCode !== 200)) expect([403, 409]).toContain(r.statusCode);
      const roles = (await members(results[0]!.statusCode === 200 ? a.access_token : b.access_token)).map((m) => m.role);
      expect(roles.filter((r) => r === 'owner')).toHaveLength(1);
    });
  });

  describe('role changes and leaving', () => {
    it('a role change is audited with actor, before and after', async () => {
      const m = await inviteAndAccept(t.app, org.tokens.owner, 'member');
      const res = await patchRole(org.tokens.admin, m.user.id, 'support_agent');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ user_id: m.user.id, role: 'support_agent', email: m.email });
      const entry = (await audit(org.tokens.owner, 'member.role_changed')).find((e) => e.target_id === m.user.id);
      expect(entry).toMatchObject({
        actor: { type: 'user', id: org.userIds.admin },
        target_type: 'user',
        before: { role: 'member' },
        after: { role: 'support_agent' },
      });
      expect(Date.parse(entry!.created_at)).not.toBeNaN();
    });

    it('a change through an API key is audited with the key as actor', async () => {
      const m = await inviteAndAccept(t.app, org.tokens.owner, 'viewer');
      expect((await patchRole(org.apiKey, m.user.id, 'member')).statusCode).toBe(200);
      const entry = (await audit(org.tokens.owner, 'member.role_changed')).find((e) => e.target_id === m.user.id);
      expect(entry).toMatchObject({ actor: { type: 'api_key', id: org.apiKeyId }, before: { role: 'viewer' }, after: { role: 'member' } });
    });

    it('any member can leave; they disappear from the list and the departure is audited', async () => {
      for (const role of ['member', 'viewer', 'support_agent', 'admin'] as const) {
        const m = await inviteAndAccept(t.app, org.tokens.owner, role);
        const res = await remove(m.access_token, m.user.id);
        expect(res.statusCode, `${role}: ${res.body}`).toBe(204);
        expect((await members(org.tokens.owner)).map((x) => x.user_id)).not.toContain(m.user.id);
        expectError(await call(t.app, { method: 'GET', url: '/me', token: m.access_token }), 401);
        const entry = (await audit(org.tokens.owner, 'member.removed')).find((e) => e.target_id === m.user.id);
        expect(entry).toMatchObject({ actor: { type: 'user', id: m.user.id }, before: { role } });
      }
    });

    it('an admin can remove a non-owner member; removing again is a 404', async () => {
      const m = await inviteAndAccept(t.app, org.tokens.owner, 'member');
      expect((await remove(org.tokens.admin, m.user.id)).statusCode).toBe(204);
      expectError(await remove(org.tokens.admin, m.user.id), 404);
    });
  });
});
