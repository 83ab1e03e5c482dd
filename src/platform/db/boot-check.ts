import type { Database } from './database.js';
import { APP_ROLE } from './database.js';
import { withoutOrg } from './with-org.js';

interface RoleFacts {
  role: string;
  is_super: boolean;
  bypass: boolean;
  is_app: boolean;
  owns: number;
  can_create: boolean;
}

/**
 * Refuses to serve unless tenant transactions run as a role that RLS binds: not superuser, no
 * BYPASSRLS, member of converse_app, owning no relation, no CREATE on app or public.
 */
export async function verifyRuntimeRole(db: Database): Promise<void> {
  const facts = await withoutOrg(db, async (query) => {
    const { rows } = await query<RoleFacts>(
      `select current_user::text as role, r.rolsuper as is_super, r.rolbypassrls as bypass,
              pg_has_role(current_user, $1, 'member') as is_app,
              (select count(*)::int from pg_class c where c.relowner = r.oid) as owns,
              has_schema_privilege(current_user, 'app', 'CREATE') or has_schema_privilege(current_user, 'public', 'CREATE') as can_create
         from pg_roles r where r.rolname = current_user`,
      [APP_ROLE],
    );
    return rows[0];
  });
  const problems: string[] = [];
  if (!facts) problems.push('cannot read the runtime role');
  else {
    if (facts.is_super) problems.push(`role ${facts.role} is a superuser`);
    if (facts.bypass) problems.push(`role ${facts.role} has BYPASSRLS`);
    if (!facts.is_app) problems.push(`role ${facts.role} is not a member of ${APP_ROLE}`);
    if (facts.owns > 0) problems.push(`role ${facts.role} owns ${facts.owns} relation(s)`);
    if (facts.can_create) problems.push(`role ${facts.role} may CREATE in schema app or public`);
  }
  if (problems.length) {
    throw new Error(`Refusing to serve: the runtime database role would not be bound by row-level security (${problems.join('; ')}). Run \`converse migrate\` with an admin MIGRATION_DATABASE_URL and connect DATABASE_URL as the converse_app role.`);
  }
}
