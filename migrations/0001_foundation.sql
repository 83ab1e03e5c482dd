-- Foundation: tenancy helpers, organizations, users, memberships, sessions, invites, API keys, audit log.
-- Runs as converse_owner (see src/platform/db/migrate.ts). Every tenant table follows ISOLATION.md:
-- org_id leads the primary key, foreign keys carry org_id, RLS is enabled AND forced with a restrictive
-- org policy (USING + WITH CHECK).

-- Fail closed: a missing context raises; it never yields NULL (which would make policies silently empty).
create function app.current_org_id() returns uuid
  language plpgsql stable security invoker set search_path = pg_catalog as $$
declare
  v text := current_setting('app.org_id', true);
begin
  if v is null or v = '' then
    raise exception 'organization context required' using errcode = '42501';
  end if;
  return v::uuid;
end $$;

-- The acting user, or NULL for API keys and system work. Not an isolation boundary: never used alone in a policy.
create function app.current_user_id() returns uuid
  language sql stable security invoker set search_path = pg_catalog as $$
  select nullif(current_setting('app.user_id', true), '')::uuid
$$;

create table app.organizations (
  org_id uuid primary key,
  name text not null check (length(name) between 1 and 200),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Global (not tenant) table: a person may belong to several organizations. Visible only to themself and
-- to organizations they are a member of; login looks users up through app.auth_find_user().
create table app.users (
  id uuid primary key,
  email text not null check (email = lower(email) and length(email) between 3 and 320),
  password_hash text,
  name text not null check (length(name) between 1 and 200),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index users_email_key on app.users (email);

create table app.memberships (
  org_id uuid not null references app.organizations (org_id) on delete cascade,
  user_id uuid not null references app.users (id) on delete cascade,
  role text not null check (role in ('owner', 'admin', 'member', 'support_agent', 'viewer')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, user_id)
);
create index memberships_user_idx on app.memberships (user_id);

-- A login session: the family of rotating refresh tokens. Access tokens carry its id (sid), so logout and
-- reuse detection end the session for access tokens too, not only for refresh.
create table app.auth_sessions (
  org_id uuid not null references app.organizations (org_id) on delete cascade,
  id uuid not null,
  user_id uuid not null,
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  revoked_reason text,
  primary key (org_id, id),
  foreign key (org_id, user_id) references app.memberships (org_id, user_id) on delete cascade
);

create table app.refresh_tokens (
  org_id uuid not null,
  id uuid not null,
  session_id uuid not null,
  token_hash text not null,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (org_id, token_hash),
  foreign key (org_id, session_id) references app.auth_sessions (org_id, id) on delete cascade
);
create index refresh_tokens_hash_idx on app.refresh_tokens (token_hash);

create table app.invites (
  org_id uuid not null references app.organizations (org_id) on delete cascade,
  id uuid not null,
  email text not null check (email = lower(email)),
  role text not null check (role in ('admin', 'member', 'support_agent', 'viewer', 'owner')),
  token_hash text not null,
  invited_by uuid,
  expires_at timestamptz not null,
  accepted_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (org_id, token_hash)
);
create index invites_hash_idx on app.invites (token_hash);

create table app.api_keys (
  org_id uuid not null references app.organizations (org_id) on delete cascade,
  id uuid not null,
  name text not null check (length(name) between 1 and 200),
  role text not null check (role in ('admin', 'member', 'support_agent', 'viewer')),
  prefix text not null,
  key_hash text not null,
  created_by uuid,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  primary key (org_id, id),
  unique (org_id, key_hash)
);
create index api_keys_hash_idx on app.api_keys (key_hash);

-- Append-only: the app role gets SELECT and INSERT only (see grants below). No FK to organizations so the
-- trail outlives the rows it describes.
create table app.audit_log (
  org_id uuid not null,
  id uuid not null default gen_random_uuid(),
  actor_type text not null check (actor_type in ('user', 'api_key', 'system', 'anonymous')),
  actor_id uuid,
  action text not null,
  target_type text,
  target_id text,
  before jsonb,
  after jsonb,
  ip text,
  request_id text,
  created_at timestamptz not null default clock_timestamp(),
  primary key (org_id, id)
);
create index audit_log_org_created_idx on app.audit_log (org_id, created_at desc, id desc);

-- Messages the platform owes someone (invitations today). No mailer ships; docs/operations.md explains.
create table app.outbox (
  org_id uuid not null references app.organizations (org_id) on delete cascade,
  id uuid not null,
  kind text not null,
  recipient text not null,
  payload jsonb not null,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  primary key (org_id, id)
);

-- Row-level security: the restrictive org boundary on every tenant table, permissive rules on top.
alter table app.organizations enable row level security;
alter table app.organizations force row level security;
create policy org_boundary on app.organizations as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.organizations as permissive for all to public using (true) with check (true);

alter table app.memberships enable row level security;
alter table app.memberships force row level security;
create policy org_boundary on app.memberships as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.memberships as permissive for all to public using (true) with check (true);

alter table app.auth_sessions enable row level security;
alter table app.auth_sessions force row level security;
create policy org_boundary on app.auth_sessions as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.auth_sessions as permissive for all to public using (true) with check (true);

alter table app.refresh_tokens enable row level security;
alter table app.refresh_tokens force row level security;
create policy org_boundary on app.refresh_tokens as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.refresh_tokens as permissive for all to public using (true) with check (true);

alter table app.invites enable row level security;
alter table app.invites force row level security;
create policy org_boundary on app.invites as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.invites as permissive for all to public using (true) with check (true);

alter table app.api_keys enable row level security;
alter table app.api_keys force row level security;
create policy org_boundary on app.api_keys as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.api_keys as permissive for all to public using (true) with check (true);

alter table app.audit_log enable row level security;
alter table app.audit_log force row level security;
create policy org_boundary on app.audit_log as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.audit_log as permissive for all to public using (true) with check (true);

alter table app.outbox enable row level security;
alter table app.outbox force row level security;
create policy org_boundary on app.outbox as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.outbox as permissive for all to public using (true) with check (true);

alter table app.users enable row level security;
alter table app.users force row level security;
create policy users_visible on app.users for select
  using (id = (select app.current_user_id())
         or exists (select 1 from app.memberships m where m.user_id = users.id));
create policy users_insert on app.users for insert with check (true);
create policy users_update_self on app.users for update
  using (id = (select app.current_user_id())) with check (id = (select app.current_user_id()));

grant select, insert, update, delete on app.organizations, app.memberships, app.auth_sessions,
  app.refresh_tokens, app.invites, app.api_keys, app.outbox to converse_app;
grant select, insert, update on app.users to converse_app;
grant select, insert on app.audit_log to converse_app;
grant execute on function app.current_org_id(), app.current_user_id() to converse_app;

-- Named cross-org doors (the reviewed allow-list; see docs/security.md). Each is SECURITY DEFINER owned by
-- converse_lookup (BYPASSRLS, column-level SELECT only), has a fixed search_path, EXECUTE revoked from
-- PUBLIC, and returns ids (plus, for login, the password hash) — never tenant rows.
create function app.auth_find_user(p_email text) returns table (user_id uuid, password_hash text)
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select u.id, u.password_hash from app.users u where u.email = lower(p_email)
$$;
create function app.auth_user_orgs(p_user_id uuid) returns table (org_id uuid)
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select m.org_id from app.memberships m where m.user_id = p_user_id order by m.created_at, m.org_id
$$;
create function app.auth_resolve_refresh_token(p_hash text) returns table (org_id uuid, token_id uuid)
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select t.org_id, t.id from app.refresh_tokens t where t.token_hash = p_hash
$$;
create function app.auth_resolve_api_key(p_hash text) returns table (org_id uuid, key_id uuid)
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select k.org_id, k.id from app.api_keys k where k.key_hash = p_hash and k.revoked_at is null
$$;
create function app.auth_resolve_invite(p_hash text) returns table (org_id uuid, invite_id uuid)
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select i.org_id, i.id from app.invites i where i.token_hash = p_hash
$$;

grant select (id, email, password_hash) on app.users to converse_lookup;
grant select (org_id, user_id, created_at) on app.memberships to converse_lookup;
grant select (org_id, id, token_hash) on app.refresh_tokens to converse_lookup;
grant select (org_id, id, key_hash, revoked_at) on app.api_keys to converse_lookup;
grant select (org_id, id, token_hash) on app.invites to converse_lookup;

do $$
declare f text;
begin
  foreach f in array array['app.auth_find_user(text)', 'app.auth_user_orgs(uuid)',
                           'app.auth_resolve_refresh_token(text)', 'app.auth_resolve_api_key(text)',
                           'app.auth_resolve_invite(text)'] loop
    execute format('alter function %s owner to converse_lookup', f);
    execute format('revoke all on function %s from public', f);
    execute format('grant execute on function %s to converse_app', f);
  end loop;
end $$;
