import type { Tx } from '../../platform/db/types.js';
import { cursorAt, type Cursor } from '../../platform/http/pagination.js';
import type { Role } from '../../platform/auth/permissions.js';

export interface MemberRow {
  user_id: string;
  email: string;
  name: string;
  role: Role;
  created_at: Date;
  updated_at: Date;
}

const MEMBER_COLUMNS = 'm.user_id, u.email, u.name, m.role, m.created_at, m.updated_at';
const MEMBER_FROM = 'from app.memberships m join app.users u on u.id = m.user_id';
const MEMBER_SELECT = `select ${MEMBER_COLUMNS} ${MEMBER_FROM}`;

export async function listMembers(tx: Tx, opts: { cursor: Cursor | null; limit: number }): Promise<MemberRow[]> {
  const r = await tx.query<MemberRow>(
    `select ${MEMBER_COLUMNS}, ${cursorAt('m.created_at')} ${MEMBER_FROM}
      where m.org_id = $1 and ($2::timestamptz is null or (m.created_at, m.user_id) < ($2::timestamptz, $3::uuid))
      order by m.created_at desc, m.user_id desc limit $4`,
    [tx.orgId, opts.cursor?.t ?? null, opts.cursor?.id ?? null, opts.limit + 1],
  );
  return r.rows;
}

/** Locks the membership row: role changes and removals serialize with the last-owner check. */
export async function lockMember(tx: Tx, userId: string): Promise<MemberRow | null> {
  const r = await tx.query<MemberRow>(`${MEMBER_SELECT} where m.org_id = $1 and m.user_id = $2 for update of m`, [tx.orgId, userId]);
  return r.rows[0] ?? null;
}

/** Locks every owner row of the org, so two concurrent demotions cannot both pass "another owner remains". */
export async function lockOwnerCount(tx: Tx): Promise<number> {
  const r = await tx.query<{ user_id: string }>(`select user_id from app.memberships where org_id = $1 and role = 'owner' for update`, [tx.orgId]);
  return r.rows.length;
}

export async function setMemberRole(tx: Tx, userId: string, role: Role): Promise<void> {
  await tx.query('update app.memberships set role = $3, updated_at = now() where org_id = $1 and user_id = $2', [tx.orgId, userId, role]);
}

export async function deleteMember(tx: Tx, userId: string): Promise<void> {
  await tx.query('delete from app.memberships where org_id = $1 and user_id = $2', [tx.orgId, userId]);
}

export async function isMemberEmail(tx: Tx, email: string): Promise<boolean> {
  const r = await tx.query(`select 1 from app.memberships m join app.users u on u.id = m.user_id where m.org_id = $1 and u.email = $2`, [tx.orgId, email]);
  return r.rowCount > 0;
}

export interface InviteRow {
  id: string;
  email: string;
  role: Role;
  invited_by: string | null;
  expires_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
  created_at: Date;
}

const INVITE_COLUMNS = 'id, email, role, invited_by, expires_at, accepted_at, revoked_at, created_at';

export async function insertInvite(tx: Tx, i: { id: string; email: string; role: Role; hash: string; invitedBy: string | null; expiresAt: Date }): Promise<InviteRow> {
  const r = await tx.query<InviteRow>(
    `insert into app.invites (org_id, id, email, role, token_hash, invited_by, expires_at) values ($1, $2, $3, $4, $5, $6, $7) returning ${INVITE_COLUMNS}`,
    [tx.orgId, i.id, i.email, i.role, i.hash, i.invitedBy, i.expiresAt],
  );
  return r.rows[0]!;
}

export async function revokePendingInvitesFor(tx: Tx, email: string): Promise<void> {
  await tx.query('update app.invites set revoked_at = now() where org_id = $1 and email = $2 and accepted_at is null and revoked_at is null', [tx.orgId, email]);
}

export async function listPendingInvites(tx: Tx, opts: { cursor: Cursor | null; limit: number }): Promise<InviteRow[]> {
  const r = await tx.query<InviteRow>(
    `select ${INVITE_COLUMNS}, ${cursorAt()} from app.invites
      where org_id = $1 and accepted_at is null and revoked_at is null
        and ($2::timestamptz is null or (created_at, id) < ($2::timestamptz, $3::uuid))
      order by created_at desc, id desc limit $4`,
    [tx.orgId, opts.cursor?.t ?? null, opts.cursor?.id ?? null, opts.limit + 1],
  );
  return r.rows;
}

export async function revokeInvite(tx: Tx, id: string): Promise<InviteRow | null> {
  const r = await tx.query<InviteRow>(
    `update app.invites set revoked_at = now() where org_id = $1 and id = $2 and accepted_at is null and revoked_at is null returning ${INVITE_COLUMNS}`,
    [tx.orgId, id],
  );
  return r.rows[0] ?? null;
}

/** A usable invite (not accepted, revoked or expired), locked for acceptance. */
export async function lockUsableInvite(tx: Tx, id: string): Promise<InviteRow | null> {
  const r = await tx.query<InviteRow>(
    `select ${INVITE_COLUMNS} from app.invites
      where org_id = $1 and id = $2 and accepted_at is null and revoked_at is null and expires_at > now() for update`,
    [tx.orgId, id],
  );
  return r.rows[0] ?? null;
}

export async function markInviteAccepted(tx: Tx, id: string): Promise<void> {
  await tx.query('update app.invites set accepted_at = now() where org_id = $1 and id = $2', [tx.orgId, id]);
}

export async function insertOutbox(tx: Tx, o: { id: string; kind: string; recipient: string; payload: unknown }): Promise<void> {
  await tx.query('insert into app.outbox (org_id, id, kind, recipient, payload) values ($1, $2, $3, $4, $5)', [
    tx.orgId,
    o.id,
    o.kind,
    o.recipient,
    JSON.stringify(o.payload),
  ]);
}
