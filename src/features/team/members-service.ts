import type { Principal } from '../../platform/auth/principal.js';
import { can, type Role } from '../../platform/auth/permissions.js';
import type { Tx } from '../../platform/db/types.js';
import { errors } from '../../platform/errors.js';
import type { RequestMeta } from '../../platform/request-meta.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import * as repo from './repo.js';

/**
 * Owners may change anyone; admins only non-owners, and never to owner. The last owner can be neither
 * demoted nor removed: owner rows are locked first so concurrent changes serialize.
 */
function assertMayManage(principal: Principal, target: repo.MemberRow, newRole?: Role): void {
  if (principal.role === 'owner') return;
  if (!can(principal.role, 'team:manage')) throw errors.forbidden();
  if (target.role === 'owner' || newRole === 'owner') throw errors.forbidden('Only an owner can change owners');
}

/** In the request's tenant transaction (route `txHandler`). */
export async function changeMemberRole(tx: Tx, principal: Principal, userId: string, role: Role, meta: RequestMeta) {
  const owners = await repo.lockOwnerCount(tx);
  const target = await repo.lockMember(tx, userId);
  if (!target) throw errors.notFound('member');
  assertMayManage(principal, target, role);
  if (target.role === 'owner' && role !== 'owner' && owners <= 1) throw errors.conflict('The last owner cannot be demoted');
  if (target.role !== role) {
    await repo.setMemberRole(tx, userId, role);
    await recordAudit(tx, actorOf(principal), { action: 'member.role_changed', targetType: 'user', targetId: userId, before: { role: target.role }, after: { role } }, meta);
  }
  return { ...target, role };
}

/** In the request's tenant transaction (route `txHandler`). */
export async function removeMember(tx: Tx, principal: Principal, userId: string, meta: RequestMeta): Promise<void> {
  const owners = await repo.lockOwnerCount(tx);
  const target = await repo.lockMember(tx, userId);
  if (!target) throw errors.notFound('member');
  // Anyone may leave; removing someone else needs team management rights.
  if (userId !== principal.userId) assertMayManage(principal, target);
  if (target.role === 'owner' && owners <= 1) throw errors.conflict('The last owner cannot leave or be removed');
  // Sessions go with the membership (FK cascade), so the removed member's tokens stop working at once.
  await repo.deleteMember(tx, userId);
  await recordAudit(tx, actorOf(principal), { action: 'member.removed', targetType: 'user', targetId: userId, before: { role: target.role, email: target.email } }, meta);
}
