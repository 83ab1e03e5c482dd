import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Driver, RawQuery } from './driver.js';
import { APP_ROLE, OWNER_ROLE } from './database.js';

export const LOOKUP_ROLE = 'converse_lookup';
export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../migrations');

export interface MigrateOptions {
  /** A connection with rights to create roles and schemas (superuser or CREATEROLE owner). */
  admin: Driver;
  /**
   * PostgreSQL mode: the runtime login role and its password, taken from DATABASE_URL. The role is
   * created LOGIN NOSUPERUSER NOBYPASSRLS and made a member of converse_app. Embedded mode: omit.
   */
  runtimeLogin?: { user: string; password?: string | undefined };
  dir?: string;
  log?: (msg: string) => void;
}

const ident = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`unsafe role name: ${name}`);
  return `"${name}"`;
};
const literal = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/**
 * Applies pending SQL migrations in one transaction, serialized by an advisory lock so several
 * instances starting together cannot race. Objects are created as converse_owner, never as the admin,
 * so the runtime role owns nothing.
 */
export async function migrate(opts: MigrateOptions): Promise<string[]> {
  const dir = opts.dir ?? MIGRATIONS_DIR;
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  return opts.admin.transaction(async (query, exec) => {
    await query(`select pg_advisory_xact_lock(hashtext('converse.migrate'))`);
    await bootstrap(query, exec, opts.runtimeLogin);
    const { rows } = await query<{ name: string }>('select name from app_meta.schema_migrations');
    const done = new Set(rows.map((r) => r.name));
    const applied: string[] = [];
    for (const file of files) {
      if (done.has(file)) continue;
      const sql = await readFile(path.join(dir, file), 'utf8');
      await exec(`set local role ${OWNER_ROLE}`);
      await exec(sql);
      await exec('reset role');
      await query('insert into app_meta.schema_migrations (name) values ($1)', [file]);
      applied.push(file);
      opts.log?.(`applied ${file}`);
    }
    return applied;
  });
}

async function bootstrap(query: RawQuery, exec: (sql: string) => Promise<void>, login: MigrateOptions['runtimeLogin']): Promise<void> {
  const roles = await query<{ rolname: string }>('select rolname from pg_roles where rolname = any($1)', [[OWNER_ROLE, APP_ROLE, LOOKUP_ROLE]]);
  const have = new Set(roles.rows.map((r) => r.rolname));
  if (!have.has(OWNER_ROLE)) await exec(`create role ${OWNER_ROLE} nologin nosuperuser nobypassrls`);
  if (!have.has(APP_ROLE)) await exec(`create role ${APP_ROLE} nologin nosuperuser nobypassrls noinherit nocreatedb nocreaterole`);
  // The lookup role owns the few SECURITY DEFINER doors; BYPASSRLS with column-level SELECT grants only.
  if (!have.has(LOOKUP_ROLE)) await exec(`create role ${LOOKUP_ROLE} nologin nosuperuser bypassrls`);
  await exec(`grant ${LOOKUP_ROLE} to ${OWNER_ROLE}`);

  const me = await query<{ user: string; su: boolean }>('select current_user::text as user, rolsuper as su from pg_roles where rolname = current_user');
  if (!me.rows[0]?.su) await exec(`grant ${OWNER_ROLE} to ${ident(me.rows[0]!.user)}`);

  if (login) {
    const user = login.user;
    const pw = login.password ? ` password ${literal(login.password)}` : '';
    if (user === APP_ROLE) {
      await exec(`alter role ${APP_ROLE} login${pw}`);
    } else {
      const exists = await query('select 1 from pg_roles where rolname = $1', [user]);
      if (exists.rowCount === 0) await exec(`create role ${ident(user)} login nosuperuser nobypassrls inherit${pw}`);
      else if (pw) await exec(`alter role ${ident(user)}${pw}`);
      await exec(`grant ${APP_ROLE} to ${ident(user)}`);
    }
  }

  await createOptionalExtensions(query, exec);
  await exec(`create schema if not exists app authorization ${OWNER_ROLE}`);
  await exec(`create schema if not exists app_meta authorization ${OWNER_ROLE}`);
  await exec(`revoke all on schema app, app_meta from public`);
  await exec(`revoke create on schema public from public`);
  await exec(`grant usage on schema app to ${APP_ROLE}, ${LOOKUP_ROLE}`);
  // ALTER FUNCTION ... OWNER TO converse_lookup needs CREATE on the schema for the new owner.
  await exec(`grant create on schema app to ${LOOKUP_ROLE}`);
  await exec(`alter default privileges for role ${OWNER_ROLE} revoke execute on functions from public`);
  await exec(`create table if not exists app_meta.schema_migrations (name text primary key, applied_at timestamptz not null default now())`);
  await exec(`alter table app_meta.schema_migrations owner to ${OWNER_ROLE}`);
}

/**
 * Extensions the schema uses when the server ships them (migrations check pg_extension and degrade):
 * btree_gin lets a GIN index lead with org_id (knowledge search); vector is pgvector. Created here, as
 * the admin, because migration files run as converse_owner, which may not create extensions. A failure
 * (e.g. a non-superuser admin) is rolled back to a savepoint instead of failing the migration.
 */
export const OPTIONAL_EXTENSIONS = ['btree_gin', 'vector'] as const;

async function createOptionalExtensions(query: RawQuery, exec: (sql: string) => Promise<void>): Promise<void> {
  for (const ext of OPTIONAL_EXTENSIONS) {
    const available = await query('select 1 from pg_available_extensions where name = $1', [ext]);
    if (available.rowCount === 0) continue;
    await exec('savepoint optional_extension');
    try {
      await exec(`create extension if not exists ${ext}`);
      await exec('release savepoint optional_extension');
    } catch {
      await exec('rollback to savepoint optional_extension');
    }
  }
}
