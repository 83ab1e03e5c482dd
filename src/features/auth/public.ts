/**
 * What other features may use of auth's data (they never import auth/repo.ts): organizations reads the
 * org and the caller, team's invite acceptance resolves an invite and creates the user and membership.
 * Each runs in the caller's transaction (or `withoutOrg` query, as its signature says).
 */
export { findLoginUser, getMembershipRole, getOrganization, getUser, insertMembership, insertUser, resolveInvite, type OrgRow, type UserRow } from './repo.js';
