-- Escalations (issue 15): the human side of a human_handoff. A handoff (flow node, the agent's
-- built-in tool, or a caller asking for a person) puts the session in its organization's queue; support
-- agents claim it, write into it, release it back to the agent or close it. Written by the session
-- runtime in the same transaction as the turn that handed off. Tenant table per ISOLATION.md: org_id
-- leads every key, the call reference is a composite (org_id, call_id) foreign key, RLS enabled AND
-- forced with the restrictive org boundary. Holds no transcript (that stays on the call) and no secret.

create table app.escalations (
  org_id uuid not null references app.organizations (org_id) on delete cascade,
  id uuid not null,
  call_id uuid not null,
  status text not null default 'waiting' check (status in ('waiting', 'claimed', 'closed')),
  queue text not null default 'default' check (length(queue) between 1 and 100),
  reason text check (length(reason) <= 500),
  -- Who holds it (a user or an API key of the org, like the audit trail's actor); kept after it closes.
  claimed_by_type text check (claimed_by_type in ('user', 'api_key')),
  claimed_by uuid,
  claimed_at timestamptz,
  -- How it ended: given back to the agent, closed by a person, the caller hung up, or the session
  -- ended some other way (max_duration, a call deleted mid-way is a cascade, not a reason).
  closed_reason text check (closed_reason in ('released', 'closed', 'caller_hangup', 'session_ended')),
  closed_by_type text check (closed_by_type in ('user', 'api_key')),
  closed_by uuid,
  closed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  foreign key (org_id, call_id) references app.calls (org_id, id) on delete cascade,
  check ((claimed_by is null) = (claimed_by_type is null)),
  check ((closed_by is null) = (closed_by_type is null)),
  check (status <> 'claimed' or claimed_by is not null),
  check ((status = 'closed') = (closed_reason is not null))
);
-- One open escalation per call.
create unique index escalations_open_call_idx on app.escalations (org_id, call_id) where status <> 'closed';
-- The queue: by status, newest first (keyset pagination on (created_at, id)).
create index escalations_org_status_idx on app.escalations (org_id, status, created_at desc, id desc);
create index escalations_org_created_idx on app.escalations (org_id, created_at desc, id desc);

alter table app.escalations enable row level security;
alter table app.escalations force row level security;
create policy org_boundary on app.escalations as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.escalations as permissive for all to public using (true) with check (true);

grant select, insert, update, delete on app.escalations to converse_app;
