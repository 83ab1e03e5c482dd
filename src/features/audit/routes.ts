import { z } from 'zod';
import { decodeCursor, page } from '../../platform/http/pagination.js';
import { ListQuery, listOf, toIso } from '../../platform/http/schemas.js';
import { route, type RouteDef } from '../../platform/http/route.js';
import { listAudit } from './repo.js';

const AuditEntryOut = z.object({
  id: z.string(),
  actor: z.object({ type: z.string(), id: z.string().nullable() }),
  action: z.string(),
  target_type: z.string().nullable(),
  target_id: z.string().nullable(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  ip: z.string().nullable(),
  request_id: z.string().nullable(),
  created_at: z.string(),
});

const AuditQuery = ListQuery.extend({ action: z.string().max(100).optional() });

export const auditRoutes: RouteDef[] = [
  route({
    method: 'GET',
    url: '/audit-log',
    operation: 'audit.list',
    permission: 'audit:read',
    query: AuditQuery,
    response: { 200: listOf(AuditEntryOut) },
    txHandler: async ({ tx, query }) => {
      const rows = await listAudit(tx, { action: query.action, cursor: decodeCursor(query.cursor), limit: query.limit });
      const p = page(rows, query.limit);
      return {
        data: p.rows.map((r) => ({
          id: r.id,
          actor: { type: r.actor_type, id: r.actor_id },
          action: r.action,
          target_type: r.target_type,
          target_id: r.target_id,
          before: r.before,
          after: r.after,
          ip: r.ip,
          request_id: r.request_id,
          created_at: toIso(r.created_at)!,
        })),
        next_cursor: p.nextCursor,
      };
    },
  }),
];
