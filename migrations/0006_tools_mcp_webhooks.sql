-- HTTP tools, MCP servers and outbound webhook subscriptions (issue 4, part 2). Tenant tables per
-- ISOLATION.md: org_id leads every key, every reference between tenant tables is a composite
-- (org_id, ...) foreign key, RLS is enabled AND forced with the restrictive org boundary.
-- Secrets (secret tool header values, MCP headers, webhook signing secrets) are stored only as vault
-- ciphertext bound to (org, record id, field); nothing here ever holds plaintext.

create table app.tools (
  org_id uuid not null references app.organizations (org_id) on delete cascade,
  id uuid not null,
  -- The name a model calls the tool by: a function-name-safe identifier, unique in the org.
  name text not null check (name ~ '^[A-Za-z][A-Za-z0-9_-]{0,63}$'),
  description text not null default '' check (length(description) <= 2000),
  type text not null check (type in ('http', 'webhook')),
  -- JSON Schema (object) of the arguments, validated by src/features/tools/json-schema.ts.
  parameters jsonb not null check (jsonb_typeof(parameters) = 'object'),
  -- method, url, headers (plain values, or {secret: true, hint} markers), body, timeout_ms,
  -- max_response_bytes, response_mapping. Never a secret value.
  config jsonb not null check (jsonb_typeof(config) = 'object'),
  -- lower-cased header name → vault ciphertext (field "header:<name>", record = this tool).
  secret_headers jsonb not null default '{}' check (jsonb_typeof(secret_headers) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (org_id, name)
);
create index tools_org_created_idx on app.tools (org_id, created_at desc, id desc);

-- Which agent may call which tool. Deleting either side removes the assignment.
create table app.agent_tools (
  org_id uuid not null,
  agent_id uuid not null,
  tool_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (org_id, agent_id, tool_id),
  foreign key (org_id, agent_id) references app.agents (org_id, id) on delete cascade,
  foreign key (org_id, tool_id) references app.tools (org_id, id) on delete cascade
);
create index agent_tools_tool_idx on app.agent_tools (org_id, tool_id);

create table app.mcp_servers (
  org_id uuid not null references app.organizations (org_id) on delete cascade,
  id uuid not null,
  name text not null check (length(name) between 1 and 200),
  url text not null check (length(url) between 1 and 2048),
  transport text not null check (transport in ('streamable_http', 'sse')),
  -- Every MCP header is secret: header name → {secret: true, hint}; the values live only as vault
  -- ciphertext in secret_headers (lower-cased name → ciphertext, field "header:<name>", record = this server).
  headers jsonb not null default '{}' check (jsonb_typeof(headers) = 'object'),
  secret_headers jsonb not null default '{}' check (jsonb_typeof(secret_headers) = 'object'),
  last_refreshed_at timestamptz,
  -- Why the last refresh failed, in our own words (never the server's body, which may echo headers).
  last_error text check (length(last_error) <= 500),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (org_id, name)
);
create index mcp_servers_org_created_idx on app.mcp_servers (org_id, created_at desc, id desc);

-- The tools a server advertised at its last refresh (replaced wholesale on every refresh).
create table app.mcp_server_tools (
  org_id uuid not null,
  server_id uuid not null,
  name text not null check (length(name) between 1 and 128),
  description text not null default '' check (length(description) <= 4000),
  input_schema jsonb not null check (jsonb_typeof(input_schema) = 'object'),
  refreshed_at timestamptz not null default now(),
  primary key (org_id, server_id, name),
  foreign key (org_id, server_id) references app.mcp_servers (org_id, id) on delete cascade
);

create table app.agent_mcp_servers (
  org_id uuid not null,
  agent_id uuid not null,
  server_id uuid not null,
  -- NULL: every tool the server offers; otherwise only these names.
  allowed_tools text[] check (allowed_tools is null or cardinality(allowed_tools) <= 256),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, agent_id, server_id),
  foreign key (org_id, agent_id) references app.agents (org_id, id) on delete cascade,
  foreign key (org_id, server_id) references app.mcp_servers (org_id, id) on delete cascade
);
create index agent_mcp_servers_server_idx on app.agent_mcp_servers (org_id, server_id);

create table app.webhook_endpoints (
  org_id uuid not null references app.organizations (org_id) on delete cascade,
  id uuid not null,
  url text not null check (length(url) between 1 and 2048),
  events text[] not null check (cardinality(events) between 1 and 32),
  description text not null default '' check (length(description) <= 500),
  -- Vault ciphertext of the signing secret (field "signing_secret", record = this endpoint).
  secret_ciphertext text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id)
);
create index webhook_endpoints_org_created_idx on app.webhook_endpoints (org_id, created_at desc, id desc);
-- emitEvent finds the org's subscribers of one event type.
create index webhook_endpoints_events_idx on app.webhook_endpoints using gin (events);

create table app.webhook_deliveries (
  org_id uuid not null,
  id uuid not null,
  endpoint_id uuid not null,
  event_id uuid not null,
  event_type text not null check (length(event_type) between 1 and 100),
  -- The exact JSON document that is signed and sent (built by emitEvent; never carries secrets).
  payload jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'retrying', 'succeeded', 'failed')),
  attempts int not null default 0,
  response_status int,
  duration_ms int,
  last_error text check (length(last_error) <= 500),
  next_attempt_at timestamptz,
  delivered_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  foreign key (org_id, endpoint_id) references app.webhook_endpoints (org_id, id) on delete cascade
);
create index webhook_deliveries_endpoint_idx on app.webhook_deliveries (org_id, endpoint_id, created_at desc, id desc);

-- One row per delivery attempt: the retry and backoff history operators read.
create table app.webhook_delivery_attempts (
  org_id uuid not null,
  delivery_id uuid not null,
  attempt int not null check (attempt >= 1),
  response_status int,
  duration_ms int not null,
  error text check (length(error) <= 500),
  next_attempt_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (org_id, delivery_id, attempt),
  foreign key (org_id, delivery_id) references app.webhook_deliveries (org_id, id) on delete cascade
);

alter table app.tools enable row level security;
alter table app.tools force row level security;
create policy org_boundary on app.tools as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.tools as permissive for all to public using (true) with check (true);

alter table app.agent_tools enable row level security;
alter table app.agent_tools force row level security;
create policy org_boundary on app.agent_tools as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.agent_tools as permissive for all to public using (true) with check (true);

alter table app.mcp_servers enable row level security;
alter table app.mcp_servers force row level security;
create policy org_boundary on app.mcp_servers as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.mcp_servers as permissive for all to public using (true) with check (true);

alter table app.mcp_server_tools enable row level security;
alter table app.mcp_server_tools force row level security;
create policy org_boundary on app.mcp_server_tools as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.mcp_server_tools as permissive for all to public using (true) with check (true);

alter table app.agent_mcp_servers enable row level security;
alter table app.agent_mcp_servers force row level security;
create policy org_boundary on app.agent_mcp_servers as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.agent_mcp_servers as permissive for all to public using (true) with check (true);

alter table app.webhook_endpoints enable row level security;
alter table app.webhook_endpoints force row level security;
create policy org_boundary on app.webhook_endpoints as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.webhook_endpoints as permissive for all to public using (true) with check (true);

alter table app.webhook_deliveries enable row level security;
alter table app.webhook_deliveries force row level security;
create policy org_boundary on app.webhook_deliveries as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.webhook_deliveries as permissive for all to public using (true) with check (true);

alter table app.webhook_delivery_attempts enable row level security;
alter table app.webhook_delivery_attempts force row level security;
create policy org_boundary on app.webhook_delivery_attempts as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.webhook_delivery_attempts as permissive for all to public using (true) with check (true);

grant select, insert, update, delete on app.tools, app.agent_tools, app.mcp_servers, app.mcp_server_tools,
  app.agent_mcp_servers, app.webhook_endpoints, app.webhook_deliveries, app.webhook_delivery_attempts to converse_app;
