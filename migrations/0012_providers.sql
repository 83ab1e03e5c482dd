-- AI and speech providers (issue 13): an org's model and speech accounts, and the agent fields that
-- use them. Tenant table per ISOLATION.md: org_id leads the key, references are composite
-- (org_id, ...) foreign keys, RLS is enabled AND forced with the restrictive org boundary.

create table app.providers (
  org_id uuid not null references app.organizations (org_id) on delete cascade,
  id uuid not null,
  name text not null check (length(name) between 1 and 200),
  kind text not null check (kind in ('openai', 'openai_compatible', 'google', 'anthropic', 'deepgram', 'elevenlabs', 'openai_speech')),
  -- NULL: the provider's official endpoint. Required for openai_compatible (Ollama, vLLM, LiteLLM…).
  base_url text check (length(base_url) between 1 and 2000),
  -- Field name → vault ciphertext, AAD bound to (org, this provider id, field): as app.channels.
  credentials jsonb not null default '{}' check (jsonb_typeof(credentials) = 'object'),
  -- `...` + last 4 characters of a long API key (shown in responses); NULL for short keys.
  credentials_hint text check (length(credentials_hint) <= 16),
  default_model text check (length(default_model) between 1 and 200),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  check (kind <> 'openai_compatible' or base_url is not null)
);
create index providers_org_created_idx on app.providers (org_id, created_at desc, id desc);

alter table app.providers enable row level security;
alter table app.providers force row level security;
create policy org_boundary on app.providers as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.providers as permissive for all to public using (true) with check (true);

grant select, insert, update, delete on app.providers to converse_app;

-- Agents: which provider answers (language model, speech in, speech out), the built-in tools the model
-- is offered, and per-agent session limits. NULL provider: the server default (language model) or the
-- offline engines. No ON DELETE on the provider keys: deleting a provider an agent uses is a 409
-- ("still in use") instead of an agent that silently changes model.
-- Adding a foreign key validates the existing rows with a query that forced RLS refuses (there is no org
-- context while migrating). The new columns are all NULL, so FORCE is lifted for these statements only,
-- inside the migration's transaction, and restored below.
alter table app.agents no force row level security;
alter table app.agents
  add column llm_provider_id uuid,
  add column stt_provider_id uuid,
  add column stt_model text check (length(stt_model) between 1 and 200),
  add column tts_provider_id uuid,
  add column tts_voice text check (length(tts_voice) between 1 and 200),
  add column tools_builtin text[] not null default '{}'
    check (tools_builtin <@ array['transfer_call', 'end_call', 'human_handoff', 'schedule_callback', 'send_message']::text[]),
  add column max_turns integer check (max_turns between 1 and 1000),
  add column max_duration_seconds integer check (max_duration_seconds between 10 and 86400),
  add foreign key (org_id, llm_provider_id) references app.providers (org_id, id),
  add foreign key (org_id, stt_provider_id) references app.providers (org_id, id),
  add foreign key (org_id, tts_provider_id) references app.providers (org_id, id);
alter table app.agents force row level security;
-- Serve the foreign keys' check when a provider is deleted.
create index agents_llm_provider_idx on app.agents (org_id, llm_provider_id) where llm_provider_id is not null;
create index agents_stt_provider_idx on app.agents (org_id, stt_provider_id) where stt_provider_id is not null;
create index agents_tts_provider_idx on app.agents (org_id, tts_provider_id) where tts_provider_id is not null;
