/**
 * The isolation matrix (ISOLATION.md "How it is proven" #2, STYLE.md #10): a table of
 * (caller org, caller role, operation, target) → expected status, run through the real HTTP app.
 *
 * HOW A FEATURE ADDS ROWS (coverage.test.ts fails, listing method + path, for any registered route
 * without rows)
 *   1. In `test/isolation/rows/<feature>.ts`, describe its resources (`Resource`: how to create a fresh
 *      instance in an org and how that org sees it through the API) and its operations (`Operation`:
 *      method, path with `:id`, body), and EXPORT its rows as a `MatrixRow[]`, usually generated with
 *      `rowsFor(op, spec)` where `spec` states, from API.md's role table, which callers may do it and
 *      what a success returns, e.g.
 *        export const agentRows: MatrixRow[] = [
 *          ...rowsFor(agentsGet, { allowed: READERS, ok: 200 }),
 *          ...rowsFor(agentsDelete, { allowed: ADMINS, ok: 204 }),
 *        ];
 *      Hand-written `MatrixRow` objects are fine for special cases. Every exported `MatrixRow[]` in
 *      rows/*.ts counts as coverage: there is no list to edit.
 *   2. Run them: `test/isolation/<feature>.matrix.test.ts` imports `./rows/<feature>.js` and calls
 *      `runMatrix(rows, () => fx)` after `createMatrixFixtures` (and any seeding) in `beforeAll` — one
 *      file per feature, so each runs in its own worker. coverage.test.ts checks that such a file exists.
 *   A route that cannot have rows (public, provider callback, operational) goes on coverage.test.ts's
 *   EXEMPT list with a comment saying why; a route tested for every role by hand outside the runner
 *   (multipart upload) goes on TESTED_BY_HAND.
 *
 * WHAT THE RUNNER CHECKS FOR EVERY ROW (so rows only state the status)
 *   - the status, and the API error shape with the code matching it;
 *   - the body never contains an id known to belong to the other organization;
 *   - a target in the other org answers exactly like a never-existing id (same status, same body), and
 *     its owner still sees it unchanged afterwards (a 404 that deleted anyway would be caught);
 *   - a successful list returns only the caller's ids, includes the ones it must (`mustList`) and none
 *     of those it must not (`mustNotList`: the caller org's own ids outside the caller's scope).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/platform/auth/permissions.js';
import { call, inviteAndAccept, signup, uniqueEmail } from '../helpers/api.js';
import { expectError } from '../http/support.js';

export type OrgName = 'A' | 'B';
/** Every user role, an admin-role API key (the default) and a viewer-role API key. */
export type Caller = Role | 'api_key' | 'api_key_viewer';
export const CALLERS: readonly Caller[] = [...ROLES, 'api_key', 'api_key_viewer'];
/**
 * own: a fresh instance in the caller's org · other_org: a fresh instance in the OTHER org ·
 * missing: an id that never existed · self: the caller's own user id (a fresh disposable user of the
 * caller's role, so the row may delete or demote itself).
 */
export type TargetKind = 'own' | 'other_org' | 'missing' | 'self';
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export const otherOrg = (org: OrgName): OrgName => (org === 'A' ? 'B' : 'A');

export interface MatrixOrg {
  id: string;
  name: string;
  tokens: Record<Role, string>;
  userIds: Record<Role, string>;
  emails: Record<Role, string>;
  apiKey: string;
  apiKeyId: string;
  viewerKey: string;
  viewerKeyId: string;
}

export interface MatrixFixtures {
  app: FastifyInstance;
  orgs: Record<OrgName, MatrixOrg>;
  /** Every id known to belong to each org. Resources register what they create. */
  ids: Record<OrgName, Set<string>>;
  /** Named ids that features seed before the rows run (e.g. a pending invite lists must show). */
  seeds: Record<OrgName, Record<string, string>>;
}

export interface Resource {
  name: string;
  /** Creates a fresh instance in `org` (through the API) and returns its id. */
  create(fx: MatrixFixtures, org: OrgName): Promise<string>;
  /** The instance as its own org sees it through the API, or null when it is absent. */
  snapshot(fx: MatrixFixtures, org: OrgName, id: string): Promise<unknown>;
}

export interface Operation {
  /** The route's operation name (see src/features/.../routes.ts). */
  name: string;
  /** Tells apart rows of the same route that differ in body or resource, e.g. 'to owner'. */
  label?: string;
  method: Method;
  /** API path under /api/v1; `:id` is replaced by the row's target id. */
  path: string;
  /** The kind of thing `:id` names. Operations without `:id` have none. */
  resource?: Resource;
  body?: (fx: MatrixFixtures, org: OrgName) => unknown;
  /** For list operations: the ids of the returned items. */
  listIds?: (body: any) => string[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Ids of the caller's org that a successful list must contain. */
  mustList?: (fx: MatrixFixtures, org: OrgName) => string[];
  /** Ids of the caller's own org that a successful list must NOT contain (e.g. another agent's documents). */
  mustNotList?: (fx: MatrixFixtures, org: OrgName) => string[];
  /** Further checks on a successful (2xx) JSON body, e.g. which search path answered. */
  checkBody?: (body: any) => void; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** For creates: the ids a successful response introduces (registered as the caller org's). */
  registers?: (body: any) => string[]; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface MatrixRow {
  /** The caller's organization. */
  org: OrgName;
  caller: Caller;
  op: Operation;
  /** Required when the operation has a resource. */
  target?: TargetKind;
  /** Overrides the operation's body. */
  body?: (fx: MatrixFixtures, org: OrgName) => unknown;
  expect: number;
  note?: string;
}

export interface RowSpec {
  /** Callers whose role allows the operation (API.md "Roles"). */
  allowed: readonly Caller[];
  /** Status of a successful call. */
  ok: number;
  /** Status for a caller not allowed, per target (default: 403 whatever the target). */
  denied?: (target: TargetKind | undefined) => number;
  /** Targets to try (default: own, other_org, missing when the op has a resource). */
  targets?: readonly TargetKind[];
  orgs?: readonly OrgName[];
}

/** Expands one operation into rows for every org × caller × target. The spec IS the table. */
export function rowsFor(op: Operation, spec: RowSpec): MatrixRow[] {
  const targets: readonly (TargetKind | undefined)[] = op.resource ? (spec.targets ?? ['own', 'other_org', 'missing']) : [undefined];
  const rows: MatrixRow[] = [];
  for (const org of spec.orgs ?? (['A', 'B'] as const)) {
    for (const caller of CALLERS) {
      for (const target of targets) {
        const allowed = spec.allowed.includes(caller);
        let status: number;
        if (!allowed) status = spec.denied ? spec.denied(target) : 403;
        else status = target === 'other_org' || target === 'missing' ? 404 : spec.ok;
        rows.push({ org, caller, op, ...(target ? { target } : {}), expect: status });
      }
    }
  }
  return rows;
}

export const rowName = (r: MatrixRow): string =>
  `${r.org}:${r.caller} ${r.op.method} ${r.op.path}${r.op.label ? ` {${r.op.label}}` : ''}` +
  `${r.target ? ` [${r.target} ${r.op.resource?.name ?? ''}]` : ''} → ${r.expect}${r.note ? ` (${r.note})` : ''}`;

/** Two organizations, each with one user per role, an admin-role and a viewer-role API key. */
export async function createMatrixFixtures(app: FastifyInstance): Promise<MatrixFixtures> {
  const fx: MatrixFixtures = { app, orgs: {} as Record<OrgName, MatrixOrg>, ids: { A: new Set(), B: new Set() }, seeds: { A: {}, B: {} } };
  for (const org of ['A', 'B'] as const) fx.orgs[org] = await createMatrixOrg(fx, org);
  return fx;
}

async function createMatrixOrg(fx: MatrixFixtures, org: OrgName): Promise<MatrixOrg> {
  const name = `Matrix ${org} ${randomUUID().slice(0, 6)}`;
  const owner = await signup(fx.app, name);
  const m: Partial<MatrixOrg> = {
    id: owner.organization.id,
    name,
    tokens: { owner: owner.access_token } as Record<Role, string>,
    userIds: { owner: owner.user.id } as Record<Role, string>,
    emails: { owner: owner.email } as Record<Role, string>,
  };
  for (const role of ROLES.filter((r) => r !== 'owner')) {
    const u = await inviteAndAccept(fx.app, owner.access_token, role);
    m.tokens![role] = u.access_token;
    m.userIds![role] = u.user.id;
    m.emails![role] = u.email;
  }
  const key = async (role: string) => {
    const res = await call(fx.app, { method: 'POST', url: '/api-keys', token: owner.access_token, body: { name: `matrix ${role}`, role } });
    if (res.statusCode !== 201) throw new Error(`api key: ${res.statusCode} ${res.body}`);
    return res.json() as { id: string; key: string };
  };
  const admin = await key('admin');
  const viewer = await key('viewer');
  Object.assign(m, { apiKey: admin.key, apiKeyId: admin.id, viewerKey: viewer.key, viewerKeyId: viewer.id });
  const done = m as MatrixOrg;
  for (const id of [done.id, ...Object.values(done.userIds), done.apiKeyId, done.viewerKeyId]) fx.ids[org].add(id);
  return done;
}

export function tokenFor(fx: MatrixFixtures, org: OrgName, caller: Caller): string {
  const o = fx.orgs[org];
  if (caller === 'api_key') return o.apiKey;
  if (caller === 'api_key_viewer') return o.viewerKey;
  return o.tokens[caller];
}

/** A disposable user of `role` in `org`: its id is registered, its token returned. */
export async function freshUser(fx: MatrixFixtures, org: OrgName, role: Role): Promise<{ id: string; token: string; email: string }> {
  const u = await inviteAndAccept(fx.app, fx.orgs[org].tokens.owner, role);
  fx.ids[org].add(u.user.id);
  return { id: u.user.id, token: u.access_token, email: u.email };
}

async function send(fx: MatrixFixtures, row: MatrixRow, token: string, id: string | undefined): Promise<LightMyRequestResponse> {
  const bodyOf = row.body ?? row.op.body;
  return call(fx.app, {
    method: row.op.method,
    url: id === undefined ? row.op.path : row.op.path.replace(':id', id),
    token,
    ...(bodyOf ? { body: bodyOf(fx, row.org) } : {}),
  });
}

/** Runs one row and every invariant that comes with it. */
export async function runRow(fx: MatrixFixtures, row: MatrixRow): Promise<void> {
  const { op } = row;
  const other = otherOrg(row.org);
  let token = tokenFor(fx, row.org, row.caller);
  let targetId: string | undefined;
  let before: unknown;
  if (op.resource || op.path.includes(':id')) {
    if (!op.resource || !row.target) throw new Error(`row ${rowName(row)} needs a resource and a target`);
    switch (row.target) {
      case 'own':
        targetId = await op.resource.create(fx, row.org);
        break;
      case 'other_org':
        targetId = await op.resource.create(fx, other);
        before = await op.resource.snapshot(fx, other, targetId);
        expect(before, 'the other org must see its own target before the attempt').not.toBeNull();
        break;
      case 'missing':
        targetId = randomUUID();
        break;
      case 'self': {
        if (row.caller === 'api_key' || row.caller === 'api_key_viewer') throw new Error('an API key has no user to target');
        const u = await freshUser(fx, row.org, row.caller);
        token = u.token;
        targetId = u.id;
        break;
      }
    }
  }

  const res = await send(fx, row, token, targetId);
  expect(res.statusCode, `${rowName(row)}: ${res.body}`).toBe(row.expect);
  if (res.statusCode >= 400) expectError(res, res.statusCode);
  if (res.statusCode < 300 && op.registers) for (const id of op.registers(res.json())) fx.ids[row.org].add(id);

  for (const foreign of fx.ids[other]) {
    expect(res.body.includes(foreign), `${rowName(row)} leaked an id of org ${other}`).toBe(false);
  }

  if (row.target === 'other_org') {
    // Indistinguishable from an id that never existed, and nothing changed on the owner's side.
    const ghost = await send(fx, row, token, randomUUID());
    expect(ghost.statusCode, rowName(row)).toBe(res.statusCode);
    expect(ghost.body, rowName(row)).toBe(res.body);
    expect(await op.resource!.snapshot(fx, other, targetId!), `${rowName(row)} changed the other org's resource`).toEqual(before);
  }

  if (res.statusCode === 200 && op.listIds) {
    const listed = op.listIds(res.json());
    for (const id of listed) expect(fx.ids[row.org].has(id), `${rowName(row)} listed ${id}, not an id of org ${row.org}`).toBe(true);
    for (const id of op.mustList?.(fx, row.org) ?? []) expect(listed, `${rowName(row)} must list ${id}`).toContain(id);
    for (const id of op.mustNotList?.(fx, row.org) ?? []) expect(listed, `${rowName(row)} must not list ${id}`).not.toContain(id);
  }
  if (res.statusCode < 300 && op.checkBody) op.checkBody(res.json());
}

/** Registers one vitest test per row. `fixtures` is read when the test runs (after beforeAll). */
export function runMatrix(rows: readonly MatrixRow[], fixtures: () => MatrixFixtures): void {
  for (const row of rows) it(rowName(row), () => runRow(fixtures(), row));
}

/** For bodies that must be unique per call. */
export const uniqueInvite = (role: Role = 'member') => () => ({ email: uniqueEmail('matrix'), role });
