/**
 * Matrix rows for the foundation routes: /me, /organization, /team/*, /api-keys, /audit-log.
 * Who may do what comes from API.md "Roles", written out here by hand (not read from permissions.ts),
 * so the table checks the implementation instead of restating it.
 */
import { randomUUID } from 'node:crypto';
import { ROLES } from '../../../src/platform/auth/permissions.js';
import { call, uniqueEmail } from '../../helpers/api.js';
import { CALLERS, freshUser, otherOrg, rowsFor, uniqueInvite, type Caller, type MatrixFixtures, type MatrixRow, type Operation, type OrgName, type Resource } from '../matrix.js';

const EVERYONE = CALLERS;
/** Owners, admins and admin-role API keys: manage the org's settings and non-owner members. */
const MANAGERS: readonly Caller[] = ['owner', 'admin', 'api_key'];
/** API keys are owner-only. */
const OWNERS: readonly Caller[] = ['owner'];

/** Lists an org's collection with its owner's token and finds one item. */
async function findIn(fx: MatrixFixtures, org: OrgName, url: string, match: (item: Record<string, unknown>) => boolean): Promise<unknown> {
  const res = await call(fx.app, { method: 'GET', url, token: fx.orgs[org].tokens.owner });
  if (res.statusCode !== 200) throw new Error(`snapshot ${url}: ${res.statusCode} ${res.body}`);
  return (res.json().data as Record<string, unknown>[]).find(match) ?? null;
}

async function ownerCreate(fx: MatrixFixtures, org: OrgName, url: string, body: unknown): Promise<string> {
  const res = await call(fx.app, { method: 'POST', url, token: fx.orgs[org].tokens.owner, body });
  if (res.statusCode !== 201) throw new Error(`create ${url}: ${res.statusCode} ${res.body}`);
  const id = res.json().id as string;
  fx.ids[org].add(id);
  return id;
}

const memberSnapshot = (fx: MatrixFixtures, org: OrgName, id: string) => findIn(fx, org, '/team/members?limit=200', (m) => m.user_id === id);

export const memberResource: Resource = {
  name: 'member',
  create: async (fx, org) => (await freshUser(fx, org, 'member')).id,
  snapshot: memberSnapshot,
};

export const coOwnerResource: Resource = {
  name: 'co-owner',
  create: async (fx, org) => (await freshUser(fx, org, 'owner')).id,
  snapshot: memberSnapshot,
};

export const inviteResource: Resource = {
  name: 'invite',
  create: (fx, org) => ownerCreate(fx, org, '/team/invites', { email: uniqueEmail('target'), role: 'viewer' }),
  snapshot: (fx, org, id) => findIn(fx, org, '/team/invites?limit=200', (i) => i.id === id),
};

export const apiKeyResource: Resource = {
  name: 'api key',
  create: (fx, org) => ownerCreate(fx, org, '/api-keys', { name: `target ${randomUUID().slice(0, 4)}`, role: 'viewer' }),
  snapshot: (fx, org, id) => findIn(fx, org, '/api-keys?limit=200', (k) => k.id === id),
};

type Data = { data: Array<Record<string, string>> };

export const ops = {
  me: { name: 'me.get', method: 'GET', path: '/me' },
  orgGet: { name: 'organization.get', method: 'GET', path: '/organization' },
  orgUpdate: { name: 'organization.update', method: 'PATCH', path: '/organization', body: (fx, org) => ({ name: `${fx.orgs[org].name} renamed` }) },
  membersList: {
    name: 'team.members.list',
    method: 'GET',
    path: '/team/members?limit=200',
    listIds: (b: Data) => b.data.map((m) => m.user_id!),
    mustList: (fx, org) => Object.values(fx.orgs[org].userIds),
  },
  memberUpdate: { name: 'team.members.update', method: 'PATCH', path: '/team/members/:id', resource: memberResource, body: () => ({ role: 'viewer' }) },
  memberRemove: { name: 'team.members.remove', method: 'DELETE', path: '/team/members/:id', resource: memberResource },
  ownerUpdate: { name: 'team.members.update', method: 'PATCH', path: '/team/members/:id', resource: coOwnerResource, body: () => ({ role: 'admin' }) },
  ownerRemove: { name: 'team.members.remove', method: 'DELETE', path: '/team/members/:id', resource: coOwnerResource },
  promoteToOwner: { name: 'team.members.update', label: 'role owner', method: 'PATCH', path: '/team/members/:id', resource: memberResource, body: () => ({ role: 'owner' }) },
  invitesCreate: { name: 'team.invites.create', method: 'POST', path: '/team/invites', body: uniqueInvite('member'), registers: (b: { id: string }) => [b.id] },
  ownerInviteCreate: { name: 'team.invites.create', label: 'role owner', method: 'POST', path: '/team/invites', body: uniqueInvite('owner'), registers: (b: { id: string }) => [b.id] },
  invitesList: {
    name: 'team.invites.list',
    method: 'GET',
    path: '/team/invites?limit=200',
    listIds: (b: Data) => b.data.map((i) => i.id!),
    mustList: (fx, org) => [fx.seeds[org].invite!],
  },
  inviteRevoke: { name: 'team.invites.revoke', method: 'DELETE', path: '/team/invites/:id', resource: inviteResource },
  keysCreate: { name: 'api_keys.create', method: 'POST', path: '/api-keys', body: () => ({ name: 'matrix', role: 'viewer' }), registers: (b: { id: string }) => [b.id] },
  keysList: {
    name: 'api_keys.list',
    method: 'GET',
    path: '/api-keys?limit=200',
    listIds: (b: Data) => b.data.map((k) => k.id!),
    mustList: (fx, org) => [fx.orgs[org].apiKeyId, fx.orgs[org].viewerKeyId],
  },
  keyRevoke: { name: 'api_keys.revoke', method: 'DELETE', path: '/api-keys/:id', resource: apiKeyResource },
  auditList: { name: 'audit.list', method: 'GET', path: '/audit-log?limit=200' },
} satisfies Record<string, Operation>;

/** Seeds what the foundation rows expect to find (a pending invite per org). Call after createMatrixFixtures. */
export async function seedFoundation(fx: MatrixFixtures): Promise<void> {
  for (const org of ['A', 'B'] as const) fx.seeds[org].invite = await inviteResource.create(fx, org);
}

const bothOrgs = ['A', 'B'] as const;

export const foundationRows: MatrixRow[] = [
  ...rowsFor(ops.me, { allowed: EVERYONE, ok: 200 }),
  ...rowsFor(ops.orgGet, { allowed: EVERYONE, ok: 200 }),
  ...rowsFor(ops.orgUpdate, { allowed: MANAGERS, ok: 200 }),
  ...rowsFor(ops.membersList, { allowed: EVERYONE, ok: 200 }),
  ...rowsFor(ops.memberUpdate, { allowed: MANAGERS, ok: 200 }),
  // Anyone may call DELETE (to leave); removing someone else needs team management. The member lookup
  // comes first, so another org's member is a 404 for every caller, exactly like a missing id.
  ...rowsFor(ops.memberRemove, { allowed: MANAGERS, ok: 204, denied: (t) => (t === 'own' ? 403 : 404) }),
  ...rowsFor(ops.invitesCreate, { allowed: MANAGERS, ok: 201 }),
  ...rowsFor(ops.invitesList, { allowed: MANAGERS, ok: 200 }),
  ...rowsFor(ops.inviteRevoke, { allowed: MANAGERS, ok: 204 }),
  ...rowsFor(ops.keysCreate, { allowed: OWNERS, ok: 201 }),
  ...rowsFor(ops.keysList, { allowed: OWNERS, ok: 200 }),
  ...rowsFor(ops.keyRevoke, { allowed: OWNERS, ok: 204 }),
  ...rowsFor(ops.auditList, { allowed: MANAGERS, ok: 200 }),

  // Owners are managed by owners only.
  ...rowsFor(ops.ownerUpdate, { allowed: OWNERS, ok: 200, targets: ['own'] }),
  ...rowsFor(ops.ownerRemove, { allowed: OWNERS, ok: 204, targets: ['own'] }),
  ...rowsFor(ops.promoteToOwner, { allowed: OWNERS, ok: 200, targets: ['own'] }),
  ...rowsFor(ops.ownerInviteCreate, { allowed: OWNERS, ok: 201 }),

  // Every member may leave (a fresh user of each role, so the fixtures survive). Owners may leave while another owner remains.
  ...bothOrgs.flatMap((org) => ROLES.map((role): MatrixRow => ({ org, caller: role, op: ops.memberRemove, target: 'self', expect: 204, note: 'leave' }))),

  // API keys never carry the owner role.
  ...bothOrgs.map((org): MatrixRow => ({ org, caller: 'owner', op: ops.keysCreate, body: () => ({ name: 'x', role: 'owner' }), expect: 400, note: 'owner-role key' })),

  // Membership elsewhere is not an oracle: inviting the other org's member is an ordinary invite,
  // while inviting one's own member is the 409 that proves the check exists.
  ...bothOrgs.flatMap((org): MatrixRow[] => [
    { org, caller: 'owner', op: ops.invitesCreate, body: (fx, o) => ({ email: fx.orgs[otherOrg(o)].emails.admin, role: 'member' }), expect: 201, note: "other org's member email" },
    { org, caller: 'owner', op: ops.invitesCreate, body: (fx, o) => ({ email: fx.orgs[o].emails.admin, role: 'member' }), expect: 409, note: 'own member email' },
  ]),
];
