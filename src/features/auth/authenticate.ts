import type { Deps } from '../../deps.js';
import { withOrg, withoutOrg } from '../../platform/db/with-org.js';
import { hashSecret, InvalidTokenError } from '../../platform/auth/tokens.js';
import type { Principal } from '../../platform/auth/principal.js';
import { errors } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/audit.js';
import * as repo from './repo.js';
import { API_KEY_PREFIX, getActiveApiKey, touchApiKey } from '../api-keys/repo.js';

const unauthorized = () => errors.unauthorized('Missing or invalid credentials');
// last_used_at (and the api_key.used audit entry) is written at most once a minute per key.
const TOUCH_INTERVAL_MS = 60_000;

/**
 * Credential → principal. The organization comes only from the verified credential, and the role is
 * re-read from the database on every request, so a removed or demoted member loses power at once.
 */
export async function authenticate(deps: Deps, authorization: string | undefined): Promise<Principal> {
  const match = /^Bearer ([\x21-\x7e]{1,4096})$/.exec(authorization ?? '');
  if (!match) throw unauthorized();
  const credential = match[1]!;
  return credential.startsWith(API_KEY_PREFIX) ? fromApiKey(deps, credential) : fromAccessToken(deps, credential);
}

async function fromAccessToken(deps: Deps, token: string): Promise<Principal> {
  let claims;
  try {
    claims = await deps.tokens.verifyAccessToken(token);
  } catch (err) {
    if (err instanceof InvalidTokenError) throw unauthorized();
    throw err;
  }
  const role = await withOrg(deps.db, { orgId: claims.org_id, userId: claims.sub }, (tx) => repo.getActiveUserRole(tx, claims.sub, claims.sid));
  if (!role) throw unauthorized();
  return { orgId: claims.org_id, role, actor: { type: 'user', id: claims.sub }, userId: claims.sub, apiKeyId: null, sessionId: claims.sid };
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

async function fromApiKey(deps: Deps, key: string): Promise<Principal> {
  const hash = hashSecret(key);
  const ref = await resolveKeyRef(deps, hash);
  if (!ref) throw unauthorized();
  const role = await withOrg(deps.db, { orgId: ref.org_id, apiKeyId: ref.key_id }, async (tx) => {
    const k = await getActiveApiKey(tx, ref.key_id);
    if (!k) return null;
    if (!k.last_used_at || Date.now() - k.last_used_at.getTime() > TOUCH_INTERVAL_MS) {
      await touchApiKey(tx, ref.key_id);
      await recordAudit(tx, { type: 'api_key', id: ref.key_id }, { action: 'api_key.used', targetType: 'api_key', targetId: ref.key_id });
    }
    return k.role;
  });
  if (!role) {
    keyRefs.delete(hash);
    throw unauthorized();
  }
  return { orgId: ref.org_id, role, actor: { type: 'api_key', id: ref.key_id }, userId: null, apiKeyId: ref.key_id, sessionId: null };
}
