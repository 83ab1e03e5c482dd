-- Agents and flows (issue 3). Tenant tables per ISOLATION.md: org_id leads every key, the agent → flow
-- reference is a composite (org_id, flow_id) foreign key, RLS is enabled AND forced with the restrictive
-- org boundary. Later migrations reference app.agents (org_id, id) and app.flows (org_id, id): keep both keys.

create table app.flows (
  org_id uuid not null references app.organizations (org_id) on delete cascade,
  id uuid not null,
  name text not null check (length(name) between 1 and 200),
  -- The graph as validated by src/features/flows/validate-flow.ts; the database only checks the shape.
  nodes jsonb not null default '[]' check (jsonb_typeof(nodes) = 'array'),
  edges jsonb not null default '[]' check (jsonb_typeof(edges) = 'array'),
  variables jsonb not null default '[]' check (jsonb_typeof(variables) = 'array'),
  -- Bumped on every change, so sessions and audit entries can say which revision they used.
  version integer not null default 1 check (version >= 1),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id)
);
create index flows_org_created_idx on app.flows (org_id, created_at desc, id desc);

create table app.agents (
  org_id uuid not null references app.organizations (org_id) on delete cascade,
  id uuid not null,
  name text not null check (length(name) between 1 and 200),
  system_prompt text not null default '' check (length(system_prompt) <= 32000),
  -- NULL: the platform's default model.
  llm_model text check (length(llm_model) between 1 and 200),
  -- BCP 47, canonicalized by the service (en-in → en-IN); the check only bounds it.
  language text not null default 'en-US' check (length(language) between 2 and 64),
  greeting text check (length(greeting) <= 4000),
  voice text check (length(voice) between 1 and 200),
  flow_id uuid,
  settings jsonb not null default '{}' check (jsonb_typeof(settings) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  -- Composite: an agent can only name a flow of its own org. Deleting the flow detaches it from the
  -- agent (SET NULL on flow_id only: org_id must never be nulled), see docs/api.md.
  foreign key (org_id, flow_id) references app.flows (org_id, id) on delete set null (flow_id)
);
create index agents_org_created_idx on app.agents (org_id, created_at desc, id desc);
-- Serves the FK's SET NULL on flow delete and "which agents use this flow".
create index agents_flow_idx on app.agents (org_id, flow_id) where flow_id is not null;

alter table app.flows enable row level security;
alter table app.flows force row level security;
create policy org_boundary on app.flows as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.flows as permissive for all to public using (true) with check (true);

alter table app.agents enable row level security;
alter table app.agents force row level security;
create policy org_boundary on app.agents as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.agents as permissive for all to public using (true) with check (true);

grant select, insert, update, delete on app.flows, app.agents to converse_app;
