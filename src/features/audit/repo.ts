import type { Tx } from '../../platform/db/types.js';
import { cursorAt, type Cursor } from '../../platform/http/pagination.js';

export interface AuditRow {
  id: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  request_id: string | null;
  created_at: Date;
}

export async function listAudit(tx: Tx, opts: { action?: string | undefined; cursor: Cursor | null; limit: number }): Promise<AuditRow[]> {
  const r = await tx.query<AuditRow>(
    `select id, actor_type, actor_id, action, target_type, target_id, before, after, ip, request_id, created_at, ${cursorAt()}
       from app.audit_log
      where org_id = $1
        and ($2::text is null or action = $2)
        and ($3::timestamptz is null or (created_at, id) < ($3::timestamptz, $4::uuid))
      order by created_at desc, id desc
      limit $5`,
    [tx.orgId, opts.action ?? null, opts.cursor?.t ?? null, opts.cursor?.id ?? null, opts.limit + 1],
  );
  return r.rows;
}
