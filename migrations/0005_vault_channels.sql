-- Secrets vault storage, channels, and inbound provider webhook events (issue 4).
-- Tenant tables per ISOLATION.md: org_id leads every key, references between tenant tables are composite
-- (org_id, ...) foreign keys, RLS is enabled AND forced with the restrictive org boundary.

-- Per-org data keys (DEKs), stored only wrapped by a master key that never enters the database
-- (src/platform/vault/dek.ts). The newest row of an org is its active key. Deleting the organization
-- deletes its keys (crypto-shredding: its ciphertexts can no longer be decrypted).
create table app.org_data_keys (
  org_id uuid not null references app.organizations (org_id) on delete cascade,
  id uuid not null,
  master_key_id text not null check (master_key_id ~ '^[A-Za-z0-9_-]{1,64}$'),
  -- `w1.` + base64url(nonce || wrapped key || tag): 3 + 80 characters.
  wrapped text not null check (wrapped ~ '^w1\.[A-Za-z0-9_-]{80}$'),
  -- clock_timestamp, not now(): two keys created in one transaction must still order.
  created_at timestamptz not null default clock_timestamp(),
  rewrapped_at timestamptz,
  primary key (org_id, id)
);
create index org_data_keys_active_idx on app.org_data_keys (org_id, created_at desc, id desc);

create table app.channels (
  org_id uuid not null references app.organizations (org_id) on delete cascade,
  id uuid not null,
  name text not null check (length(name) between 1 and 200),
  type text not null check (type in ('voice', 'sms', 'whatsapp', 'web')),
  provider text not null check (provider in ('twilio', 'plivo', 'exotel', 'meta', 'web')),
  -- Field name → vault ciphertext `v1.<dek>.<nonce>.<ct>`. The AAD binds org, this channel id and the
  -- field name, so a value copied to another row, field or org fails to decrypt. Never plaintext.
  credentials jsonb not null default '{}' check (jsonb_typeof(credentials) = 'object'),
  -- `...` + last 4 characters of the provider's NON-secret account id (shown in responses).
  credentials_hint text check (length(credentials_hint) <= 16),
  phone_number text check (phone_number ~ '^\+[1-9][0-9]{6,14}$'),
  agent_id uuid,
  flow_id uuid,
  allowed_origins text[] not null default '{}' check (cardinality(allowed_origins) <= 50),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  check (agent_id is null or flow_id is null),
  check ((type = 'web') = (provider = 'web')),
  -- No ON DELETE: deleting an agent or flow a channel routes to fails (the agents/flows services answer
  -- 409 "still in use") instead of silently leaving a channel that answers nobody.
  foreign key (org_id, agent_id) references app.agents (org_id, id),
  foreign key (org_id, flow_id) references app.flows (org_id, id)
);
create index channels_org_created_idx on app.channels (org_id, created_at desc, id desc);
create index channels_agent_idx on app.channels (org_id, agent_id) where agent_id is not null;
create index channels_flow_idx on app.channels (org_id, flow_id) where flow_id is not null;
-- Serves app.resolve_channel_org (the webhook door): ids are random, so this is not a unique index
-- (a global unique value would be an existence oracle; the door refuses ambiguous ids instead).
create index channels_id_idx on app.channels (id);

-- Accepted inbound provider callbacks. Recording only for now: sessions and calls consume them later.
create table app.channel_events (
  org_id uuid not null,
  id uuid not null,
  channel_id uuid not null,
  provider text not null,
  event_type text not null check (length(event_type) between 1 and 64),
  external_id text check (length(external_id) <= 200),
  payload jsonb not null,
  received_at timestamptz not null default clock_timestamp(),
  primary key (org_id, id),
  foreign key (org_id, channel_id) references app.channels (org_id, id) on delete cascade
);
create index channel_events_channel_idx on app.channel_events (org_id, channel_id, received_at desc);

-- The database-backed webhook replay guard: a key is inserted in the same transaction that records the
-- event, so a unique conflict on (org_id, key) is a replay and a rolled-back event frees its key.
create table app.webhook_replay_keys (
  org_id uuid not null,
  key text not null check (length(key) between 1 and 300),
  channel_id uuid not null,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  primary key (org_id, key),
  foreign key (org_id, channel_id) references app.channels (org_id, id) on delete cascade
);
create index webhook_replay_keys_expiry_idx on app.webhook_replay_keys (org_id, expires_at);
create index webhook_replay_keys_channel_idx on app.webhook_replay_keys (org_id, channel_id);

alter table app.org_data_keys enable row level security;
alter table app.org_data_keys force row level security;
create policy org_boundary on app.org_data_keys as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.org_data_keys as permissive for all to public using (true) with check (true);

alter table app.channels enable row level security;
alter table app.channels force row level security;
create policy org_boundary on app.channels as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.channels as permissive for all to public using (true) with check (true);

alter table app.channel_events enable row level security;
alter table app.channel_events force row level security;
create policy org_boundary on app.channel_events as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.channel_events as permissive for all to public using (true) with check (true);

alter table app.webhook_replay_keys enable row level security;
alter table app.webhook_replay_keys force row level security;
create policy org_boundary on app.webhook_replay_keys as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.webhook_replay_keys as permissive for all to public using (true) with check (true);

-- Data keys: never deleted by the app (only the organization's deletion cascades), and only the wrapping
-- may change (re-wrap under a new master key).
grant select, insert on app.org_data_keys to converse_app;
grant update (master_key_id, wrapped, rewrapped_at) on app.org_data_keys to converse_app;
grant select, insert, update, delete on app.channels, app.webhook_replay_keys to converse_app;
grant select, insert, delete on app.channel_events to converse_app;

-- Named cross-org doors (docs/security.md "Cross-org doors"): owned by converse_lookup, fixed search_path,
-- EXECUTE revoked from PUBLIC, ids only.

-- Inbound provider webhooks carry no credential: the org comes from the channel id in the URL. Returns
-- at most two org ids so the caller can refuse an (astronomically unlikely) ambiguous id.
create function app.resolve_channel_org(p_channel_id uuid) returns setof uuid
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select c.org_id from app.channels c where c.id = p_channel_id limit 2
$$;

-- `converse keys rotate --rewrap`: the orgs that own data keys. The operator command then reads and
-- re-wraps each org's keys under withOrg for that org; no key row crosses this door.
create function app.vault_key_orgs() returns setof uuid
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select distinct k.org_id from app.org_data_keys k order by 1
$$;

grant select (org_id, id) on app.channels to converse_lookup;
grant select (org_id) on app.org_data_keys to converse_lookup;

do $$
declare f text;
begin
  foreach f in array array['app.resolve_channel_org(uuid)', 'app.vault_key_orgs()'] loop
    execute format('alter function %s owner to converse_lookup', f);
    execute format('revoke all on function %s from public', f);
    execute format('grant execute on function %s to converse_app', f);
  end loop;
end $$;
