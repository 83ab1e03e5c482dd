import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.js';
import type { Principal } from '../../platform/auth/principal.js';
import type { Role } from '../../platform/auth/permissions.js';
import { hashPassword, verifyPassword } from '../../platform/auth/passwords.js';
import { hashSecret, randomSecret } from '../../platform/auth/tokens.js';
import type { Tx } from '../../platform/db/types.js';
import { withOrg, withoutOrg } from '../../platform/db/with-org.js';
import { errors } from '../../platform/errors.js';
import type { RequestMeta } from '../../platform/request-meta.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import * as authData from '../auth/public.js';
import { loadIdentity, openSession, pair } from '../auth/service.js';
import type { TokenPairOut } from '../auth/schemas.js';
import * as repo from './repo.js';

const INVITE_PREFIX = 'cvi_';
const inviteNotFound = () => errors.notFound('invite');

/** In the request's tenant transaction (route `txHandler`). The token is shown once, in the response. */
export async function createInvite(tx: Tx, principal: Principal, input: { email: string; role: Role }, ttlSeconds: number, meta: RequestMeta) {
  if (input.role === 'owner' && principal.role !== 'owner') throw errors.forbidden('Only an owner can invite owners');
  const token = INVITE_PREFIX + randomSecret(32);
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
  if (await repo.isMemberEmail(tx, input.email)) throw errors.conflict('This person is already a member');
  await repo.revokePendingInvitesFor(tx, input.email);
  const invite = await repo.insertInvite(tx, { id: randomUUID(), email: input.email, role: input.role, hash: hashSecret(token), invitedBy: principal.userId, expiresAt });
  const org = await authData.getOrganization(tx);
  // The outbox records what a mailer should deliver; the token itself is shown once, to the inviter only.
  await repo.insertOutbox(tx, {
    id: randomUUID(),
    kind: 'team.invite',
    recipient: input.email,
    payload: { invite_id: invite.id, organization_name: org?.name, role: input.role, expires_at: expiresAt.toISOString() },
  });
  await recordAudit(tx, actorOf(principal), { action: 'invite.created', targetType: 'invite', targetId: invite.id, after: { email: input.email, role: input.role } }, meta);
  return { invite, token };
}

/** In the request's tenant transaction (route `txHandler`). */
export async function revokeInvite(tx: Tx, principal: Principal, id: string, meta: RequestMeta): Promise<void> {
  const invite = await repo.revokeInvite(tx, id);
  if (!invite) throw inviteNotFound();
  if (invite.role === 'owner' && principal.role !== 'owner') throw errors.forbidden('Only an owner can revoke an owner invite');
  await recordAudit(tx, actorOf(principal), { action: 'invite.revoked', targetType: 'invite', targetId: id, before: { email: invite.email, role: invite.role } }, meta);
}

/**
 * Accepting binds the token to its org and email: a new person sets a name and password; an existing
 * account must prove its password, so a leaked token cannot attach someone else's identity.
 */
export async function acceptInvite(deps: Deps, input: { token: string; name?: string | undefined; password?: string | undefined }, meta: RequestMeta): Promise<TokenPairOut> {
  if (!input.token.startsWith(INVITE_PREFIX)) throw inviteNotFound();
  const ref = await withoutOrg(deps.db, (q) => authData.resolveInvite(q, hashSecret(input.token)));
  if (!ref) throw inviteNotFound();
  const invite = await withOrg(deps.db, { orgId: ref.org_id }, (tx) => repo.lockUsableInvite(tx, ref.invite_id));
  if (!invite) throw inviteNotFound();

  const existing = await withoutOrg(deps.db, (q) => authData.findLoginUser(q, invite.email));
  let userId: string;
  let newUser: { name: string; passwordHash: string } | null = null;
  if (existing) {
    if (!input.password || !(await verifyPassword(existing.password_hash, input.password))) throw errors.unauthorized('This email already has an account: give its password to accept');
    userId = existing.user_id;
  } else {
    if (!input.name || !input.password) throw errors.validation('name and password are required to create your account', [
      ...(input.name ? [] : [{ path: 'name', message: 'required' }]),
      ...(input.password ? [] : [{ path: 'password', message: 'required' }]),
    ]);
    userId = randomUUID();
    newUser = { name: input.name, passwordHash: await hashPassword(input.password) };
  }

  const { identity, session } = await withOrg(deps.db, { orgId: ref.org_id, userId }, async (tx) => {
    const live = await repo.lockUsableInvite(tx, ref.invite_id);
    if (!live) throw inviteNotFound();
    if (newUser) await authData.insertUser(tx, { id: userId, email: live.email, ...newUser });
    if (await authData.getMembershipRole(tx, userId)) throw errors.conflict('You are already a member of this organization');
    await authData.insertMembership(tx, userId, live.role);
    await repo.markInviteAccepted(tx, live.id);
    await recordAudit(tx, { type: 'user', id: userId }, { action: 'member.added', targetType: 'user', targetId: userId, after: { role: live.role, email: live.email, invite_id: live.id } }, meta);
    const session = await openSession(tx, deps, userId);
    return { identity: await loadIdentity(tx, userId), session };
  });
  return pair(deps, identity, session.sessionId, session.refreshToken);
}
