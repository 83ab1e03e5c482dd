-- Campaigns (issue 17): outbound voice calls run many times under rules. Three tenant tables per
-- ISOLATION.md: org_id leads every key, every reference is a composite (org_id, ...) foreign key, RLS is
-- enabled AND forced with the restrictive org boundary.
--
-- The dialing engine (src/pipeline/campaigns/) claims due contacts inside each org's own transaction
-- (FOR UPDATE SKIP LOCKED, campaign row locked while its slots are counted, so max_concurrency holds
-- across any number of workers). Its only cross-org door is app.campaign_work_orgs(): which orgs have
-- campaign work at all (org ids only).

create table app.campaigns (
  org_id uuid not null references app.organizations (org_id) on delete cascade,
  id uuid not null,
  name text not null check (length(name) between 1 and 200),
  -- What talks (one of them) and through which phone line. Deleting them keeps the campaign with the
  -- reference cleared; such a campaign cannot start and the engine dials none of its contacts.
  agent_id uuid,
  flow_id uuid,
  channel_id uuid,
  timezone text not null check (length(timezone) between 1 and 64),
  -- {days: [1-7] (ISO, 1 = Monday), start: "HH:MM", end: "HH:MM"}, validated by the API.
  calling_window jsonb not null check (jsonb_typeof(calling_window) = 'object'),
  -- ISO 3166 country for numbers written without +country code (CSV imports); null: the channel's country.
  default_region text check (default_region ~ '^[A-Z]{2}$'),
  max_concurrency integer not null default 1 check (max_concurrency between 1 and 1000),
  max_attempts integer not null default 3 check (max_attempts between 1 and 20),
  retry_delay_seconds integer not null default 3600 check (retry_delay_seconds between 0 and 2592000),
  retry_on text[] not null default '{no_answer,busy,failed}'
    check (retry_on <@ array['no_answer', 'busy', 'failed', 'voicemail']::text[]),
  status text not null default 'draft' check (status in ('draft', 'running', 'paused', 'completed', 'cancelled')),
  started_at timestamptz,
  finished_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  foreign key (org_id, agent_id) references app.agents (org_id, id) on delete set null (agent_id),
  foreign key (org_id, flow_id) references app.flows (org_id, id) on delete set null (flow_id),
  foreign key (org_id, channel_id) references app.channels (org_id, id) on delete set null (channel_id),
  check (agent_id is null or flow_id is null)
);
create index campaigns_org_created_idx on app.campaigns (org_id, created_at desc, id desc);
-- The engine's door scans running campaigns only.
create index campaigns_running_idx on app.campaigns (org_id) where status = 'running';

create table app.campaign_contacts (
  org_id uuid not null,
  campaign_id uuid not null,
  id uuid not null,
  phone text not null check (phone ~ '^\+[1-9][0-9]{2,17}$'),
  name text check (length(name) <= 200),
  -- IANA zone: given, else derived from the number where its country has one zone; null → the campaign's.
  timezone text check (length(timezone) <= 64),
  -- The other CSV columns / JSON fields: {{variables}} of the call.
  data jsonb not null default '{}' check (jsonb_typeof(data) = 'object'),
  status text not null default 'pending'
    check (status in ('pending', 'dialing', 'completed', 'failed', 'opted_out', 'skipped', 'cancelled')),
  attempts integer not null default 0 check (attempts >= 0),
  -- Due from this instant (retry delay, next calling window); the claim takes due pending contacts.
  next_attempt_at timestamptz not null default now(),
  -- The engine's claim (status 'dialing'): who holds it and until when, and the attempt it dials. A claim
  -- whose worker died before an attempt existed is taken back after claimed_until.
  claimed_by text check (length(claimed_by) <= 100),
  claimed_until timestamptz,
  current_attempt_id uuid,
  last_outcome text check (length(last_outcome) <= 32),
  last_attempt_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, campaign_id, id),
  foreign key (org_id, campaign_id) references app.campaigns (org_id, id) on delete cascade
);
-- One contact per number per campaign: a duplicate in an import is rejected by this index.
create unique index campaign_contacts_phone_idx on app.campaign_contacts (org_id, campaign_id, phone);
create index campaign_contacts_due_idx on app.campaign_contacts (org_id, campaign_id, next_attempt_at) where status = 'pending';
create index campaign_contacts_dialing_idx on app.campaign_contacts (org_id, campaign_id) where status = 'dialing';
create index campaign_contacts_list_idx on app.campaign_contacts (org_id, campaign_id, created_at desc, id desc);

create table app.campaign_attempts (
  org_id uuid not null,
  campaign_id uuid not null,
  contact_id uuid not null,
  id uuid not null,
  -- 1-based per contact; the unique key is what makes a second dial of the same attempt impossible.
  attempt_no integer not null check (attempt_no between 1 and 20),
  -- Sent to the provider where it takes one; committed before the provider request.
  idempotency_key text not null check (length(idempotency_key) between 1 and 200),
  call_id uuid,
  provider_call_id text check (length(provider_call_id) <= 200),
  -- dialing: committed, the provider request may be in flight · placed: the provider took it ·
  -- ended: the outcome is known (from the call row, or failed after the stuck timeout).
  status text not null default 'dialing' check (status in ('dialing', 'placed', 'ended')),
  outcome text check (outcome in ('completed', 'no_answer', 'busy', 'failed', 'voicemail', 'opt_out')),
  error text check (length(error) <= 300),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  ended_at timestamptz,
  primary key (org_id, id),
  unique (org_id, campaign_id, contact_id, attempt_no),
  unique (org_id, idempotency_key),
  foreign key (org_id, campaign_id, contact_id) references app.campaign_contacts (org_id, campaign_id, id) on delete cascade,
  foreign key (org_id, call_id) references app.calls (org_id, id) on delete set null (call_id),
  check ((status = 'ended') = (outcome is not null))
);
create index campaign_attempts_open_idx on app.campaign_attempts (org_id, created_at) where status <> 'ended';
create index campaign_attempts_campaign_idx on app.campaign_attempts (org_id, campaign_id);

alter table app.campaigns enable row level security;
alter table app.campaigns force row level security;
create policy org_boundary on app.campaigns as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.campaigns as permissive for all to public using (true) with check (true);

alter table app.campaign_contacts enable row level security;
alter table app.campaign_contacts force row level security;
create policy org_boundary on app.campaign_contacts as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.campaign_contacts as permissive for all to public using (true) with check (true);

alter table app.campaign_attempts enable row level security;
alter table app.campaign_attempts force row level security;
create policy org_boundary on app.campaign_attempts as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.campaign_attempts as permissive for all to public using (true) with check (true);

grant select, insert, update, delete on app.campaigns, app.campaign_contacts, app.campaign_attempts to converse_app;

-- calls.campaign_id (migration 0013) becomes a composite reference like every other. Adding it checks
-- the existing rows with one query, which the forced org boundary would refuse (no org context in a
-- migration): the boundary is lifted for the two tables only inside this migration's transaction and
-- forced again before it commits (as in 0014). Deleting a campaign keeps its calls (history).
alter table app.calls no force row level security;
alter table app.campaigns no force row level security;
alter table app.calls
  add constraint calls_campaign_fk foreign key (org_id, campaign_id) references app.campaigns (org_id, id) on delete set null (campaign_id);
create index calls_campaign_idx on app.calls (org_id, campaign_id) where campaign_id is not null;
alter table app.calls force row level security;
alter table app.campaigns force row level security;

-- A person who says on a campaign call that they do not want to be called again (outcome opt_out).
alter table app.dnc drop constraint dnc_source_check;
alter table app.dnc add constraint dnc_source_check check (source in ('manual', 'sms_opt_out', 'whatsapp_opt_out', 'voice_opt_out'));

-- The engine's cross-org door: orgs with a running campaign or an attempt still open (ids only). Each
-- worker then claims, dials and reconciles inside that org's own transaction. Random order spreads
-- several workers over the orgs.
create function app.campaign_work_orgs(p_limit int)
  returns table (org_id uuid)
  language sql volatile security definer set search_path = pg_catalog, pg_temp as $$
  select w.org_id from (
    select c.org_id from app.campaigns c where c.status = 'running'
    union
    select a.org_id from app.campaign_attempts a where a.status <> 'ended'
  ) w
  order by random()
  limit least(greatest(p_limit, 1), 10000)
$$;

grant select (org_id, status) on app.campaigns to converse_lookup;
grant select (org_id, status) on app.campaign_attempts to converse_lookup;
alter function app.campaign_work_orgs(int) owner to converse_lookup;
revoke all on function app.campaign_work_orgs(int) from public;
grant execute on function app.campaign_work_orgs(int) to converse_app;
