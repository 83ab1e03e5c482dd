import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/platform/auth/tokens.js';
import { createTestApp, modeName, testKeyring, type TestApp } from '../helpers/harness.js';
import { call, createOrg, inviteAndAccept, PASSWORD, signup, type TestOrg } from '../helpers/api.js';
import { expectError } from '../http/support.js';
import { attackerKeys, createForger, type Forger } from './forge.js';

describe(`access tokens, refresh tokens and login (${modeName})`, () => {
  let t: TestApp;
  let org: TestOrg;
  let other: TestOrg;
  let forger: Forger;
  /** The one body every credential failure must share. */
  let unauthorizedBody: string;

  const me = (token: string | undefined, headers?: Record<string, string>) => call(t.app, { method: 'GET', url: '/me', token, ...(headers ? { headers } : {}) });
  const login = (body: Record<string, unknown>) => call(t.app, { method: 'POST', url: '/auth/login', body });
  const refresh = (refresh_token: string) => call(t.app, { method: 'POST', url: '/auth/refresh', body: { refresh_token } });
  const logout = (refresh_token: string) => call(t.app, { method: 'POST', url: '/auth/logout', body: { refresh_token } });

  /** A separate login session of the org owner: tests that revoke it leave the fixture tokens alone. */
  async function ownerSession(): Promise<{ access: string; refresh: string }> {
    const res = await login({ email: org.ownerEmail, password: PASSWORD });
    expect(res.statusCode, res.body).toBe(200);
    return { access: res.json().access_token, refresh: res.json().refresh_token };
  }

  async function expectRejected(token: string | undefined, headers?: Record<string, string>) {
    const res = await me(token, headers);
    expectError(res, 401);
    expect(res.body).toBe(unauthorizedBody);
  }

  beforeAll(async () => {
    t = await createTestApp();
    org = await createOrg(t.app, 'Tokens A');
    other = await createOrg(t.app, 'Tokens B');
    forger = createForger(t.keyring);
    const res = await me(undefined);
    expectError(res, 401);
    unauthorizedBody = res.body;
  });
  afterAll(async () => t?.close());

  describe('forged access tokens', () => {
    it('control: a token re-signed from a genuine one with the server key is accepted', async () => {
      const { header, claims } = forger.parts(org.tokens.admin);
      const res = await me(await forger.sign(header, { ...claims, jti: randomUUID() }));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ role: 'admin', organization: { id: org.id } });
    });

    it('rejects missing and malformed credentials with one identical 401', async () => {
      const cases: Array<Record<string, string>> = [
        {},
        { authorization: 'Bearer' },
        { authorization: 'Bearer ' },
        { authorization: `Basic ${Buffer.from(`${org.ownerEmail}:${PASSWORD}`).toString('base64')}` },
        { authorization: 'Bearer not-a-token' },
        { authorization: 'Bearer a.b.c' },
        { authorization: 'Bearer eyJhbGciOiJFZERTQSJ9.e30.AAAA' },
        { authorization: `Bearer ${org.tokens.owner} extra` },
        { authorization: `Bearer ${'x'.repeat(5000)}` },
        { authorization: `Token ${org.tokens.owner}` },
      ];
      for (const headers of cases) await expectRejected(undefined, headers);
    });

    it('rejects alg:none, a tampered payload and a tampered signature', async () => {
      const { header, claims } = forger.parts(org.tokens.owner);
      await expectRejected(forger.raw({ ...header, alg: 'none' }, claims));
      await expectRejected(forger.raw({ ...header, alg: 'none' }, claims, org.tokens.owner.split('.')[2]));
      const [h, , s] = org.tokens.owner.split('.');
      const swapped = forger.raw({}, { ...claims, org_id: other.id }).split('.')[1];
      await expectRejected(`${h}.${swapped}.${s}`);
      const flipped = s!.slice(0, -2) + (s!.endsWith('AA') ? 'BB' : 'AA');
      await expectRejected(`${h}.${org.tokens.owner.split('.')[1]}.${flipped}`);
    });

    it('rejects expired tokens and tokens issued too long ago', async () => {
      const { header, claims } = forger.parts(org.tokens.owner);
      const now = Math.floor(Date.now() / 1000);
      await expectRejected(await forger.sign(header, { ...claims, jti: randomUUID(), iat: now - 3600, exp: now - 1800 }));
      await expectRejected(await forger.sign(header, { ...claims, jti: randomUUID(), iat: now - 901, exp: now - 1 }));
      // A far-future exp does not stretch the 15-minute lifetime.
      await expectRejected(await forger.sign(header, { ...claims, jti: randomUUID(), iat: now - 3600, exp: now + 3600 }));
    });

    it('rejects a wrong audience, issuer or typ, and missing claims', async () => {
      const { header, claims } = forger.parts(org.tokens.owner);
      const sign = (h: Record<string, unknown>, c: Record<string, unknown>) => forger.sign(h, { ...c, jti: randomUUID() });
      await expectRejected(await sign(header, { ...claims, aud: 'someone-else' }));
      await expectRejected(await sign(header, { ...claims, iss: 'evil' }));
      await expectRejected(await sign({ ...header, typ: 'JWT' }, claims));
      const { typ: _typ, ...noTyp } = header;
      await expectRejected(await sign(noTyp, claims));
      for (const drop of ['sub', 'org_id', 'sid', 'exp', 'iat']) {
        const { [drop]: _gone, ...rest } = claims;
        await expectRejected(await sign(header, rest));
      }
      await expectRejected(await sign(header, { ...claims, sub: 'admin' }));
    });

    it('rejects an unknown or missing kid and keys the token brings itself (jwk, jku, x5u)', async () => {
      const { header, claims } = forger.parts(org.tokens.owner);
      const sign = (h: Record<string, unknown>, key?: Parameters<Forger['sign']>[2]) => forger.sign(h, { ...claims, jti: randomUUID() }, key);
      await expectRejected(await sign({ ...header, kid: 'someone-elses-key' }));
      const { kid: _kid, ...noKid } = header;
      await expectRejected(await sign(noKid));
      // Signed with the real key but pointing at a key of its own: still refused.
      await expectRejected(await sign({ ...header, jwk: forger.publicKey.export({ format: 'jwk' }) }));
      await expectRejected(await sign({ ...header, jku: 'https://evil.example/jwks.json' }));
      await expectRejected(await sign({ ...header, x5u: 'https://evil.example/cert.pem' }));
      // The classic: the attacker's key, embedded in the header that it signs.
      const evil = attackerKeys();
      await expectRejected(await sign({ ...header, jwk: evil.publicKey.export({ format: 'jwk' }) }, evil.privateKey));
      await expectRejected(await sign(header, evil.privateKey));
    });

    it('rejects HS256 tokens keyed with the public key (algorithm confusion)', async () => {
      const { header, claims } = forger.parts(org.tokens.owner);
      const pem = forger.publicKey.export({ format: 'pem', type: 'spki' }) as string;
      const raw = Buffer.from(forger.publicKey.export({ format: 'jwk' }).x!, 'base64url');
      const der = forger.publicKey.export({ format: 'der', type: 'spki' });
      for (const secret of [new TextEncoder().encode(pem), new Uint8Array(raw), new Uint8Array(der)]) {
        await expectRejected(await forger.sign({ ...header, alg: 'HS256' }, { ...claims, jti: randomUUID() }, secret));
      }
    });

    it('rejects a token signed with another installation key', async () => {
      const stranger = createForger(testKeyring());
      const { header, claims } = forger.parts(org.tokens.owner);
      await expectRejected(await stranger.sign({ ...header, kid: header.kid }, { ...claims, jti: randomUUID() }));
    });

    it('binds a token to its session, user and org: changing any of them, even correctly signed, is a 401', async () => {
      const { header, claims } = forger.parts(org.tokens.owner);
      const sign = (c: Record<string, unknown>) => forger.sign(header, { ...claims, ...c, jti: randomUUID() });
      await expectRejected(await sign({ org_id: other.id }));
      await expectRejected(await sign({ sub: org.userIds.admin }));
      await expectRejected(await sign({ sid: randomUUID() }));
      // The admin's session id with the owner's identity does not become an owner token.
      await expectRejected(await sign({ sid: forger.parts(org.tokens.admin).claims.sid }));
    });

    it('rejects refresh tokens, invite tokens and fake API keys used as access tokens', async () => {
      await expectRejected(org.refresh.owner);
      await expectRejected(`cv_${'A'.repeat(40)}`);
      await expectRejected('cv_');
      const inv = await call(t.app, { method: 'POST', url: '/team/invites', token: org.tokens.owner, body: { email: `x-${randomUUID().slice(0, 6)}@example.test`, role: 'viewer' } });
      expect(inv.statusCode).toBe(201);
      await expectRejected(inv.json().token);
    });
  });

  describe('refresh tokens', () => {
    it('rotates: the new pair works and the old refresh token is spent', async () => {
      const s = await ownerSession();
      const r1 = await refresh(s.refresh);
      expect(r1.statusCode, r1.body).toBe(200);
      const next = r1.json();
      expect(next.refresh_token).not.toBe(s.refresh);
      expect(next.access_token).not.toBe(s.access);
      expect(next.token_type).toBe('Bearer');
      expect((await me(next.access_token)).statusCode).toBe(200);
      const r2 = await refresh(next.refresh_token);
      expect(r2.statusCode).toBe(200);
    });

    it('reuse of a rotated refresh token is a 401 and revokes the whole family', async () => {
      const s = await ownerSession();
      const r1 = await refresh(s.refresh);
      expect(r1.statusCode).toBe(200);
      const newest = r1.json();
      expect((await me(newest.access_token)).statusCode).toBe(200);

      expectError(await refresh(s.refresh), 401);
      // The family is gone: the newest refresh token and every access token of the session.
      expectError(await refresh(newest.refresh_token), 401);
      await expectRejected(newest.access_token);
      await expectRejected(s.access);
      // Other sessions of the same user are untouched.
      expect((await me(org.tokens.owner)).statusCode).toBe(200);
      const audit = await call(t.app, { method: 'GET', url: '/audit-log?action=auth.refresh_reuse_detected', token: org.tokens.owner });
      expect(audit.json().data.length).toBeGreaterThanOrEqual(1);
    });

    it('two concurrent refreshes with one token: at most one wins', async () => {
      const s = await ownerSession();
      const results = await Promise.all([refresh(s.refresh), refresh(s.refresh)]);
      const codes = results.map((r) => r.statusCode).sort();
      expect(codes).toEqual([200, 401]);
      // The loser was a reuse, so the winner's family is revoked too.
      const winner = results.find((r) => r.statusCode === 200)!.json();
      expectError(await refresh(winner.refresh_token), 401);
    });

    it('an expired refresh token is a 401', async () => {
      const s = await ownerSession();
      await t.testDb.admin.transaction((q) =>
        q(`update app.refresh_tokens set expires_at = now() - interval '1 minute' where token_hash = $1`, [hashSecret(s.refresh)]),
      );
      expectError(await refresh(s.refresh), 401);
    });

    it('garbage, access tokens and API keys are not refresh tokens; all fail alike', async () => {
      const bodies = new Set<string>();
      for (const tok of ['cvr_nope', 'garbage', org.tokens.owner.slice(0, 200), org.apiKey, `cvr_${'x'.repeat(43)}`]) {
        const res = await refresh(tok);
        expectError(res, 401);
        bodies.add(res.body);
      }
      expect(bodies.size).toBe(1);
    });
  });

  describe('membership changes take effect at once', () => {
    it("a removed member's access and refresh tokens stop working", async () => {
      const m = await inviteAndAccept(t.app, org.tokens.owner, 'member');
      expect((await me(m.access_token)).statusCode).toBe(200);
      const del = await call(t.app, { method: 'DELETE', url: `/team/members/${m.user.id}`, token: org.tokens.owner });
      expect(del.statusCode).toBe(204);
      await expectRejected(m.access_token);
      expectError(await refresh(m.refresh_token), 401);
      // Their password no longer opens the org either.
      expectError(await login({ email: m.email, password: PASSWORD }), 401);
    });

    it("a demoted admin's unexpired token loses admin rights immediately; a promotion gains them", async () => {
      const a = await inviteAndAccept(t.app, org.tokens.owner, 'admin');
      const invite = () => call(t.app, { method: 'POST', url: '/team/invites', token: a.access_token, body: { email: `d-${randomUUID().slice(0, 8)}@example.test`, role: 'viewer' } });
      expect((await invite()).statusCode).toBe(201);
      const demote = await call(t.app, { method: 'PATCH', url: `/team/members/${a.user.id}`, token: org.tokens.owner, body: { role: 'viewer' } });
      expect(demote.statusCode).toBe(200);
      expectError(await invite(), 403);
      expectError(await call(t.app, { method: 'PATCH', url: '/organization', token: a.access_token, body: { name: 'nope' } }), 403);
      expect((await me(a.access_token)).json().role).toBe('viewer');
      const promote = await call(t.app, { method: 'PATCH', url: `/team/members/${a.user.id}`, token: org.tokens.owner, body: { role: 'admin' } });
      expect(promote.statusCode).toBe(200);
      expect((await invite()).statusCode).toBe(201);
    });
  });

  describe('logout', () => {
    it('revokes the refresh token and the access token of that session only', async () => {
      const s = await ownerSession();
      const kept = await ownerSession();
      expect((await me(s.access)).statusCode).toBe(200);
      const out = await logout(s.refresh);
      expect(out.statusCode).toBe(204);
      expect(out.body).toBe('');
      await expectRejected(s.access);
      expectError(await refresh(s.refresh), 401);
      expect((await me(kept.access)).statusCode).toBe(200);
      // Idempotent, and silent about tokens it does not know.
      expect((await logout(s.refresh)).statusCode).toBe(204);
      expect((await logout('cvr_unknown')).statusCode).toBe(204);
    });
  });

  describe('login', () => {
    it('answers an unknown email and a wrong password with the same 401 body', async () => {
      const unknown = await login({ email: `nobody-${randomUUID().slice(0, 8)}@example.test`, password: PASSWORD });
      const wrong = await login({ email: org.ownerEmail, password: `${PASSWORD}-wrong` });
      expectError(unknown, 401);
      expectError(wrong, 401);
      expect(wrong.body).toBe(unknown.body);
      const right = await login({ email: org.ownerEmail.toUpperCase(), password: PASSWORD });
      expect(right.statusCode, right.body).toBe(200);
      expect(right.json()).toMatchObject({ organization: { id: org.id }, role: 'owner', token_type: 'Bearer' });
      expect(right.json().expires_in).toBeLessThanOrEqual(900);
    });

    it('a person in two organizations gets a token for exactly one of them', async () => {
      const first = await signup(t.app, 'Multi One');
      const again = await call(t.app, { method: 'POST', url: '/auth/signup', body: { email: first.email, password: PASSWORD, name: 'Owner', organization_name: 'Multi Two' } });
      expect(again.statusCode, again.body).toBe(201);
      const second = again.json();
      expect(second.user.id).toBe(first.user.id);
      expect(second.organization.id).not.toBe(first.organization.id);
      // The same email cannot open an organization without the account's password.
      const hijack = await call(t.app, { method: 'POST', url: '/auth/signup', body: { email: first.email, password: 'another-password-1', name: 'X', organization_name: 'Hijack' } });
      expect(hijack.statusCode).toBe(409);

      // Without a choice, login picks the first membership.
      const plain = await login({ email: first.email, password: PASSWORD });
      expect(plain.statusCode).toBe(200);
      expect(plain.json().organization.id).toBe(first.organization.id);

      // Each token sees its own org only.
      const inv = await call(t.app, { method: 'POST', url: '/team/invites', token: second.access_token, body: { email: `m-${randomUUID().slice(0, 8)}@example.test`, role: 'viewer' } });
      expect(inv.statusCode).toBe(201);
      expect((await call(t.app, { method: 'GET', url: '/organization', token: plain.json().access_token })).json().id).toBe(first.organization.id);
      expect((await call(t.app, { method: 'GET', url: '/organization', token: second.access_token })).json().id).toBe(second.organization.id);
      const fromFirst = await call(t.app, { method: 'GET', url: '/team/invites', token: plain.json().access_token });
      expect(fromFirst.json().data.map((i: { id: string }) => i.id)).not.toContain(inv.json().id);
      expectError(await call(t.app, { method: 'DELETE', url: `/team/invites/${inv.json().id}`, token: plain.json().access_token }), 404);
      // Even a correctly signed token cannot carry the first session into the second org.
      const { header, claims } = forger.parts(plain.json().access_token);
      await expectRejected(await forger.sign(header, { ...claims, org_id: second.organization.id, jti: randomUUID() }));
    });

    it('login selects one of the memberships with organization_id (API.md)', async () => {
      const first = await signup(t.app, 'Select One');
      const second = (await call(t.app, { method: 'POST', url: '/auth/signup', body: { email: first.email, password: PASSWORD, name: 'Owner', organization_name: 'Select Two' } })).json();
      const chosen = await login({ email: first.email, password: PASSWORD, organization_id: second.organization.id });
      expect(chosen.statusCode, chosen.body).toBe(200);
      expect(chosen.json().organization.id).toBe(second.organization.id);
      // An organization the person does not belong to is the same 401 as a bad password.
      const foreign = await login({ email: first.email, password: PASSWORD, organization_id: org.id });
      expectError(foreign, 401);
    });
  });
});
