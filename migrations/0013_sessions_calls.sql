-- Sessions and calls (issue 13). A session IS a call: every conversation (a text session through the
-- API now; widget, SMS, WhatsApp and voice later) is one row of app.calls with its transcript, tool
-- calls, knowledge hits and per-turn latency in child tables. Tenant tables per ISOLATION.md: org_id
-- leads every key, every reference is a composite (org_id, ...) foreign key, RLS is enabled AND forced
-- with the restrictive org boundary. Nothing here holds a secret: the context snapshot carries tool
-- definitions and provider ids only, tool-call arguments are stored after scrubbing.

create table app.calls (
  org_id uuid not null references app.organizations (org_id) on delete cascade,
  id uuid not null,
  -- The agent / flow the session started with. Deleting them keeps the call (history), with the
  -- reference cleared (SET NULL on the id column only: org_id must never be nulled).
  agent_id uuid,
  flow_id uuid,
  -- Campaigns come with a later issue; the column is here so GET /calls can filter on it already.
  campaign_id uuid,
  channel text not null check (channel in ('text', 'web', 'voice', 'sms', 'whatsapp')),
  mode text not null default 'live' check (mode in ('live', 'test')),
  status text not null default 'active' check (status in ('active', 'ended', 'escalated')),
  direction text not null default 'inbound' check (direction in ('inbound', 'outbound')),
  from_number text check (length(from_number) <= 64),
  to_number text check (length(to_number) <= 64),
  -- The flow engine's JSON state (src/pipeline/types.ts EngineState) and its optimistic-concurrency
  -- version: every turn writes `where version = $expected` and a stale writer re-reads and retries.
  state jsonb not null check (jsonb_typeof(state) = 'object'),
  version integer not null default 1 check (version >= 1),
  -- The frozen SessionContext built at start (src/pipeline/context/): any process continues the
  -- session from it, without re-reading the configuration. No secrets.
  context jsonb not null check (jsonb_typeof(context) = 'object'),
  variables jsonb not null default '{}' check (jsonb_typeof(variables) = 'object'),
  -- transfer / send_message / schedule_callback / handoff recorded as actions of the call (text
  -- sessions and test mode never make the provider request).
  actions jsonb not null default '[]' check (jsonb_typeof(actions) = 'array'),
  turns integer not null default 0 check (turns >= 0),
  outcome text check (length(outcome) <= 200),
  ended_reason text check (length(ended_reason) <= 64),
  started_at timestamptz not null default now(),
  ended_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  foreign key (org_id, agent_id) references app.agents (org_id, id) on delete set null (agent_id),
  foreign key (org_id, flow_id) references app.flows (org_id, id) on delete set null (flow_id)
);
create index calls_org_created_idx on app.calls (org_id, created_at desc, id desc);
create index calls_agent_idx on app.calls (org_id, agent_id) where agent_id is not null;
create index calls_flow_idx on app.calls (org_id, flow_id) where flow_id is not null;

-- The transcript, in order.
create table app.call_messages (
  org_id uuid not null,
  call_id uuid not null,
  seq integer not null check (seq >= 0),
  role text not null check (role in ('caller', 'agent', 'system', 'human')),
  text text not null check (length(text) <= 32000),
  at timestamptz not null,
  interrupted boolean not null default false,
  node_id text check (length(node_id) <= 128),
  agent_id uuid,
  turn integer not null default 0,
  primary key (org_id, call_id, seq),
  foreign key (org_id, call_id) references app.calls (org_id, id) on delete cascade
);

-- Tool calls (HTTP tools, MCP tools, knowledge search, built-in actions). Arguments are stored after
-- the secret scrubber; never a credential or a response body that echoes one.
create table app.call_tool_calls (
  org_id uuid not null,
  call_id uuid not null,
  seq integer not null check (seq >= 0),
  turn integer not null default 0,
  kind text not null check (kind in ('http', 'mcp', 'knowledge', 'builtin', 'flow_api_call')),
  name text not null check (length(name) between 1 and 200),
  tool_id text check (length(tool_id) <= 200),
  arguments jsonb not null default '{}',
  status text not null check (status in ('ok', 'error', 'rejected')),
  latency_ms integer not null default 0 check (latency_ms >= 0),
  error text check (length(error) <= 500),
  at timestamptz not null,
  primary key (org_id, call_id, seq),
  foreign key (org_id, call_id) references app.calls (org_id, id) on delete cascade
);

-- Passages the session's knowledge search returned. No foreign key to the document: the hit stays a
-- fact of the call after the document is deleted.
create table app.call_knowledge_hits (
  org_id uuid not null,
  call_id uuid not null,
  seq integer not null check (seq >= 0),
  turn integer not null default 0,
  document_id uuid not null,
  chunk_id uuid not null,
  score double precision not null,
  at timestamptz not null,
  primary key (org_id, call_id, seq),
  foreign key (org_id, call_id) references app.calls (org_id, id) on delete cascade
);

-- Latency marks per turn (RUNTIME.md "What to measure"), in milliseconds.
create table app.call_turns (
  org_id uuid not null,
  call_id uuid not null,
  turn integer not null check (turn >= 0),
  engine_ms double precision not null default 0,
  db_ms double precision not null default 0,
  model_ttft_ms double precision,
  tool_ms double precision not null default 0,
  total_ms double precision not null default 0,
  at timestamptz not null,
  primary key (org_id, call_id, turn),
  foreign key (org_id, call_id) references app.calls (org_id, id) on delete cascade
);

alter table app.calls enable row level security;
alter table app.calls force row level security;
create policy org_boundary on app.calls as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.calls as permissive for all to public using (true) with check (true);

alter table app.call_messages enable row level security;
alter table app.call_messages force row level security;
create policy org_boundary on app.call_messages as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.call_messages as permissive for all to public using (true) with check (true);

alter table app.call_tool_calls enable row level security;
alter table app.call_tool_calls force row level security;
create policy org_boundary on app.call_tool_calls as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.call_tool_calls as permissive for all to public using (true) with check (true);

alter table app.call_knowledge_hits enable row level security;
alter table app.call_knowledge_hits force row level security;
create policy org_boundary on app.call_knowledge_hits as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.call_knowledge_hits as permissive for all to public using (true) with check (true);

alter table app.call_turns enable row level security;
alter table app.call_turns force row level security;
create policy org_boundary on app.call_turns as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.call_turns as permissive for all to public using (true) with check (true);

grant select, insert, update, delete on app.calls, app.call_messages, app.call_tool_calls, app.call_knowledge_hits, app.call_turns to converse_app;
