import type { Role } from './permissions.js';

/**
 * Who is calling, established from a verified credential and re-read from the database on every
 * request. `orgId` is the ONLY source of the organization for everything downstream.
 */
export interface Principal {
  orgId: string;
  role: Role;
  actor: { type: 'user' | 'api_key'; id: string };
  userId: string | null;
  apiKeyId: string | null;
  /** Login session (refresh family) of a user token. */
  sessionId: string | null;
}

export const scopeOf = (p: Principal) => ({ orgId: p.orgId, userId: p.userId, apiKeyId: p.apiKeyId });
