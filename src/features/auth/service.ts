import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.js';
import { withOrg, withoutOrg } from '../../platform/db/with-org.js';
import type { Tx } from '../../platform/db/types.js';
import { hashPassword, verifyPassword } from '../../platform/auth/passwords.js';
import { hashSecret, randomSecret } from '../../platform/auth/tokens.js';
import type { Role } from '../../platform/auth/permissions.js';
import { errors } from '../../platform/errors.js';
import type { RequestMeta } from '../../platform/request-meta.js';
import { recordAudit } from '../audit/audit.js';
import * as repo from './repo.js';
import { presentOrg, presentUser } from './present.js';
import type { TokenPairOut } from './schemas.js';

const REFRESH_PREFIX = 'cvr_';
const invalidLogin = () => errors.unauthorized('Invalid email or password');
const invalidRefresh = () => errors.unauthorized('Invalid refresh token');

/** Creates a login session (refresh family) with its first refresh token, inside the org's transaction. */
export async function openSession(tx: Tx, deps: Deps, userId: string): Promise<{ sessionId: string; refreshToken: string }> {
  const sessionId = randomUUID();
  await repo.insertSession(tx, { id: sessionId, userId });
  const refreshToken = await addRefreshToken(tx, deps, sessionId);
  return { sessionId, refreshToken };
}

async function addRefreshToken(tx: Tx, deps: Deps, sessionId: string): Promise<string> {
  const token = REFRESH_PREFIX + randomSecret(32);
  const expiresAt = new Date(Date.now() + deps.config.refreshTokenTtlSeconds * 1000);
  await repo.insertRefreshToken(tx, { id: randomUUID(), sessionId, hash: hashSecret(token), expiresAt });
  return token;
}

export async function loadIdentity(tx: Tx, userId: string): Promise<{ user: repo.UserRow; org: repo.OrgRow; role: Role }> {
  const user = await repo.getUser(tx, userId);
  const org = await repo.getOrganization(tx);
  const role = await repo.getMembershipRole(tx, userId);
  if (!user || !org || !role) throw invalidLogin();
  return { user, org, role };
}

export async function pair(deps: Deps, id: { user: repo.UserRow; org: repo.OrgRow; role: Role }, sessionId: string, refreshToken: string): Promise<TokenPairOut> {
  const access = await deps.tokens.issueAccessToken({ userId: id.user.id, orgId: id.org.org_id, sessionId });
  return {
    user: presentUser(id.user),
    organization: presentOrg(id.org),
    role: id.role,
    access_token: access.token,
    refresh_token: refreshToken,
    token_type: 'Bearer',
    expires_in: access.expiresIn,
  };
}

export async function signup(
  deps: Deps,
  input: { email: string; password: string; name: string; organization_name: string },
  meta: RequestMeta,
): Promise<TokenPairOut> {
  const existing = await withoutOrg(deps.db, (q) => repo.findLoginUser(q, input.email));
  let userId: string;
  let passwordHash: string | null = null;
  if (existing) {
    // An existing person may open another organization, but only by proving they are that person.
    if (!(await verifyPassword(existing.password_hash, input.password))) throw errors.conflict('This email is already registered; sign in with its password to create another organization');
    userId = existing.user_id;
  } else {
    userId = randomUUID();
    passwordHash = await hashPassword(input.password);
  }
  const orgId = randomUUID();
  const { identity, session } = await withOrg(deps.db, { orgId, userId }, async (tx) => {
    await repo.insertOrganization(tx, input.organization_name);
    if (passwordHash) await repo.insertUser(tx, { id: userId, email: input.email, name: input.name, passwordHash });
    await repo.insertMembership(tx, userId, 'owner');
    const session = await openSession(tx, deps, userId);
    const actor = { type: 'user' as const, id: userId };
    await recordAudit(tx, actor, { action: 'organization.created', targetType: 'organization', targetId: orgId, after: { name: input.organization_name } }, meta);
    await recordAudit(tx, actor, { action: 'member.added', targetType: 'user', targetId: userId, after: { role: 'owner', email: input.email } }, meta);
    return { identity: await loadIdentity(tx, userId), session };
  });
  return pair(deps, identity, session.sessionId, session.refreshToken);
}

export async function login(deps: Deps, input: { email: string; password: string; organization_id?: string | undefined }, meta: RequestMeta): Promise<TokenPairOut> {
  const email = input.email.trim().toLowerCase();
  const found = await withoutOrg(deps.db, async (q) => {
    const user = await repo.findLoginUser(q, email);
    return user ? { user, orgIds: await repo.listUserOrgIds(q, user.user_id) } : null;
  });
  const ok = await verifyPassword(found?.user.password_hash, input.password);
  if (!found || !ok) {
    if (found) await auditFailedLogin(deps, found.user.user_id, found.orgIds, meta);
    deps.log.info({ op: 'auth.login', outcome: 'failed' }, 'login failed');
    throw invalidLogin();
  }
  const orgId = input.organization_id ?? found.orgIds[0];
  if (!orgId || !found.orgIds.includes(orgId)) throw invalidLogin();
  const userId = found.user.user_id;
  const { identity, session } = await withOrg(deps.db, { orgId, userId }, async (tx) => {
    const identity = await loadIdentity(tx, userId);
    const session = await openSession(tx, deps, userId);
    await recordAudit(tx, { type: 'user', id: userId }, { action: 'auth.login', targetType: 'user', targetId: userId }, meta);
    return { identity, session };
  });
  return pair(deps, identity, session.sessionId, session.refreshToken);
}

async function auditFailedLogin(deps: Deps, userId: string, orgIds: string[], meta: RequestMeta): Promise<void> {
  for (const orgId of orgIds.slice(0, 20)) {
    await withOrg(deps.db, { orgId }, (tx) =>
      recordAudit(tx, { type: 'anonymous', id: null }, { action: 'auth.login_failed', targetType: 'user', targetId: userId }, meta),
    );
  }
}

export async function refresh(deps: Deps, input: { refresh_token: string }, meta: RequestMeta): Promise<TokenPairOut> {
  if (!input.refresh_token.startsWith(REFRESH_PREFIX)) throw invalidRefresh();
  const hash = hashSecret(input.refresh_token);
  const ref = await withoutOrg(deps.db, (q) => repo.resolveRefreshToken(q, hash));
  if (!ref) throw invalidRefresh();
  // Reuse detection must COMMIT the revocation, so the outcome is returned, not thrown, from the transaction.
  const outcome = await withOrg(deps.db, { orgId: ref.org_id }, async (tx) => {
    const state = await repo.lockRefreshToken(tx, ref.token_id);
    if (!state || state.session_revoked || state.expired) return { kind: 'invalid' as const };
    if (state.used) {
      await repo.revokeSession(tx, state.session_id, 'refresh_token_reuse');
      await recordAudit(tx, { type: 'user', id: state.user_id }, { action: 'auth.refresh_reuse_detected', targetType: 'session', targetId: state.session_id }, meta);
      return { kind: 'reused' as const };
    }
    await repo.markRefreshTokenUsed(tx, ref.token_id);
    const refreshToken = await addRefreshToken(tx, deps, state.session_id);
    const identity = await loadIdentity(tx, state.user_id);
    return { kind: 'ok' as const, identity, sessionId: state.session_id, refreshToken };
  });
  if (outcome.kind !== 'ok') throw invalidRefresh();
  return pair(deps, outcome.identity, outcome.sessionId, outcome.refreshToken);
}

export async function logout(deps: Deps, input: { refresh_token: string }, meta: RequestMeta): Promise<void> {
  if (!input.refresh_token.startsWith(REFRESH_PREFIX)) return;
  const ref = await withoutOrg(deps.db, (q) => repo.resolveRefreshToken(q, hashSecret(input.refresh_token)));
  if (!ref) return;
  await withOrg(deps.db, { orgId: ref.org_id }, async (tx) => {
    const state = await repo.lockRefreshToken(tx, ref.token_id);
    if (!state || state.session_revoked) return;
    await repo.revokeSession(tx, state.session_id, 'logout');
    await recordAudit(tx, { type: 'user', id: state.user_id }, { action: 'auth.logout', targetType: 'session', targetId: state.session_id }, meta);
  });
}

export { REFRESH_PREFIX };
