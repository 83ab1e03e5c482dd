-- Durable background jobs (ingestion, webhook delivery, campaign dialing, retention).
-- Jobs carry org_id and ids only; handlers re-read everything under withOrg. Workers on any number of
-- machines claim due jobs with FOR UPDATE SKIP LOCKED through app.claim_due_jobs(), the one named
-- cross-org door for background work, which returns (org_id, job_id) pairs only.

create table app.jobs (
  org_id uuid not null references app.organizations (org_id) on delete cascade,
  id uuid not null,
  name text not null check (name ~ '^[a-z][a-z0-9_.]{0,99}$'),
  payload jsonb not null,
  status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
  attempts int not null default 0,
  max_attempts int not null default 5 check (max_attempts between 1 and 100),
  run_at timestamptz not null default now(),
  locked_until timestamptz,
  locked_by text,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id)
);
-- The claim scans due work across orgs: a partial index keeps it small however much history piles up.
create index jobs_due_idx on app.jobs (run_at) where status in ('queued', 'running');
create index jobs_org_created_idx on app.jobs (org_id, created_at desc, id desc);

alter table app.jobs enable row level security;
alter table app.jobs force row level security;
create policy org_boundary on app.jobs as restrictive for all to public
  using (org_id = (select app.current_org_id())) with check (org_id = (select app.current_org_id()));
create policy org_access on app.jobs as permissive for all to public using (true) with check (true);
grant select, insert, update, delete on app.jobs to converse_app;

create function app.claim_due_jobs(p_worker text, p_limit int, p_lease_seconds int)
  returns table (org_id uuid, job_id uuid)
  language sql volatile security definer set search_path = pg_catalog, pg_temp as $$
  with due as (
    select j.org_id, j.id
      from app.jobs j
     where (j.status = 'queued' and j.run_at <= now())
        or (j.status = 'running' and j.locked_until < now())
     order by j.run_at
     limit least(greatest(p_limit, 1), 100)
       for update skip locked
  )
  update app.jobs j
     set status = 'running',
         locked_until = now() + make_interval(secs => least(greatest(p_lease_seconds, 5), 3600)),
         locked_by = left(p_worker, 100),
         attempts = j.attempts + 1,
         updated_at = now()
    from due
   where j.org_id = due.org_id and j.id = due.id
  returning j.org_id, j.id
$$;

grant select (org_id, id, status, run_at, locked_until, attempts) on app.jobs to converse_lookup;
grant update (status, locked_until, locked_by, attempts, updated_at) on app.jobs to converse_lookup;
alter function app.claim_due_jobs(text, int, int) owner to converse_lookup;
revoke all on function app.claim_due_jobs(text, int, int) from public;
grant execute on function app.claim_due_jobs(text, int, int) to converse_app;
