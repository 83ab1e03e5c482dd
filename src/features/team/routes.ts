import { z } from 'zod';
import { ROLES } from '../../platform/auth/permissions.js';
import { decodeCursor, page } from '../../platform/http/pagination.js';
import { publicRoute, route, type RouteDef } from '../../platform/http/route.js';
import { IdParams, ListQuery, listOf, toIso } from '../../platform/http/schemas.js';
import { AcceptInviteBody, Email, TokenPairOut } from '../auth/schemas.js';
import { changeMemberRole, removeMember } from './members-service.js';
import { listMembers, listPendingInvites } from './repo.js';
import { acceptInvite, createInvite, revokeInvite } from './invites-service.js';
import type { InviteRow, MemberRow } from './repo.js';

const MemberOut = z.object({ user_id: z.string(), email: z.string(), name: z.string(), role: z.enum(ROLES), created_at: z.string(), updated_at: z.string() });
const InviteOut = z.object({ id: z.string(), email: z.string(), role: z.enum(ROLES), expires_at: z.string(), created_at: z.string(), status: z.enum(['pending', 'expired']) });
const CreatedInviteOut = InviteOut.extend({ token: z.string().describe('Single-use invite token. Shown once.') });
const UserParams = z.strictObject({ user_id: z.uuid() });

const presentMember = (m: MemberRow) => ({ user_id: m.user_id, email: m.email, name: m.name, role: m.role, created_at: toIso(m.created_at)!, updated_at: toIso(m.updated_at)! });
const presentInvite = (i: InviteRow) => ({
  id: i.id,
  email: i.email,
  role: i.role,
  expires_at: toIso(i.expires_at)!,
  created_at: toIso(i.created_at)!,
  status: i.expires_at.getTime() > Date.now() ? ('pending' as const) : ('expired' as const),
});

export const teamRoutes: RouteDef[] = [
  route({
    method: 'GET',
    url: '/team/members',
    operation: 'team.members.list',
    permission: 'team:read',
    query: ListQuery,
    response: { 200: listOf(MemberOut) },
    txHandler: async ({ tx, query }) => {
      const rows = await listMembers(tx, { cursor: decodeCursor(query.cursor), limit: query.limit });
      const p = page(rows.map((r) => ({ ...r, id: r.user_id })), query.limit);
      return { data: p.rows.map(presentMember), next_cursor: p.nextCursor };
    },
  }),
  route({
    method: 'PATCH',
    url: '/team/members/:user_id',
    operation: 'team.members.update',
    permission: 'team:manage',
    params: UserParams,
    body: z.strictObject({ role: z.enum(ROLES) }),
    response: { 200: MemberOut },
    txHandler: async ({ tx, principal, params, body, meta }) => presentMember(await changeMemberRole(tx, principal, params.user_id, body.role, meta)),
  }),
  route({
    method: 'DELETE',
    url: '/team/members/:user_id',
    operation: 'team.members.remove',
    // Everyone may leave; removing others is checked in the service (team:manage, owners by owners).
    permission: 'org:read',
    params: UserParams,
    status: 204,
    txHandler: ({ tx, principal, params, meta }) => removeMember(tx, principal, params.user_id, meta),
  }),
  route({
    method: 'POST',
    url: '/team/invites',
    operation: 'team.invites.create',
    permission: 'team:manage',
    body: z.strictObject({ email: Email, role: z.enum(ROLES) }),
    status: 201,
    response: { 201: CreatedInviteOut },
    txHandler: async ({ tx, deps, principal, body, meta }) => {
      const { invite, token } = await createInvite(tx, principal, body, deps.config.inviteTtlSeconds, meta);
      return { ...presentInvite(invite), token };
    },
  }),
  route({
    method: 'GET',
    url: '/team/invites',
    operation: 'team.invites.list',
    permission: 'team:manage',
    query: ListQuery,
    response: { 200: listOf(InviteOut) },
    txHandler: async ({ tx, query }) => {
      const rows = await listPendingInvites(tx, { cursor: decodeCursor(query.cursor), limit: query.limit });
      const p = page(rows, query.limit);
      return { data: p.rows.map(presentInvite), next_cursor: p.nextCursor };
    },
  }),
  route({
    method: 'DELETE',
    url: '/team/invites/:id',
    operation: 'team.invites.revoke',
    permission: 'team:manage',
    params: IdParams,
    status: 204,
    txHandler: ({ tx, principal, params, meta }) => revokeInvite(tx, principal, params.id, meta),
  }),
];

/** `POST /auth/accept-invite`: under /auth (no session yet), served by team; listed right after authRoutes. */
export const acceptInviteRoutes: RouteDef[] = [
  publicRoute({
    method: 'POST',
    url: '/auth/accept-invite',
    operation: 'auth.accept_invite',
    permission: 'public',
    rateLimit: 'auth',
    body: AcceptInviteBody,
    response: { 200: TokenPairOut },
    handler: ({ deps, body, meta }) => acceptInvite(deps, body, meta),
  }),
];
