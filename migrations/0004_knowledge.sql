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

alter table app.knowledge_documents enable row level security;
alter table app.knowledge_documents force row level security;
create policy org_boundary on app.knowledge_documents as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.knowledge_documents as permissive for all to public using (true) with check (true);

alter table app.knowledge_blobs enable row level security;
alter table app.knowledge_blobs force row level security;
create policy org_boundary on app.knowledge_blobs as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.knowledge_blobs as permissive for all to public using (true) with check (true);

alter table app.knowledge_chunks enable row level security;
alter table app.knowledge_chunks force row level security;
create policy org_boundary on app.knowledge_chunks as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.knowledge_chunks as permissive for all to public using (true) with check (true);

alter table app.knowledge_assignments enable row level security;
alter table app.knowledge_assignments force row level security;
create policy org_boundary on app.knowledge_assignments as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.knowledge_assignments as permissive for all to public using (true) with check (true);

grant select, insert, update, delete on app.knowledge_documents, app.knowledge_blobs, app.knowledge_chunks,
  app.knowledge_assignments to converse_app;

-- Full-text search door. Under RLS, PostgreSQL may use a qual as an index condition only when its
-- operator is LEAKPROOF, and tsvector @@ tsquery is not: a search as converse_app can use only the org_id
-- half of the (org_id, tsv) index and must test every chunk of the organization, which is fine for a few
-- thousand chunks and far too slow for hundreds of thousands. This SECURITY DEFINER function (owner
-- converse_lookup: BYPASSRLS, SELECT on exactly the columns it reads) runs the same query with the full
-- index. It stays inside ONE organization: the org comes from app.current_org_id() (which raises without
-- a context), p_org must equal it (a cross-check, never the source), and the agent filter runs inside
-- that org. It returns ids and scores only; the caller reads chunk text under withOrg and RLS.
-- Scoring: tier (every term 2, two terms 1, one term 0) + ts_rank of the any-term query (normalized by
-- length, at most 1), so a higher tier always ranks first. See src/features/knowledge/search/repo.ts.
create function app.knowledge_search_chunks(p_org uuid, p_agent uuid, p_match tsquery, p_any tsquery,
                                            p_all tsquery, p_pairs tsquery, p_limit int, p_max_ranked int)
  returns table (chunk_id uuid, document_id uuid, score float8)
  language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_org uuid := app.current_org_id();
begin
  if p_org is distinct from v_org then
    raise exception 'organization context mismatch' using errcode = '42501';
  end if;
  -- EXECUTE plans with the actual tsquery values, so the GIN estimate sees the real terms.
  return query execute
    'select c.id, c.document_id,
            (ts_rank(c.tsv, $3, 1) + case when c.tsv @@ $4 then 2 when c.tsv @@ $5 then 1 else 0 end)::float8 as score
       from (select k.id, k.document_id, k.tsv from app.knowledge_chunks k
              where k.org_id = $1 and k.tsv @@ $6
                and ($2 is null or k.document_id in
                     (select a.document_id from app.knowledge_assignments a where a.org_id = $1 and a.agent_id = $2))
              limit $8) c
      order by score desc, c.id
      limit $7'
    using v_org, p_agent, p_any, p_all, p_pairs, p_match, least(greatest(p_limit, 1), 200), least(greatest(p_max_ranked, 1), 100000);
end $$;

grant select (org_id, id, document_id, tsv) on app.knowledge_chunks to converse_lookup;
grant select (org_id, agent_id, document_id) on app.knowledge_assignments to converse_lookup;
grant execute on function app.current_org_id() to converse_lookup;
alter function app.knowledge_search_chunks(uuid, uuid, tsquery, tsquery, tsquery, tsquery, int, int) owner to converse_lookup;
revoke all on function app.knowledge_search_chunks(uuid, uuid, tsquery, tsquery, tsquery, tsquery, int, int) from public;
grant execute on function app.knowledge_search_chunks(uuid, uuid, tsquery, tsquery, tsquery, tsquery, int, int) to converse_app;
