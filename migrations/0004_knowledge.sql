-- Knowledge base (issue 3): documents, their uploaded bytes, retrieval chunks and agent assignments.
-- Tenant tables per ISOLATION.md: org_id leads every key, every reference between these tables (and to
-- app.agents) is a composite (org_id, ...) foreign key, RLS is enabled AND forced with the restrictive
-- org boundary. Search is Postgres-native: a stored tsvector per chunk, indexed by GIN with org_id as its
-- LEADING column (btree_gin), so a query only ever walks one organization's postings.

create table app.knowledge_documents (
  org_id uuid not null references app.organizations (org_id) on delete cascade,
  id uuid not null,
  name text not null check (length(name) between 1 and 300),
  source text not null check (source in ('upload', 'url', 'text')),
  source_url text check (length(source_url) <= 2048),
  filename text check (length(filename) <= 300),
  mime_type text check (length(mime_type) <= 200),
  content_type text check (content_type in ('pdf', 'docx', 'txt', 'markdown', 'csv', 'html')),
  size_bytes bigint not null default 0 check (size_bytes >= 0),
  -- Language hint given at ingestion (BCP 47); the document's own language wins when it declares one.
  language_hint text check (length(language_hint) between 2 and 64),
  language text check (length(language) between 2 and 64),
  -- The PostgreSQL text search configuration the chunks were indexed with ('english', 'simple', ...).
  ts_config text check (ts_config ~ '^[a-z_]{1,63}$'),
  status text not null default 'queued' check (status in ('queued', 'processing', 'ready', 'failed')),
  progress smallint not null default 0 check (progress between 0 and 100),
  error text check (length(error) <= 1000),
  title text check (length(title) <= 1000),
  page_count int check (page_count >= 0),
  truncated boolean not null default false,
  chunk_count int not null default 0 check (chunk_count >= 0),
  -- Bumped by every (re)index request: a job writes results only for the generation it was queued for,
  -- so a slow stale job can never overwrite a newer index.
  generation int not null default 1 check (generation >= 1),
  embedding_model text check (length(embedding_model) <= 200),
  created_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  indexed_at timestamptz,
  primary key (org_id, id)
);
create index knowledge_documents_org_created_idx on app.knowledge_documents (org_id, created_at desc, id desc);

-- Uploaded (and pasted) bytes, kept for the ingestion job and for reindexing. In the database so they are
-- isolated by the same RLS as everything else and deleted with the document.
create table app.knowledge_blobs (
  org_id uuid not null,
  document_id uuid not null,
  content bytea not null,
  created_at timestamptz not null default now(),
  primary key (org_id, document_id),
  foreign key (org_id, document_id) references app.knowledge_documents (org_id, id) on delete cascade
);

create table app.knowledge_chunks (
  org_id uuid not null,
  id uuid not null,
  document_id uuid not null,
  position int not null check (position >= 0),
  text text not null check (length(text) between 1 and 20000),
  heading text check (length(heading) <= 2000),
  page int check (page >= 1),
  char_start int check (char_start >= 0),
  char_end int check (char_end >= 0),
  ts_config regconfig not null,
  -- The heading is weighted above the body so a chunk is findable by its section title.
  tsv tsvector generated always as (
    setweight(to_tsvector(ts_config, coalesce(heading, '')), 'A') || to_tsvector(ts_config, text)
  ) stored,
  -- Unit-length embedding (vector search); NULL when no embedding provider is configured.
  embedding real[],
  primary key (org_id, id),
  unique (org_id, document_id, position),
  foreign key (org_id, document_id) references app.knowledge_documents (org_id, id) on delete cascade
);

-- Full-text index led by org_id. btree_gin is created by the migrator (src/platform/db/migrate.ts) when
-- the server has it; without it, a plain GIN on tsv plus the (org_id, document_id, position) key still
-- works but a common word makes the index walk every organization's postings.
do $$
begin
  if exists (select 1 from pg_extension where extname = 'btree_gin') then
    create index knowledge_chunks_search_idx on app.knowledge_chunks using gin (org_id, tsv);
  else
    raise warning 'btree_gin is not installed: knowledge search falls back to a GIN index on tsv alone';
    create index knowledge_chunks_search_idx on app.knowledge_chunks using gin (tsv);
  end if;
end $$;

-- Which documents an agent may search. Composite foreign keys to both sides: an assignment can only ever
-- join an agent and a document of the same organization. Deleting either side removes the assignment.
create table app.knowledge_assignments (
  org_id uuid not null,
  agent_id uuid not null,
  document_id uuid not null,
  created_by uuid,
  created_at timestamptz not null default now(),
  primary key (org_id, agent_id, document_id),
  foreign key (org_id, agent_id) references app.agents (org_id, id) on delete cascade,
  foreign key (org_id, document_id) references app.knowledge_documents (org_id, id) on delete cascade
);
create index knowledge_assignments_document_idx on app.knowledge_assignments (org_id, document_id);

do $$
declare t text;
begin
  foreach t in array array['knowledge_documents', 'knowledge_blobs', 'knowledge_chunks', 'knowledge_assignments'] loop
    execute format('alter table app.%I enable row level security', t);
    execute format('alter table app.%I force row level security', t);
    execute format('create policy org_boundary on app.%I as restrictive for all to public
                      using (org_id = (select app.current_org_id()))
                      with check (org_id = (select app.current_org_id()))', t);
    execute format('create policy org_access on app.%I as permissive for all to public using (true) with check (true)', t);
  end loop;
end $$;

grant select, insert, update, delete on app.knowledge_documents, app.knowledge_blobs, app.knowledge_chunks,
  app.knowledge_assignments to converse_app;
