import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { withOrg } from '../../src/platform/db/with-org.js';
import { createTestApp, modeName, type TestApp } from '../helpers/harness.js';
import { call, createOrg, uniqueEmail, type Call, type TestOrg } from '../helpers/api.js';
import { uuidsIn } from '../http/support.js';

type Name = 'A' | 'B';
const other = (n: Name): Name => (n === 'A' ? 'B' : 'A');

/** A small deterministic generator, so a failing interleaving can be replayed from its seed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Op {
  org: Name;
  label: string;
  request: Call;
  expect: number;
  check?: (res: LightMyRequestResponse) => void;
}

describe(`concurrency: two orgs, interleaved requests (${modeName})`, () => {
  let t: TestApp;
  const orgs = {} as Record<Name, TestOrg>;
  const ids: Record<Name, Set<string>> = { A: new Set(), B: new Set() };
  const seededInvites: Record<Name, string[]> = { A: [], B: [] };

  beforeAll(async () => {
    t = await createTestApp();
    for (const n of ['A', 'B'] as const) {
      const o = await createOrg(t.app, `Concurrent ${n}`);
      orgs[n] = o;
      for (const id of [o.id, o.apiKeyId, ...Object.values(o.userIds)]) ids[n].add(id);
      for (let i = 0; i < 3; i++) {
        const res = await call(t.app, { method: 'POST', url: '/team/invites', token: o.tokens.admin, body: { email: uniqueEmail(`seed${n}`), role: 'viewer' } });
        ids[n].add(res.json().id);
        seededInvites[n].push(res.json().id);
      }
    }
  });
  afterAll(async () => t?.close());

  function makeOp(org: Name, i: number, pick: number): Op {
    const o = orgs[org];
    const readers = [o.tokens.owner, o.tokens.admin, o.tokens.member, o.tokens.support_agent, o.tokens.viewer, o.apiKey];
    const anyReader = readers[i % readers.length]!;
    const list = (url: string, field: string) => (res: LightMyRequestResponse) => {
      for (const item of JSON.parse(res.body).data as Array<Record<string, string>>) expect(ids[org].has(item[field]!), `${url} listed a foreign id`).toBe(true);
    };
    const kinds: Array<() => Op> = [
      () => ({ org, label: 'me', request: { method: 'GET', url: '/me', token: anyReader }, expect: 200, check: (r) => expect(JSON.parse(r.body).organization.id).toBe(o.id) }),
      () => ({ org, label: 'organization', request: { method: 'GET', url: '/organization', token: anyReader }, expect: 200, check: (r) => expect(JSON.parse(r.body).name).toMatch(new RegExp(`^Concurrent ${org}`)) }),
      () => ({ org, label: 'members', request: { method: 'GET', url: '/team/members?limit=200', token: anyReader }, expect: 200, check: list('members', 'user_id') }),
      () => ({ org, label: 'invites', request: { method: 'GET', url: '/team/invites?limit=200', token: o.tokens.admin }, expect: 200, check: list('invites', 'id') }),
      () => ({ org, label: 'keys', request: { method: 'GET', url: '/api-keys?limit=200', token: o.tokens.owner }, expect: 200, check: list('keys', 'id') }),
      () => ({ org, label: 'audit', request: { method: 'GET', url: '/audit-log?limit=50', token: o.tokens.owner }, expect: 200 }),
      () => ({ org, label: 'invite', request: { method: 'POST', url: '/team/invites', token: i % 2 ? o.apiKey : o.tokens.admin, body: { email: uniqueEmail(`c${org}`), role: 'member' } }, expect: 201 }),
      () => ({ org, label: 'rename', request: { method: 'PATCH', url: '/organization', token: o.tokens.owner, body: { name: `Concurrent ${org} #${i}` } }, expect: 200, check: (r) => expect(JSON.parse(r.body).id).toBe(o.id) }),
      () => ({ org, label: 'key', request: { method: 'POST', url: '/api-keys', token: o.tokens.owner, body: { name: `k${i}`, role: 'viewer' } }, expect: 201 }),
      // Cross-org attempts under load: always the plain 404.
      () => ({ org, label: 'revoke foreign invite', request: { method: 'DELETE', url: `/team/invites/${seededInvites[other(org)][i % 3]}`, token: o.tokens.owner }, expect: 404 }),
      () => ({ org, label: 'patch foreign member', request: { method: 'PATCH', url: `/team/members/${orgs[other(org)].userIds.viewer}`, token: o.tokens.owner, body: { role: 'member' } }, expect: 404 }),
    ];
    return kinds[Math.floor(pick * kinds.length)]!();
  }

  it('200 mixed requests in parallel never cross organizations', async () => {
    const seed = 20_241_127;
    const rand = prng(seed);
    const ops = Array.from({ length: 200 }, (_, i) => makeOp(rand() < 0.5 ? 'A' : 'B', i, rand()));
    expect(new Set(ops.map((o) => o.label)).size).toBeGreaterThanOrEqual(8);

    const results = await Promise.all(ops.map((op) => call(t.app, op.request)));

    // Register what each org created, then judge every response against the final id sets.
    results.forEach((res, i) => {
      if (res.statusCode === 201) ids[ops[i]!.org].add(res.json().id);
    });
    results.forEach((res, i) => {
      const op = ops[i]!;
      const where = `seed ${seed}, op #${i} ${op.org} ${op.label}`;
      expect(res.statusCode, `${where}: ${res.body}`).toBe(op.expect);
      for (const id of uuidsIn(res.body)) expect(ids[other(op.org)].has(id), `${where} returned an id of org ${other(op.org)}`).toBe(false);
      op.check?.(res);
    });

    // Afterwards each org's lists hold exactly its own work.
    for (const n of ['A', 'B'] as const) {
      const invites = await call(t.app, { method: 'GET', url: '/team/invites?limit=200', token: orgs[n].tokens.owner });
      const listed = (invites.json().data as Array<{ id: string }>).map((x) => x.id);
      for (const id of listed) expect(ids[n].has(id)).toBe(true);
      for (const id of seededInvites[n]) expect(listed).toContain(id);
    }
  });

  it('parallel transactions of both orgs each see only their own rows, with no policy-free leftovers', async () => {
    // No `where org_id` here: only the transaction's context (and RLS) decides what is visible.
    const runs = Array.from({ length: 100 }, (_, i) => {
      const n: Name = i % 2 ? 'A' : 'B';
      return withOrg(t.deps.db, { orgId: orgs[n].id }, async (tx) => {
        const inv = await tx.query<{ org_id: string }>('select org_id from app.invites');
        const ctx = await tx.query<{ org: string }>("select current_setting('app.org_id', true) as org");
        return { n, orgs: new Set(inv.rows.map((r) => r.org_id)), ctx: ctx.rows[0]!.org, count: inv.rows.length };
      });
    });
    for (const r of await Promise.all(runs)) {
      expect(r.ctx).toBe(orgs[r.n].id);
      expect(r.count).toBeGreaterThan(0);
      expect([...r.orgs]).toEqual([orgs[r.n].id]);
    }
  });
});
