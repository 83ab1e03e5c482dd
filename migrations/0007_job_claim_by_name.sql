-- A worker claims only the jobs it has handlers for. Without this, a worker of an older or narrower
-- build (or a test worker sharing a database) would claim another build's jobs and fail them as
-- "no handler". Same door, same guarantees: ids only, FOR UPDATE SKIP LOCKED.
drop function app.claim_due_jobs(text, int, int);

create function app.claim_due_jobs(p_worker text, p_limit int, p_lease_seconds int, p_names text[])
  returns table (org_id uuid, job_id uuid)
  language sql volatile security definer set search_path = pg_catalog, pg_temp as $$
  with due as (
    select j.org_id, j.id
      from app.jobs j
     where ((j.status = 'queued' and j.run_at <= now())
            or (j.status = 'running' and j.locked_until < now()))
       and j.name = any (p_names)
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

grant select (name) on app.jobs to converse_lookup;
alter function app.claim_due_jobs(text, int, int, text[]) owner to converse_lookup;
revoke all on function app.claim_due_jobs(text, int, int, text[]) from public;
grant execute on function app.claim_due_jobs(text, int, int, text[]) to converse_app;
