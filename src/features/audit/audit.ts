import { randomUUID } from 'node:crypto';
import type { Tx } from '../../platform/db/types.js';
import type { Principal } from '../../platform/auth/principal.js';
import type { RequestMeta } from '../../platform/request-meta.js';

export type Actor = { type: 'user' | 'api_key' | 'system' | 'anonymous'; id: string | null };

export const actorOf = (p: Principal): Actor => ({ type: p.actor.type, id: p.actor.id });

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
}

// Field names whose values never enter the audit trail, at any depth.
const SECRET_KEY = /pass(word)?|secret|token|credential|api_?key|key_hash|authorization|private|signing/i;

/** Deep copy with secret-looking fields replaced by a marker, so before/after never carry secrets. */
export function scrubSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubSecrets);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? '[secret]' : scrubSecrets(v);
    return out;
  }
  return value;
}

/** Appends one audit row in the caller's tenant transaction: it commits or rolls back with the change. */
export async function recordAudit(tx: Tx, actor: Actor, entry: AuditEntry, meta?: Pick<RequestMeta, 'ip' | 'requestId'>): Promise<void> {
  await tx.query(
    `insert into app.audit_log (org_id, id, actor_type, actor_id, action, target_type, target_id, before, after, ip, request_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      tx.orgId,
      randomUUID(),
      actor.type,
      actor.id,
      entry.action,
      entry.targetType ?? null,
      entry.targetId ?? null,
      entry.before === undefined ? null : JSON.stringify(scrubSecrets(entry.before)),
      entry.after === undefined ? null : JSON.stringify(scrubSecrets(entry.after)),
      meta?.ip ?? null,
      meta?.requestId ?? null,
    ],
  );
}
