import type { RawQuery } from '../../src/platform/db/driver.js';

/** Tables in schema app without org_id: global by design, listed in docs/security.md. */
export const GLOBAL_TABLES = ['users'];
/** The reviewed SECURITY DEFINER allow-list (docs/security.md "Cross-org doors"). */
export const DEFINER_ALLOW_LIST = ['claim_due_jobs', 'auth_find_user', 'auth_user_orgs', 'auth_resolve_refresh_token', 'auth_resolve_api_key', 'auth_resolve_invite', 'resolve_channel_org', 'vault_key_orgs', 'knowledge_search_chunks', 'queue_privacy_jobs', 'campaign_work_orgs'];

/**
 * ISOLATION.md "How it is proven" #1 as queries over the system catalogs. Returns one line per problem;
 * an empty list means the schema keeps the storage-layer contract. Run with an admin connection.
 */
export async function checkCatalog(query: RawQuery, appRole = 'converse_app'): Promise<string[]> {
  const problems: string[] = [];
  const tables = await query<{ name: string; oid: number; rls: boolean; forced: boolean; has_org: boolean }>(
    `select c.relname as name, c.oid::int as oid, c.relrowsecurity as rls, c.relforcerowsecurity as forced,
            exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'org_id' and not a.attisdropped) as has_org
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'app' and c.relkind in ('r', 'p')`,
  );
  for (const t of tables.rows) {
    if (!t.has_org && !GLOBAL_TABLES.includes(t.name)) problems.push(`table ${t.name} has no org_id and is not on the global allow-list`);
    if (!t.rls || !t.forced) problems.push(`table ${t.name}: row level security ${t.rls ? 'not forced' : 'not enabled'}`);
    if (!t.has_org) continue;
    const pol = await query<{ n: number }>(
      `select count(*)::int as n from pg_policy p
        where p.polrelid = $1 and not p.polpermissive and p.polcmd = '*' and p.polqual is not null and p.polwithcheck is not null
          and pg_get_expr(p.polqual, p.polrelid) ~ 'org_id = \\( SELECT app\\.current_org_id'
          and pg_get_expr(p.polwithcheck, p.polrelid) ~ 'org_id = \\( SELECT app\\.current_org_id'`,
      [t.oid],
    );
    if (pol.rows[0]!.n < 1) problems.push(`table ${t.name}: no restrictive ALL policy on org_id with USING and WITH CHECK`);
    const pk = await query<{ first: string | null }>(
      `select (select a.attname from pg_attribute a where a.attrelid = i.indrelid and a.attnum = i.indkey[0]) as first
         from pg_index i where i.indrelid = $1 and i.indisprimary`,
      [t.oid],
    );
    if (pk.rows[0]?.first !== 'org_id') problems.push(`table ${t.name}: primary key does not lead with org_id`);
    const uniques = await query<{ name: string; has_org: boolean }>(
      `select ic.relname as name, exists (select 1 from unnest(i.indkey) k join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k where a.attname = 'org_id') as has_org
         from pg_index i join pg_class ic on ic.oid = i.indexrelid where i.indrelid = $1 and i.indisunique`,
      [t.oid],
    );
    for (const u of uniques.rows) if (!u.has_org) problems.push(`table ${t.name}: unique index ${u.name} does not include org_id`);
    const privs = await query<{ p: string }>(
      `select p from unnest(array['TRUNCATE', 'REFERENCES', 'TRIGGER']) p where has_table_privilege($2, $1::oid, p)`,
      [t.oid, appRole],
    );
    for (const p of privs.rows) problems.push(`table ${t.name}: ${appRole} has ${p.p}`);
  }
  // Foreign keys between tenant tables carry org_id on both sides, in the same position.
  const fks = await query<{ name: string; tbl: string; ok: boolean }>(
    `select con.conname as name, c.relname as tbl,
            exists (select 1 from generate_subscripts(con.conkey, 1) s
                     join pg_attribute a on a.attrelid = con.conrelid and a.attnum = con.conkey[s]
                     join pg_attribute b on b.attrelid = con.confrelid and b.attnum = con.confkey[s]
                    where a.attname = 'org_id' and b.attname = 'org_id') as ok
       from pg_constraint con join pg_class c on c.oid = con.conrelid join pg_namespace n on n.oid = c.relnamespace
      where con.contype = 'f' and n.nspname = 'app'
        and exists (select 1 from pg_attribute b where b.attrelid = con.confrelid and b.attname = 'org_id')`,
  );
  for (const fk of fks.rows) if (!fk.ok) problems.push(`foreign key ${fk.name} on ${fk.tbl} does not match org_id to org_id`);

  const views = await query<{ name: string; kind: string; invoker: boolean }>(
    `select c.relname as name, c.relkind::text as kind, coalesce(c.reloptions::text[] && array['security_invoker=true', 'security_invoker=on'], false) as invoker
       from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'app' and c.relkind in ('v', 'm')`,
  );
  for (const v of views.rows) {
    if (v.kind === 'm') problems.push(`materialized view ${v.name} over tenant data`);
    else if (!v.invoker) problems.push(`view ${v.name} is not security_invoker`);
  }
  const definers = await query<{ name: string; owner: string; has_path: boolean; public_exec: boolean }>(
    `select p.proname as name, pg_get_userbyid(p.proowner) as owner,
            coalesce(exists (select 1 from unnest(p.proconfig) c where c like 'search_path=%'), false) as has_path,
            has_function_privilege('public', p.oid, 'EXECUTE') as public_exec
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'app' and p.prosecdef`,
  );
  for (const d of definers.rows) {
    if (!DEFINER_ALLOW_LIST.includes(d.name)) problems.push(`SECURITY DEFINER function ${d.name} is not on the allow-list`);
    if (!d.has_path) problems.push(`SECURITY DEFINER function ${d.name} has no fixed search_path`);
    if (d.public_exec) problems.push(`SECURITY DEFINER function ${d.name} is executable by PUBLIC`);
  }
  const role = await query<{ su: boolean; bypass: boolean; owns: number; creates: boolean }>(
    `select r.rolsuper as su, r.rolbypassrls as bypass, (select count(*)::int from pg_class c where c.relowner = r.oid) as owns,
            has_schema_privilege(r.oid, 'app', 'CREATE') or has_schema_privilege(r.oid, 'public', 'CREATE') or has_schema_privilege(r.oid, 'app_meta', 'CREATE') as creates
       from pg_roles r where r.rolname = $1`,
    [appRole],
  );
  const r = role.rows[0];
  if (!r) problems.push(`role ${appRole} does not exist`);
  else {
    if (r.su) problems.push(`${appRole} is superuser`);
    if (r.bypass) problems.push(`${appRole} has BYPASSRLS`);
    if (r.owns) problems.push(`${appRole} owns ${r.owns} relations`);
    if (r.creates) problems.push(`${appRole} may CREATE in a schema`);
  }
  return problems;
}
