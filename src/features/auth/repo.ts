import type { RawQuery } from '../../platform/db/driver.js';
import type { Tx } from '../../platform/db/types.js';
import type { Role } from '../../platform/auth/permissions.js';

/* Cross-org doors: run in a `withoutOrg` transaction, through the reviewed SECURITY DEFINER functions. */

export async function findLoginUser(query: RawQuery, email: string): Promise<{ user_id: string; password_hash: string | null } | null> {
  const r = await query<{ user_id: string; password_hash: string | null }>('select user_id, password_hash from app.auth_find_user($1)', [email]);
  return r.rows[0] ?? null;
}

export async function listUserOrgIds(query: RawQuery, userId: string): Promise<string[]> {
  const r = await query<{ org_id: string }>('select org_id from app.auth_user_orgs($1)', [userId]);
  return r.rows.map((x) => x.org_id);
}

export async function resolveRefreshToken(query: RawQuery, hash: string): Promise<{ org_id: string; token_id: string } | null> {
  const r = await query<{ org_id: string; token_id: string }>('select org_id, token_id from app.auth_resolve_refresh_token($1)', [hash]);
  return r.rows.length === 1 ? r.rows[0]! : null;
}

export async function resolveInvite(query: RawQuery, hash: string): Promise<{ org_id: string; invite_id: string } | null> {
  const r = await query<{ org_id: string; invite_id: string }>('select org_id, invite_id from app.auth_resolve_invite($1)', [hash]);
  return r.rows.length === 1 ? r.rows[0]! : null;
}

export async function resolveApiKey(query: RawQuery, hash: string): Promise<{ org_id: string; key_id: string } | null> {
  const r = await query<{ org_id: string; key_id: string }>('select org_id, key_id from app.auth_resolve_api_key($1)', [hash]);
  return r.rows.length === 1 ? r.rows[0]! : null;
}

/* Tenant-scoped. */

export interface UserRow {
  id: string;
  email: string;
  name: string;
  created_at: Date;
}
export interface OrgRow {
  org_id: string;
  name: string;
  created_at: Date;
  updated_at: Date;
}

export async function insertOrganization(tx: Tx, name: string): Promise<void> {
  await tx.query('insert into app.organizations (org_id, name) values ($1, $2)', [tx.orgId, name]);
}

export async function insertUser(tx: Tx, u: { id: string; email: string; name: string; passwordHash: string }): Promise<void> {
  await tx.query('insert into app.users (id, email, name, password_hash) values ($1, $2, $3, $4)', [u.id, u.email, u.name, u.passwordHash]);
}

export async function insertMembership(tx: Tx, userId: string, role: Role): Promise<void> {
  await tx.query('insert into app.memberships (org_id, user_id, role) values ($1, $2, $3)', [tx.orgId, userId, role]);
}

export async function getMembershipRole(tx: Tx, userId: string): Promise<Role | null> {
  const r = await tx.query<{ role: Role }>('select role from app.memberships where org_id = $1 and user_id = $2', [tx.orgId, userId]);
  return r.rows[0]?.role ?? null;
}

export async function getUser(tx: Tx, userId: string): Promise<UserRow | null> {
  const r = await tx.query<UserRow>('select id, email, name, created_at from app.users where id = $1', [userId]);
  return r.rows[0] ?? null;
}

export async function getOrganization(tx: Tx): Promise<OrgRow | null> {
  const r = await tx.query<OrgRow>('select org_id, name, created_at, updated_at from app.organizations where org_id = $1', [tx.orgId]);
  return r.rows[0] ?? null;
}

export async function insertSession(tx: Tx, s: { id: string; userId: string }): Promise<void> {
  await tx.query('insert into app.auth_sessions (org_id, id, user_id) values ($1, $2, $3)', [tx.orgId, s.id, s.userId]);
}

export async function revokeSession(tx: Tx, sessionId: string, reason: string): Promise<void> {
  await tx.query(
    'update app.auth_sessions set revoked_at = now(), revoked_reason = $3 where org_id = $1 and id = $2 and revoked_at is null',
    [tx.orgId, sessionId, reason],
  );
}

export async function insertRefreshToken(tx: Tx, t: { id: string; sessionId: string; hash: string; expiresAt: Date }): Promise<void> {
  await tx.query('insert into app.refresh_tokens (org_id, id, session_id, token_hash, expires_at) values ($1, $2, $3, $4, $5)', [
    tx.orgId,
    t.id,
    t.sessionId,
    t.hash,
    t.expiresAt,
  ]);
}

export interface RefreshTokenState {
  session_id: string;
  user_id: string;
  expired: boolean;
  used: boolean;
  session_revoked: boolean;
}

/** Locks the token row so two concurrent refreshes with the same token cannot both win. */
export async function lockRefreshToken(tx: Tx, tokenId: string): Promise<RefreshTokenState | null> {
  const r = await tx.query<RefreshTokenState>(
    `select t.session_id, s.user_id, t.expires_at <= now() as expired, t.used_at is not null as used,
            s.revoked_at is not null as session_revoked
       from app.refresh_tokens t join app.auth_sessions s on s.org_id = t.org_id and s.id = t.session_id
      where t.org_id = $1 and t.id = $2
      for update of t`,
    [tx.orgId, tokenId],
  );
  return r.rows[0] ?? null;
}

export async function markRefreshTokenUsed(tx: Tx, tokenId: string): Promise<void> {
  await tx.query('update app.refresh_tokens set used_at = now() where org_id = $1 and id = $2', [tx.orgId, tokenId]);
}

/** The request-time check for a user token: still a member, session not revoked. */
export async function getActiveUserRole(tx: Tx, userId: string, sessionId: string): Promise<Role | null> {
  const r = await tx.query<{ role: Role }>(
    `select m.role from app.memberships m
       join app.auth_sessions s on s.org_id = m.org_id and s.user_id = m.user_id
      where m.org_id = $1 and m.user_id = $2 and s.id = $3 and s.revoked_at is null`,
    [tx.orgId, userId, sessionId],
  );
  return r.rows[0]?.role ?? null;
}
