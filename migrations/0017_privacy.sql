-- Privacy settings (issue 15, docs/privacy.md): PII redaction and data retention, per organization.

alter table app.organizations
  add column redact_pii boolean not null default false,
  -- null: keep calls until deleted by hand.
  add column retention_days integer check (retention_days between 1 and 3650),
  -- When app.queue_privacy_jobs() last queued this organization's daily privacy job.
  add column privacy_queued_at timestamptz;

-- While a session of a redacting organization is live, the model's history must still hold what the
-- caller really said (the live session is unaffected by redaction; only what is stored as history is).
-- This keeps the unredacted text of the last transcript entries, [{"seq": n, "text": "..."}], next to
-- the engine state the session continues from. Never presented; cleared when the session ends, and by
-- the daily privacy job for sessions idle for a day.
alter table app.calls add column live_text jsonb check (live_text is null or jsonb_typeof(live_text) = 'array');

-- Retention deletes, in batches, the calls whose last activity (the last turn, or the end) is older
-- than the period: a thread still going on is never cut off because it began long ago.
create index calls_org_updated_idx on app.calls (org_id, updated_at);

-- A named cross-org door (docs/security.md "Cross-org doors"), like app.claim_due_jobs: once a day per
-- organization that has a retention period or redacts PII, queue its `privacy.daily` job, in one
-- statement (marking the organization and inserting the job commit together, so no organization is
-- skipped or queued twice, however many workers call it). Returns (org id, job id) pairs only; the job
-- itself runs in the organization's own transaction (withOrg).
create function app.queue_privacy_jobs(p_limit int)
  returns table (org_id uuid, job_id uuid)
  language sql volatile security definer set search_path = pg_catalog, pg_temp as $$
  with due as (
    select o.org_id
      from app.organizations o
     where (o.retention_days is not null or o.redact_pii)
       and (o.privacy_queued_at is null or o.privacy_queued_at <= now() - interval '1 day')
     order by o.privacy_queued_at nulls first
     limit least(greatest(p_limit, 1), 1000)
       for update skip locked
  ), marked as (
    update app.organizations o set privacy_queued_at = now() from due where o.org_id = due.org_id returning o.org_id
  )
  insert into app.jobs as j (org_id, id, name, payload, max_attempts)
  select m.org_id, gen_random_uuid(), 'privacy.daily', jsonb_build_object('org_id', m.org_id), 5 from marked m
  returning j.org_id, j.id
$$;

grant select (org_id, retention_days, redact_pii, privacy_queued_at) on app.organizations to converse_lookup;
grant update (privacy_queued_at) on app.organizations to converse_lookup;
grant insert (org_id, id, name, payload, max_attempts) on app.jobs to converse_lookup;
alter function app.queue_privacy_jobs(int) owner to converse_lookup;
revoke all on function app.queue_privacy_jobs(int) from public;
grant execute on function app.queue_privacy_jobs(int) to converse_app;
