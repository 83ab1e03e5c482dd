import type { Deps } from '../../deps.js';
import { withOrg, withoutOrg, type OrgScope } from '../../platform/db/with-org.js';
import type { Tx } from '../../platform/db/types.js';
import { hashSecret, InvalidTokenError } from '../../platform/auth/tokens.js';
import type { Principal } from '../../platform/auth/principal.js';
import { errors } from '../../platform/errors.js';
import type { Authenticator } from '../../platform/http/route.js';
import { recordAudit } from '../audit/audit.js';
import * as repo from './repo.js';
import { API_KEY_PREFIX, getActiveApiKey, touchApiKey } from '../api-keys/public.js';

const unauthorized = () => errors.unauthorized('Missing or invalid credentials');
// last_used_at (and the api_key.used audit entry) is written at most once a minute per key.
const TOUCH_INTERVAL_MS = 60_000;

/** A verified credential before its database re-check: which org, and who inside it claims to call. */
export type Credential = { kind: 'user'; orgId: string; userId: string; sessionId: string } | { kind: 'api_key'; orgId: string; keyId: string; hash: string };

/**
 * Credential → principal in two steps. `identify` verifies the credential itself (token signature and
 * claims, or the API key's hash) without a tenant transaction; the organization comes only from it.
 * `principalIn` re-reads the role inside a tenant transaction of that organization on every request,
 * so a removed or demoted member, or a revoked key, loses power at once. Routes that only touch the
 * database run `principalIn` inside their own transaction (route.ts `txHandler`); the others call
 * `authenticate`, which runs it in a transaction of its own.
 */
export async function identify(deps: Deps, authorization: string | undefined): Promise<{ scope: OrgScope; credential: Credential }> {
  const match = /^Bearer ([\x21-\x7e]{1,4096})$/.exec(authorization ?? '');
  if (!match) throw unauthorized();
  const credential = match[1]!.startsWith(API_KEY_PREFIX) ? await apiKeyCredential(deps, match[1]!) : await tokenCredential(deps, match[1]!);
  return { scope: credentialScope(credential), credential };
}

/** Throws 401 when the member, session or key is gone (the caller's transaction rolls back). */
export async function principalIn(tx: Tx, credential: Credential): Promise<Principal> {
  if (credential.kind === 'user') {
    const role = await repo.getActiveUserRole(tx, credential.userId, credential.sessionId);
    if (!role) throw unauthorized();
    return { orgId: credential.orgId, role, actor: { type: 'user', id: credential.userId }, userId: credential.userId, apiKeyId: null, sessionId: credential.sessionId };
  }
  const k = await getActiveApiKey(tx, credential.keyId);
  if (!k) {
    keyRefs.delete(credential.hash);
    throw unauthorized();
  }
  if (!k.last_used_at || Date.now() - k.last_used_at.getTime() > TOUCH_INTERVAL_MS) {
    await touchApiKey(tx, credential.keyId);
    await recordAudit(tx, { type: 'api_key', id: credential.keyId }, { action: 'api_key.used', targetType: 'api_key', targetId: credential.keyId });
  }
  return { orgId: credential.orgId, role: k.role, actor: { type: 'api_key', id: credential.keyId }, userId: null, apiKeyId: credential.keyId, sessionId: null };
}

export async function authenticate(deps: Deps, authorization: string | undefined): Promise<Principal> {
  const { scope, credential } = await identify(deps, authorization);
  return withOrg(deps.db, scope, (tx) => principalIn(tx, credential));
}

export const authenticator: Authenticator<Credential> = { identify, principalIn, authenticate };

const credentialScope = (c: Credential): OrgScope =>
  c.kind === 'user' ? { orgId: c.orgId, userId: c.userId, apiKeyId: null } : { orgId: c.orgId, userId: null, apiKeyId: c.keyId };

async function tokenCredential(deps: Deps, token: string): Promise<Credential> {
  try {
    const claims = await deps.tokens.verifyAccessToken(token);
    return { kind: 'user', orgId: claims.org_id, userId: claims.sub, sessionId: claims.sid };
  } catch (err) {
    if (err instanceof InvalidTokenError) throw unauthorized();
    throw err;
  }
}

/**
 * hash → (org, key id), so most API-key requests skip the cross-org lookup transaction. Safe to cache:
 * the entry only says where to look; every request still re-reads the key under withOrg for that org
 * (revoked or deleted → 401 at once, and the entry is dropped). Bounded, per process, short-lived.
 */
const KEY_REF_TTL_MS = 60_000;
const KEY_REF_MAX = 10_000;
const keyRefs = new Map<string, { ref: { org_id: string; key_id: string }; at: number }>();

async function resolveKeyRef(deps: Deps, hash: string): Promise<{ org_id: string; key_id: string } | null> {
  const hit = keyRefs.get(hash);
  if (hit && Date.now() - hit.at < KEY_REF_TTL_MS) return hit.ref;
  const ref = await withoutOrg(deps.db, (q) => repo.resolveApiKey(q, hash));
  if (ref) {
    if (keyRefs.size >= KEY_REF_MAX) keyRefs.delete(keyRefs.keys().next().value!);
    keyRefs.set(hash, { ref, at: Date.now() });
  } else keyRefs.delete(hash);
  return ref;
}

async function apiKeyCredential(deps: Deps, key: string): Promise<Credential> {
  const hash = hashSecret(key);
  const ref = await resolveKeyRef(deps, hash);
  if (!ref) throw unauthorized();
  return { kind: 'api_key', orgId: ref.org_id, keyId: ref.key_id, hash };
}
