import type { Driver } from '../../src/platform/db/driver.js';

export interface SeedShape {
  /** Extra members per org (users + memberships + one login session each). */
  members: number;
  /** Pending invites per org. */
  invites: number;
  /** Audit rows per org, spread over the past days. */
  audit: number;
}

export interface SeededPrincipal {
  orgId: string;
  userId: string;
  sessionId: string;
}

/**
 * Bulk data through the superuser connection (set-based SQL, seconds for 100k rows). Creates `newOrgs`
 * organizations, then adds `shape` to them and to `existingOrgIds`. Returns one member (and its session)
 * per org, for workloads that need a user principal.
 */
export async function seedBulk(admin: Driver, opts: { newOrgs?: number; existingOrgIds?: string[]; shape: SeedShape }): Promise<SeededPrincipal[]> {
  const { members, invites, audit } = opts.shape;
  return admin.transaction(async (query) => {
    const created = await query<{ org_id: string }>(
      `insert into app.organizations (org_id, name)
       select gen_random_uuid(), 'Bench org ' || g from generate_series(1, $1::int) g returning org_id`,
      [opts.newOrgs ?? 0],
    );
    const orgIds = [...(opts.existingOrgIds ?? []), ...created.rows.map((r) => r.org_id)];
    await query(
      `create temp table bench_members on commit drop as
         select o as org_id, gen_random_uuid() as user_id, gen_random_uuid() as session_id, g as n
           from unnest($1::uuid[]) o cross join generate_series(1, $2::int) g`,
      [orgIds, members],
    );
    await query(
      `insert into app.users (id, email, name, password_hash)
       select user_id, 'member' || n || '.' || user_id || '@bench.example', 'Bench member ' || n, null from bench_members`,
    );
    await query(
      `insert into app.memberships (org_id, user_id, role, created_at)
       select org_id, user_id,
              case when n = 1 then 'admin' else (array['member', 'support_agent', 'viewer'])[1 + n % 3] end,
              now() - make_interval(mins => n)
         from bench_members`,
    );
    await query(`insert into app.auth_sessions (org_id, id, user_id) select org_id, session_id, user_id from bench_members`);
    await query(
      `insert into app.invites (org_id, id, email, role, token_hash, expires_at)
       select o, gen_random_uuid(), 'invitee' || g || '.' || md5(o::text || g) || '@bench.example', 'member',
              md5(random()::text || o::text || g), now() + interval '7 days'
         from unnest($1::uuid[]) o cross join generate_series(1, $2::int) g`,
      [orgIds, invites],
    );
    await query(
      `insert into app.audit_log (org_id, id, actor_type, actor_id, action, target_type, target_id, after, ip, request_id, created_at)
       select o, gen_random_uuid(), 'system', null,
              (array['member.added', 'organization.updated', 'api_key.created', 'auth.login', 'invite.created'])[1 + g % 5],
              'user', g::text, jsonb_build_object('n', g, 'note', 'bench row'), '127.0.0.1', 'bench-' || g,
              now() - make_interval(secs => g * 37)
         from unnest($1::uuid[]) o cross join generate_series(1, $2::int) g`,
      [orgIds, audit],
    );
    const principals = await query<{ org_id: string; user_id: string; session_id: string }>(
      'select org_id, user_id, session_id from bench_members where n = 1',
    );
    return principals.rows.map((r) => ({ orgId: r.org_id, userId: r.user_id, sessionId: r.session_id }));
  });
}
