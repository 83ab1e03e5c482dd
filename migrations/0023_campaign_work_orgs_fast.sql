-- The dialing engine's door (0020), same answer, cheaper: 0020 ran a DISTINCT over every open attempt of
-- every org on each tick of each worker (15 ms with 40,000 attempts open, i.e. calls in progress, and
-- growing with them). Here the orgs with open attempts come from a loose index scan of
-- campaign_attempts_open_idx: one index probe per such org, whatever the number of attempts.
-- Still ids only, still owned by converse_lookup with the same grants (CREATE OR REPLACE keeps them).
create or replace function app.campaign_work_orgs(p_limit int)
  returns table (org_id uuid)
  language sql volatile security definer set search_path = pg_catalog, pg_temp as $$
  with recursive open_orgs(org_id) as (
    (select a.org_id from app.campaign_attempts a where a.status <> 'ended' order by a.org_id limit 1)
    union all
    select (select a.org_id from app.campaign_attempts a where a.status <> 'ended' and a.org_id > o.org_id order by a.org_id limit 1)
      from open_orgs o where o.org_id is not null
  )
  select w.org_id from (
    select c.org_id from app.campaigns c where c.status = 'running'
    union
    select o.org_id from open_orgs o where o.org_id is not null
  ) w
  order by random()
  limit least(greatest(p_limit, 1), 10000)
$$;
